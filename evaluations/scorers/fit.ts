import { rememberedByText } from '../../bot/core/index.js';
import { agreementFactor, compareEntities, findEntities, ticketEntities, type EntityComparison, type EntityMentions } from '../../knowledge/index.js';
import { cosine, support } from './text.js';

/** A past ticket an answer cites: its question and answer. */
export interface CitedTicket {
  question: string;
  answer: string;
}

/** Whether an answer fits the question it answers (see {@link answerFit}). */
export interface AnswerFit {
  /** 0–1: relevance of the answer and its source to the question, lowered by contradicting entities and unsupported claims. */
  fit: number;
  /** 0–1: the better of the answer's and the cited questions' similarity to the question, times the entity agreement factor. */
  relevance: number;
  /** −1…1: entities of the question against those of the answer and its sources (see `compareEntities`). */
  entityAgreement: number;
  /** The kinds whose values contradict the question ("Canada" asked, "the US, the UK and the EU" answered). */
  contradictions: EntityComparison[];
  /** 0–1: similarity of the question with the closest cited ticket's question (0 without sources). */
  sourceFit: number;
  /** 0–1: share of the answer's content words its sources support (1 without sources: nothing to check against). */
  support: number;
}

/** Distinct questions and answers whose entities are remembered: a scoring pass finds the entities of every question and answer of a conversation again each time it is scored. */
const REMEMBERED_TEXTS = 2_000;
const questionMentions = rememberedByText(REMEMBERED_TEXTS, findEntities);
const answerMentions = rememberedByText(REMEMBERED_TEXTS, (text) => ticketEntities({ question: '', answer: text }));

function mergeMentions(all: readonly EntityMentions[]): EntityMentions {
  const merged: EntityMentions = {};
  for (const mentions of all) {
    for (const [kind, values] of Object.entries(mentions) as [keyof EntityMentions, string[]][]) {
      merged[kind] = [...new Set([...(merged[kind] ?? []), ...values])];
    }
  }
  return merged;
}

/**
 * How well an answer fits its question: relevance is the better of the answer's and the cited tickets' questions'
 * similarity to the question; it is multiplied by the entity agreement factor (an answer about other countries,
 * platforms or payment methods than the ones asked about), and by the support the sources give the answer's words
 * (an answer that says what its source does not). Pure.
 */
export function answerFit(question: string, answer: string, sources: readonly CitedTicket[]): AnswerFit {
  const sourceFit = Math.max(0, ...sources.map((source) => cosine(question, source.question)));
  const relevance = Math.max(cosine(question, answer), sourceFit);
  // The answer itself is read like a ticket's answer; the cited tickets like tickets (garments from their questions).
  // (ticketEntities remembers a ticket's entities by the ticket object: pass the store's records to reuse them.)
  const answered = mergeMentions([answerMentions(answer), ...sources.map((source) => ticketEntities(source))]);
  const entities = compareEntities(questionMentions(question), answered);
  const supported = sources.length ? support(answer, sources.flatMap((s) => [s.question, s.answer])) : 1;
  const relevant = relevance * agreementFactor(entities.score);
  return {
    fit: Math.round(relevant * supported * 1e4) / 1e4,
    relevance: Math.round(relevant * 1e4) / 1e4,
    entityAgreement: entities.score,
    contradictions: entities.comparisons.filter((c) => c.outcome === 'conflict'),
    sourceFit: Math.round(sourceFit * 1e4) / 1e4,
    support: Math.round(supported * 1e4) / 1e4,
  };
}
