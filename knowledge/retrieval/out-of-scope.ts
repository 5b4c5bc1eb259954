import { wilsonLowerBound } from './threshold-selection.js';

/**
 * Share of out-of-scope questions the bot hands off, at least, when tickets carry an out-of-scope label: what
 * {@link outOfScopeThreshold} selects for on held-out folds, with a margin for the few out-of-scope examples.
 */
export const OUT_OF_SCOPE_RECALL = 0.75;

/** One-sided 95 % normal quantile: the held-out recall must hold at this confidence, not only on average. */
const RECALL_MARGIN_Z = 1.645;

/** A held-out prediction: its calibrated confidence, whether its first label was right, whether it was out of scope. */
export interface HeldOutPrediction {
  confidence: number;
  correct: boolean;
  outOfScope: boolean;
}

/**
 * The lowest confidence below which a question is treated as out of scope (handed off whatever the answer threshold),
 * chosen on held-out predictions of labelled tickets: the smallest threshold at which the held-out out-of-scope
 * questions that are handed off (their first label was the out-of-scope label, or their confidence falls below it)
 * are at least `recall` of them with 95 % confidence (Wilson lower bound). The margin is what keeps the promise on new
 * questions: an operator's out-of-scope examples are few (CLINC150: 100) and new out-of-scope questions are less like
 * them than the held-out ones (docs/answers.md). Undefined without out-of-scope examples, or when even handing off
 * every question would not show the recall with that confidence (too few of them). Pure.
 */
export function outOfScopeThreshold(heldOut: readonly HeldOutPrediction[], recall = OUT_OF_SCOPE_RECALL): number | undefined {
  const outOfScope = heldOut.filter((r) => r.outOfScope);
  if (outOfScope.length === 0 || wilsonLowerBound(outOfScope.length, outOfScope.length, RECALL_MARGIN_Z) < recall) return undefined;
  const found = outOfScope.filter((r) => r.correct).length;
  // Candidates: just above each out-of-scope question's confidence that its label did not already hand off.
  const missed = outOfScope.filter((r) => !r.correct).map((r) => r.confidence).sort((a, b) => a - b);
  if (wilsonLowerBound(found, outOfScope.length, RECALL_MARGIN_Z) >= recall) return undefined;
  for (let i = 0; i < missed.length; i++) {
    if (wilsonLowerBound(found + i + 1, outOfScope.length, RECALL_MARGIN_Z) >= recall) return (missed[i] as number) + 1e-9;
  }
  return undefined;
}
