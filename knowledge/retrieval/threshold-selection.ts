/** A held-out prediction: the confidence it was made with and whether its answer was right. */
export interface ScoredOutcome {
  confidence: number;
  correct: boolean;
}

/** One point of a risk–coverage curve: answering every prediction with at least `threshold` confidence. */
export interface RiskCoveragePoint {
  threshold: number;
  /** Share of all predictions answered (0–1). */
  coverage: number;
  /** Share of the answered predictions that were right (0–1). */
  precision: number;
  answered: number;
}

/** The answer threshold chosen for a precision target, and what it achieved on the held-out predictions. */
export interface ThresholdSelection {
  /** Answer when confidence ≥ this; above 1 when no threshold reaches the target (answer nothing). */
  threshold: number;
  target: number;
  coverage: number;
  /** Held-out precision of the answered predictions (0 when none are answered). */
  precision: number;
  /** Held-out predictions the choice was made on. */
  support: number;
}

/** Options of {@link selectAnswerThreshold}. */
export interface SelectionOptions {
  /**
   * z of the one-sided Wilson lower bound that the held-out precision must reach the target with; default 1 (the
   * precision is at least the target with about 84 % confidence), 0 takes the empirical precision as it is.
   */
  z?: number;
  /** Fewest answered predictions a threshold must rest on; default 10. */
  minAnswered?: number;
}

/** A threshold above every confidence: nothing is answered. */
export const NEVER_ANSWER = 1.01;

/**
 * The risk–coverage curve of `outcomes`: one point per distinct confidence, from the highest (fewest answered) to
 * the lowest (all answered). Pure.
 */
export function riskCoverageCurve(outcomes: readonly ScoredOutcome[]): RiskCoveragePoint[] {
  const sorted = [...outcomes].sort((a, b) => b.confidence - a.confidence);
  const points: RiskCoveragePoint[] = [];
  let right = 0;
  sorted.forEach((outcome, i) => {
    if (outcome.correct) right++;
    // Ties answer together: a point sits after the last prediction of its confidence.
    if (i + 1 < sorted.length && (sorted[i + 1] as ScoredOutcome).confidence === outcome.confidence) return;
    points.push({ threshold: outcome.confidence, coverage: (i + 1) / sorted.length, precision: right / (i + 1), answered: i + 1 });
  });
  return points;
}

/** Lower end of the one-sided Wilson score interval of a proportion. Pure. */
export function wilsonLowerBound(successes: number, trials: number, z: number): number {
  if (trials === 0) return 0;
  if (z === 0) return successes / trials;
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return (centre - spread) / (1 + z2 / trials);
}

/** The best coverage at which the answered predictions are right at least `precision` of the time (0 when never). Pure. */
export function coverageAtPrecision(outcomes: readonly ScoredOutcome[], precision: number): number {
  let best = 0;
  // A small tolerance so that 0.9 reached as 9/10 in floating point still counts.
  for (const point of riskCoverageCurve(outcomes)) if (point.precision >= precision - 1e-9) best = Math.max(best, point.coverage);
  return best;
}

/**
 * Selective answering by a precision target: the lowest confidence threshold (the widest coverage) whose answered
 * held-out predictions are right at least `target` of the time, the precision taken at the Wilson lower bound so that
 * a handful of lucky predictions at the top does not pass. {@link NEVER_ANSWER} when no threshold reaches it. Pure.
 */
export function selectAnswerThreshold(outcomes: readonly ScoredOutcome[], target: number, options: SelectionOptions = {}): ThresholdSelection {
  const z = options.z ?? 1;
  const minAnswered = options.minAnswered ?? 10;
  let chosen: RiskCoveragePoint | undefined;
  for (const point of riskCoverageCurve(outcomes)) {
    if (point.answered < minAnswered) continue;
    const right = Math.round(point.precision * point.answered);
    if (wilsonLowerBound(right, point.answered, z) >= target - 1e-9) chosen = point;
  }
  if (!chosen) return { threshold: NEVER_ANSWER, target, coverage: 0, precision: 0, support: outcomes.length };
  return { threshold: chosen.threshold, target, coverage: chosen.coverage, precision: chosen.precision, support: outcomes.length };
}
