/** What retrieval answered for a held-out ticket's question, its own ticket left out. */
export interface HeldOutAnswer<T, S extends object> {
  /** The candidates in rank order (the first is what the bot would answer with). */
  ranked: readonly T[];
  /** What the answer's confidence is made of (the confidence itself, or the signals it is calibrated from). */
  signals: S;
}

/** Options of {@link leaveOneOutOutcomes}. */
export interface LeaveOneOutOptions<T, S extends object> {
  /** Retrieval for the ticket's question without the ticket itself, in the ticket's scope. */
  ask: (ticket: T) => Promise<HeldOutAnswer<T, S>>;
  /** True when two tickets' answers say the same thing (see `sameAnswer`). */
  same: (a: T, b: T) => boolean;
  /** Most tickets asked, spread evenly over the corpus; default 1,000. */
  sampleSize?: number;
  /**
   * A first, evenly spread probe of this many questions (default 50): when under `minAnswerable` of them could be
   * answered by other tickets, asking stops there (answers do not repeat; the outcomes would say nothing).
   */
  probe?: number;
  /** Least answerable share of the probe to go on; default 0 (always go on). */
  minAnswerable?: number;
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
 * says the same thing as the ticket's own answer. A question whose answer exists only in its own ticket counts too (as
 * wrong if answered), as new questions without an answer in the knowledge do. `answerable` is the share of the asked
 * questions that one of the candidates could answer: near 0 when answers never repeat, so that leave-one-out cannot
 * tell right from wrong.
 */
export async function leaveOneOutOutcomes<T, S extends object>(tickets: readonly T[], options: LeaveOneOutOptions<T, S>): Promise<{ outcomes: (S & { correct: boolean })[]; answerable: number }> {
  const outcomes: (S & { correct: boolean })[] = [];
  let answerable = 0;
  const sample = evenSample(tickets, options.sampleSize ?? 1_000);
  const probe = new Set(evenSample(sample, options.probe ?? 50));
  const ordered = [...probe, ...sample.filter((ticket) => !probe.has(ticket))];
  for (const [i, ticket] of ordered.entries()) {
    if (i === probe.size && answerable / Math.max(1, outcomes.length) < (options.minAnswerable ?? 0)) break;
    const { ranked, signals } = await options.ask(ticket);
    const first = ranked[0];
    if (!first) continue;
    if (ranked.some((candidate) => options.same(candidate, ticket))) answerable++;
    outcomes.push({ ...signals, correct: options.same(first, ticket) });
  }
  return { outcomes, answerable: answerable / Math.max(1, outcomes.length) };
}
