/** Signals of a ranked candidate list that carry whether its first answer is right, without labels. */
export interface AnswerSignals {
  /** Similarity of the question with the first candidate (0–1). */
  similarity: number;
  /** Share of the top candidates' score whose answers say the same thing as the first's (0–1; 1 alone). */
  agreement: number;
  /**
   * The answer-cluster model's probability (0–1) that the question gets the first candidate's answer class, in the
   * conversation's scope (see `answer-clusters.ts`); absent when the tickets' answers rarely repeat.
   */
  cluster?: number;
}

/** A held-out question's signals and whether its first answer was right. */
export interface SignalRecord extends AnswerSignals {
  correct: boolean;
}

/** Candidates the agreement looks at. */
export const AGREEMENT_DEPTH = 5;

/**
 * Neighbour agreement: the share of the top {@link AGREEMENT_DEPTH} candidates' scores carried by candidates whose
 * answer says the same thing as the first one's (`agrees[i]`; the first always agrees). Answers that many close past
 * questions got are right far more often than an answer one similar ticket got. Pure.
 */
export function agreementOf(scores: readonly number[], agrees: readonly boolean[]): number {
  let total = 0;
  let agreeing = 0;
  for (let i = 0; i < Math.min(scores.length, AGREEMENT_DEPTH); i++) {
    const score = Math.max(0, scores[i] as number);
    total += score;
    if (i === 0 || agrees[i]) agreeing += score;
  }
  return total > 0 ? agreeing / total : 0;
}

/** The calibration's inputs: bias, similarity, agreement, and the cluster probability when calibrated with one. */
const features = (s: AnswerSignals, size: number): number[] => (size === 4 ? [1, s.similarity, s.agreement, s.cluster ?? 0] : [1, s.similarity, s.agreement]);

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Logistic regression of being right on the similarity, the neighbour agreement and (when the records carry one) the
 * answer-cluster probability, fitted on held-out questions of the operator's own tickets: the confidence the policy
 * decides on when tickets carry no labels that name answers.
 */
export class SignalCalibration {
  private constructor(readonly weights: readonly number[]) {}

  /** Fits by gradient descent on the log loss; undefined when the records are all right or all wrong. */
  static fit(records: readonly SignalRecord[]): SignalCalibration | undefined {
    const positives = records.filter((r) => r.correct).length;
    if (positives === 0 || positives === records.length) return undefined;
    const size = records.some((r) => r.cluster !== undefined) ? 4 : 3;
    const rows = records.map((record) => ({ x: features(record, size), y: record.correct ? 1 : 0 }));
    const w = new Array<number>(size).fill(0);
    for (let step = 0; step < 2000; step++) {
      const gradient = new Array<number>(size).fill(0);
      for (const { x, y } of rows) {
        const error = sigmoid(dot(w, x)) - y;
        for (let i = 0; i < size; i++) gradient[i]! += error * x[i]!;
      }
      for (let i = 0; i < size; i++) w[i]! -= (2 * gradient[i]!) / records.length;
    }
    return new SignalCalibration(w);
  }

  /** The calibration with these {@link weights} (bias, similarity, agreement[, cluster]); undefined for anything else. */
  static fromWeights(weights: unknown): SignalCalibration | undefined {
    return Array.isArray(weights) && (weights.length === 3 || weights.length === 4) && weights.every((w) => typeof w === 'number') ? new SignalCalibration(weights as number[]) : undefined;
  }

  /** Probability that the first answer with these signals is right. */
  apply(signals: AnswerSignals): number {
    return sigmoid(dot(this.weights, features(signals, this.weights.length)));
  }
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
