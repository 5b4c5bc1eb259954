import type { TicketRecord } from '../../bot/core/index.js';

/** A label and the label model's probability of it for a question. */
export interface LabelProbability {
  label: string;
  p: number;
}

/** Weight of the label probability in a labelled ticket's score (the rest is its similarity to the question). */
export const LABEL_WEIGHT = 0.7;

/**
 * The label probabilities a conversation in some scopes may act on: labels `inScope` rejects (no ticket in those
 * scopes, nor shared) are left out and the rest renormalized, so that another brand's label never wins nor lowers the
 * margin. Pure.
 */
export function labelsInScope(labels: readonly LabelProbability[], inScope: (label: string) => boolean): LabelProbability[] {
  const kept = labels.filter(({ label }) => inScope(label));
  const total = kept.reduce((sum, { p }) => sum + p, 0);
  return total > 0 ? kept.map(({ label, p }) => ({ label, p: p / total })) : kept;
}

/**
 * Scores candidates by their label's probability blended with their similarity ({@link LABEL_WEIGHT}), best first,
 * and gives the best similarity among them (`nearest`). A ticket without a label the model knows (posted without a
 * category, or of a label newer than the model) is scored on its similarity alone: the model has no evidence for or
 * against it. Pure.
 */
export function scoreByLabels(
  candidates: Iterable<TicketRecord>,
  probability: ReadonlyMap<string, number>,
  known: (ticket: TicketRecord) => string | undefined,
  similarity: (ticket: TicketRecord) => number,
): { scored: { ticket: TicketRecord; score: number }[]; nearest: number } {
  let nearest = 0;
  const scored = [...candidates]
    .map((ticket) => {
      const sim = similarity(ticket);
      nearest = Math.max(nearest, sim);
      const label = known(ticket);
      return { ticket, score: label === undefined ? sim : LABEL_WEIGHT * (probability.get(label) ?? 0) + (1 - LABEL_WEIGHT) * sim };
    })
    .sort((a, b) => b.score - a.score);
  return { scored, nearest };
}
