/** One held-out prediction used to calibrate confidence: the model's top probability, its margin, and whether it was right. */
export interface CalibrationRecord {
  top: number;
  margin: number;
  /** Similarity of the question with its nearest other ticket (out-of-scope questions have no close neighbour). */
  similarity: number;
  correct: boolean;
  /** The question's true label was the out-of-scope label. */
  outOfScope: boolean;
  /**
   * The label model's probability of the out-of-scope label (0 without one): how much of the question falls outside
   * every in-scope label, beside how sure the model is of its first label.
   */
  outOfScopeProbability?: number;
}

const logit = (p: number): number => {
  const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  return Math.log(q / (1 - q));
};

type Weights = readonly [number, number, number, number, number];
const IDENTITY: Weights = [0, 1, 0, 0, 0];

const features = (top: number, margin: number, similarity: number, outOfScope: number): Weights => [1, logit(top), margin, similarity, outOfScope];

/**
 * Platt scaling over four features (logit of the top probability, the margin to the runner-up, the similarity with
 * the nearest ticket, and the probability of the out-of-scope label, 0 without one), fitted on held-out predictions:
 * maps a model's raw scores to the probability that its answer is right. The out-of-scope probability lets a question
 * that is partly "none of these" lose confidence although one in-scope label leads the others (CLINC150, 3 folds of
 * `train` + `oos_train`: see docs/answers.md).
 */
export class Calibrator {
  private constructor(private readonly w: Weights) {}

  /** Calibration used when there is nothing to fit: returns the top probability unchanged. */
  static identity(): Calibrator {
    return new Calibrator(IDENTITY);
  }

  /** Fits by gradient descent on the log loss; falls back to identity when all records agree. */
  static fit(records: readonly CalibrationRecord[]): Calibrator {
    const positives = records.filter((r) => r.correct).length;
    if (positives === 0 || positives === records.length) return Calibrator.identity();
    let w: number[] = [...IDENTITY];
    const rate = 0.5;
    const rows = records.map((r) => ({ x: features(r.top, r.margin, r.similarity, r.outOfScopeProbability ?? 0), y: r.correct ? 1 : 0 }));
    for (let step = 0; step < 500; step++) {
      const gradient = [0, 0, 0, 0, 0];
      for (const { x, y } of rows) {
        const p = 1 / (1 + Math.exp(-x.reduce((sum, xi, i) => sum + xi * (w[i] as number), 0)));
        x.forEach((xi, i) => (gradient[i] = (gradient[i] as number) + (p - y) * xi));
      }
      w = w.map((wi, i) => wi - (rate * (gradient[i] as number)) / rows.length);
    }
    return new Calibrator(w as unknown as Weights);
  }

  /** The fitted weights (bias, logit of the top probability, margin, similarity, out-of-scope probability), or null for the identity. */
  get weights(): readonly number[] | null {
    return this.w === IDENTITY ? null : [...this.w];
  }

  /** The calibrator with these {@link weights} (null: the identity; four weights, written before the fifth: it is 0). */
  static fromWeights(weights: readonly number[] | null): Calibrator {
    if (weights && weights.length === 4) return new Calibrator([...weights, 0] as unknown as Weights);
    return weights && weights.length === 5 ? new Calibrator(weights as unknown as Weights) : Calibrator.identity();
  }

  /**
   * Probability that a prediction with this top probability, margin, nearest-ticket similarity and out-of-scope label
   * probability is right.
   */
  apply(top: number, margin: number, similarity: number, outOfScopeProbability = 0): number {
    if (this.w === IDENTITY) return top;
    const z = features(top, margin, similarity, outOfScopeProbability).reduce((sum, xi, i) => sum + xi * (this.w[i] as number), 0);
    return 1 / (1 + Math.exp(-z));
  }
}

/** Expected calibration error of confidences against outcomes, over `bins` equal-width bins. */
export function expectedCalibrationError(pairs: readonly { confidence: number; correct: boolean }[], bins = 10): number {
  if (pairs.length === 0) return 0;
  let error = 0;
  for (let b = 0; b < bins; b++) {
    const inBin = pairs.filter((p) => Math.min(bins - 1, Math.floor(p.confidence * bins)) === b);
    if (inBin.length === 0) continue;
    const confidence = inBin.reduce((s, p) => s + p.confidence, 0) / inBin.length;
    const accuracy = inBin.filter((p) => p.correct).length / inBin.length;
    error += (inBin.length / pairs.length) * Math.abs(confidence - accuracy);
  }
  return error;
}
