import type { ScoredOutcome } from './threshold-selection.js';

/** What retrieval answered for a held-out ticket's question, its own ticket left out. */
export interface HeldOutAnswer<T> {
  /** The candidates in rank order (the first is what the bot would answer with). */
  ranked: readonly T[];
  confidence: number;
}

/** Options of {@link leaveOneOutOutcomes}. */
export interface LeaveOneOutOptions<T> {
  /** Retrieval for the ticket's question without the ticket itself, in the ticket's scope. */
  ask: (ticket: T) => Promise<HeldOutAnswer<T>>;
  /** True when two tickets' answers say the same thing (see `sameAnswer`). */
  same: (a: T, b: T) => boolean;
  /** Most tickets asked, spread evenly over the corpus; default 1,000. */
  sampleSize?: number;
}

/** Every n-th item so that at most `size` are kept, spread over the whole list. Pure. */
export function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  const step = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * step)] as T);
}

/**
 * Held-out outcomes of the operator's own tickets, for choosing the answer threshold without labels: each sampled
 * ticket's question is asked with the ticket itself left out, and the answer counts as right when the first candidate
 * says the same thing as the ticket's own answer. Only questions the rest of the knowledge can answer count (one of
 * the candidates says the same thing): a question whose answer exists once, in its own ticket, says nothing about how
 * confidence separates right from wrong answers.
 */
export async function leaveOneOutOutcomes<T>(tickets: readonly T[], options: LeaveOneOutOptions<T>): Promise<ScoredOutcome[]> {
  const outcomes: ScoredOutcome[] = [];
  for (const ticket of evenSample(tickets, options.sampleSize ?? 1_000)) {
    const { ranked, confidence } = await options.ask(ticket);
    const first = ranked[0];
    if (!first || !ranked.some((candidate) => options.same(candidate, ticket))) continue;
    outcomes.push({ confidence, correct: options.same(first, ticket) });
  }
  return outcomes;
}
