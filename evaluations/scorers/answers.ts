import type { Source } from '../../bot/core/index.js';
import { smallTalk } from '../../dialogs/index.js';
import { answerFit, type CitedTicket } from './fit.js';
import { questionOf } from './question.js';
import { contentWords, round, support } from './text.js';
import type { AnswerScore, ScorerInput } from './types.js';
import { isVisionTurn } from './vision.js';

/** Answers citing nothing with fewer content words than this are chit-chat ("You're welcome!"), not claims. */
const MIN_CLAIM_WORDS = 5;

/** Citation markers (`[1]`, `[2, 3]`) that point at sources; they are not claims. */
const CITATION_MARKERS = /\s*\[\d+(?:\s*,\s*\d+)*\]/g;

export { questionOf } from './question.js';

/** The text the answer may rely on: each cited ticket's question and answer (from the store, else the source metadata). */
export function evidenceOf(sources: readonly Source[], input: Pick<ScorerInput, 'ticket'>): string {
  return evidencePartsOf(sources, input).join('\n');
}

/** {@link evidenceOf} in parts, in order: each cited ticket's question, then its answer ('' when not in the store). */
function evidencePartsOf(sources: readonly Source[], input: Pick<ScorerInput, 'ticket'>): string[] {
  return sources.flatMap((source) => {
    const ticket = input.ticket(source.id);
    const question = ticket?.question ?? (typeof source.metadata.question === 'string' ? source.metadata.question : '');
    return [question, ticket?.answer ?? ''];
  });
}

/**
 * Scores every factual bot answer: groundedness (how much of it its cited tickets support; a factual answer citing
 * nothing scores 0), relevance (similarity to the question, or of the cited ticket's question to it, lowered when the
 * entities contradict the question) and fit ({@link answerFit}: whether the answer and its source fit the question). Replies to
 * greetings and thanks, clarifying questions, handoff messages and try-on or photo turns ({@link isVisionTurn}) are not
 * answers.
 */
export function scoreAnswers(input: ScorerInput): AnswerScore[] {
  const scores: AnswerScore[] = [];
  input.messages.forEach((message, index) => {
    if (message.role !== 'bot' || (message.activity.action ?? 'answer') !== 'answer') return;
    // Try-on and photo turns cite no tickets: the vision scorer judges them (scoreVisionTurns).
    if (isVisionTurn(input.messages, index)) return;
    const question = questionOf(input.messages, index);
    if (!question || smallTalk(question.text)) return;
    const sources = message.activity.sources ?? [];
    if (sources.length === 0 && contentWords(message.text).length < MIN_CLAIM_WORDS) return;
    const evidence = evidencePartsOf(sources, input);
    const claim = message.text.replace(CITATION_MARKERS, '');
    const groundedness = sources.length ? support(claim, evidence) : 0;
    // The ticket record itself when the store has it (its question and answer), so that its entities found before are reused.
    const cited = sources.map((s): CitedTicket => input.ticket(s.id) ?? { question: String(s.metadata.question ?? ''), answer: '' });
    const fit = answerFit(question.text, claim, cited);
    scores.push({
      id: message.id,
      question: question.text,
      answer: message.text,
      sources: sources.map((s) => s.id),
      groundedness: round(groundedness),
      relevance: round(fit.relevance),
      fit: round(fit.fit),
      entityAgreement: round(fit.entityAgreement),
      contradictions: fit.contradictions.map((c) => `${c.kind}: ${c.question.join(', ')} ≠ ${c.other.join(', ')}`),
      confidence: message.activity.confidence ?? null,
    });
  });
  return scores;
}
