import type { TicketRecord } from '../../bot/core/index.js';
import { leaveOneOutOutcomes, MIN_ANSWERABLE_SHARE, MIN_SELECTION_OUTCOMES, sameAnswer, selectAnswerThreshold, sparseDot, TicketEncoder } from '../../knowledge/index.js';
import type { BenchQuestion } from './rows.js';
import { leaksPlaceholder, type QuestionOutcome } from './scoring.js';

/** What the baseline is, as the bench prints it. */
export const BASELINE_MODEL = 'tf-idf nearest ticket (question word 1-2-grams + char 3-5-grams, answer words), scope-filtered, threshold selected like the product';


/**
 * The plain answerer the product must beat: the most TF-IDF-similar ticket of the question's scope (or shared), answered
 * when its similarity reaches the threshold selected for `targetPrecision` by leave-one-out over the same tickets and
 * the same answer agreement the product uses (`fallbackThreshold` with too few outcomes); handed off otherwise.
 */
export async function tfidfBaseline(
  tickets: readonly TicketRecord[],
  questions: readonly BenchQuestion[],
  options: { targetPrecision: number; fallbackThreshold: number; expectedOf: (ticket: TicketRecord) => string[] },
): Promise<QuestionOutcome[]> {
  const encoder = TicketEncoder.fit(tickets);
  const encoded = tickets.map((t) => encoder.encodeTicket(t));
  const index = new Map(tickets.map((t, i) => [t.id, i]));
  const ranked = (text: string, scope: string | undefined, exclude?: string) => {
    const query = encoder.encodeQuery(text);
    const scored: { i: number; score: number }[] = [];
    tickets.forEach((ticket, i) => {
      if (ticket.id === exclude || (scope !== undefined && ticket.scope !== undefined && ticket.scope !== scope)) return;
      scored.push({ i, score: encoder.similarity(query, encoded[i] as (typeof encoded)[number]) });
    });
    return scored.sort((a, b) => b.score - a.score).slice(0, 8);
  };
  const answerCosine = (a: TicketRecord, b: TicketRecord) => sparseDot(encoded[index.get(a.id) as number]!.answerWords, encoded[index.get(b.id) as number]!.answerWords);
  const { outcomes, answerable } = await leaveOneOutOutcomes(tickets, {
    ask: async (ticket) => {
      const found = ranked(ticket.question, ticket.scope, ticket.id);
      return { ranked: found.map((f) => tickets[f.i] as TicketRecord), signals: { confidence: found[0]?.score ?? 0 } };
    },
    same: (a, b) => sameAnswer(a.answer, b.answer, answerCosine(a, b)),
    minAnswerable: MIN_ANSWERABLE_SHARE,
  });
  const threshold = outcomes.length >= MIN_SELECTION_OUTCOMES && answerable >= MIN_ANSWERABLE_SHARE ? selectAnswerThreshold(outcomes, options.targetPrecision).threshold : options.fallbackThreshold;
  return questions.map((question) => {
    const best = ranked(question.question, question.scope)[0];
    const ticket = best ? (tickets[best.i] as TicketRecord) : undefined;
    const topRight = ticket !== undefined && options.expectedOf(ticket).some((value) => question.expected.includes(value));
    const answered = ticket !== undefined && (best?.score ?? 0) >= threshold;
    return {
      action: answered ? 'answer' : 'handoff',
      right: answered && topRight,
      clarifyHit: false,
      crossScope: false,
      placeholderLeak: answered && leaksPlaceholder(ticket.answer),
      confidence: best?.score ?? 0,
      topRight,
    };
  });
}
