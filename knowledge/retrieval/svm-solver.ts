import { runSteps, type Steps } from '../steps.js';
import { seededRandom } from '../embeddings/linalg.js';

/** Training rows of {@link trainOneVsRestSvm}: feature slots (0…features−1), their values and the label index. */
export interface SvmRow {
  indices: readonly number[];
  values: readonly number[];
  label: number;
}

/** Options of {@link trainOneVsRestSvm}. */
export interface SvmOptions {
  /** Penalty of a margin violation (larger: fits the training data more closely); default 1. */
  c?: number;
  /** Stop when the projected gradients of a class span less than this; default 0.1 (as liblinear). */
  tolerance?: number;
  /** Most passes over the (shrunk) data per class; default 200. */
  maxPasses?: number;
  /** Shuffle seed; default 17. */
  seed?: number;
}

/**
 * One-vs-rest linear SVMs with the squared hinge loss and an L2 penalty, each solved in the dual by coordinate
 * descent with shrinking (Hsieh et al., 2008 — the liblinear solver that TF-IDF text classification baselines use).
 * Returns the weights as `features × classes` (row-major) and one bias per class (a constant feature of value 1).
 * Deterministic for a seed.
 */
export function trainOneVsRestSvm(rows: readonly SvmRow[], features: number, classes: number, options: SvmOptions = {}): { weights: Float32Array; bias: Float32Array } {
  return runSteps(svmTraining(rows, features, classes, options));
}

/** {@link trainOneVsRestSvm} as steps: it may pause after every pass over the active rows. */
export function* svmTraining(rows: readonly SvmRow[], features: number, classes: number, options: SvmOptions = {}): Steps<{ weights: Float32Array; bias: Float32Array }> {
  const c = options.c ?? 1;
  const tolerance = options.tolerance ?? 0.1;
  const maxPasses = options.maxPasses ?? 200;
  const random = seededRandom(options.seed ?? 17);
  const n = rows.length;
  const diagonal = 1 / (2 * c);
  // Q̄_ii = x_i·x_i (plus the bias feature) + D_ii.
  const qii = rows.map((row) => row.values.reduce((sum, v) => sum + v * v, 0) + 1 + diagonal);
  const weights = new Float32Array(features * classes);
  const bias = new Float32Array(classes);
  const w = new Float64Array(features);
  const alpha = new Float64Array(n);
  const active = new Int32Array(n);
  for (let k = 0; k < classes; k++) {
    w.fill(0);
    alpha.fill(0);
    let b = 0;
    for (let i = 0; i < n; i++) active[i] = i;
    let activeSize = n;
    let shrinkAbove = Infinity;
    for (let pass = 0; pass < maxPasses; pass++) {
      for (let s = 0; s < activeSize - 1; s++) {
        const j = s + Math.floor(random() * (activeSize - s));
        const t = active[s] as number;
        active[s] = active[j] as number;
        active[j] = t;
      }
      let gradientMax = -Infinity;
      let gradientMin = Infinity;
      for (let s = 0; s < activeSize; s++) {
        const i = active[s] as number;
        const row = rows[i] as SvmRow;
        const y = row.label === k ? 1 : -1;
        let dot = b;
        for (let j = 0; j < row.indices.length; j++) dot += (w[row.indices[j] as number] as number) * (row.values[j] as number);
        const gradient = y * dot - 1 + diagonal * (alpha[i] as number);
        let projected = gradient;
        if (alpha[i] === 0) {
          // Well outside the margin: leave it out of the following passes (checked again before stopping).
          if (gradient > shrinkAbove) {
            activeSize--;
            active[s] = active[activeSize] as number;
            active[activeSize] = i;
            s--;
            continue;
          }
          projected = Math.min(gradient, 0);
        }
        gradientMax = Math.max(gradientMax, projected);
        gradientMin = Math.min(gradientMin, projected);
        if (Math.abs(projected) < 1e-12) continue;
        const previous = alpha[i] as number;
        alpha[i] = Math.max(previous - gradient / (qii[i] as number), 0);
        const step = ((alpha[i] as number) - previous) * y;
        for (let j = 0; j < row.indices.length; j++) w[row.indices[j] as number] = (w[row.indices[j] as number] as number) + step * (row.values[j] as number);
        b += step;
      }
      if (gradientMax - gradientMin <= tolerance) {
        if (activeSize === n) break;
        // Converged on the active rows: check every row once more.
        activeSize = n;
        shrinkAbove = Infinity;
        yield;
        continue;
      }
      shrinkAbove = gradientMax <= 0 ? Infinity : gradientMax;
      yield;
    }
    for (let f = 0; f < features; f++) weights[f * classes + k] = w[f] as number;
    bias[k] = b;
  }
  return { weights, bias };
}
