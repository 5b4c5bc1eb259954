import { seededRandom } from '../embeddings/linalg.js';
import { runSteps, type Steps } from '../steps.js';
import type { SvmRow } from './svm-solver.js';

/**
 * One linear classifier over a label model's feature slots: weights as `features × classes` (row-major), one bias per
 * class, and the factor of its scores in the softmax that turns them into probabilities.
 */
export interface LinearHead {
  weights: Float32Array;
  bias: Float32Array;
  scale: number;
}

/** Raw linear scores of `head` into `out` for feature slots and their values. */
export function linearScores(head: LinearHead, indices: readonly number[], values: readonly number[], out: Float64Array): Float64Array {
  const c = out.length;
  for (let k = 0; k < c; k++) out[k] = head.bias[k] as number;
  for (let i = 0; i < indices.length; i++) {
    const v = values[i] as number;
    const base = (indices[i] as number) * c;
    for (let k = 0; k < c; k++) out[k] = (out[k] as number) + (head.weights[base + k] as number) * v;
  }
  return out;
}

/** Softmax probabilities of `head`'s scaled scores into `out`. */
export function softmaxScores(head: LinearHead, indices: readonly number[], values: readonly number[], out: Float64Array): Float64Array {
  const c = out.length;
  linearScores(head, indices, values, out);
  let max = -Infinity;
  for (let k = 0; k < c; k++) max = Math.max(max, (out[k] = (out[k] as number) * head.scale));
  let sum = 0;
  for (let k = 0; k < c; k++) sum += out[k] = Math.exp((out[k] as number) - max);
  for (let k = 0; k < c; k++) out[k] = (out[k] as number) / sum;
  return out;
}

/** Options of {@link trainBySgd}. */
export interface SgdOptions {
  /** `logistic`: softmax cross-entropy; `squared`: one-vs-rest least squares against ±1 targets. */
  loss: 'logistic' | 'squared';
  /** Passes over the data; default 8. */
  epochs?: number;
  /** AdaGrad learning rate; default 0.25. */
  learningRate?: number;
  /** L2 penalty; default 0. */
  l2?: number;
  /** Shuffle seed; default 17. */
  seed?: number;
}

/**
 * A linear head trained by AdaGrad over shuffled passes: the multinomial logistic regression (softmax, scale 1) or a
 * one-vs-rest ridge-style regression (for baselines). Deterministic for a seed.
 */
export function trainBySgd(rows: readonly SvmRow[], features: number, classes: number, options: SgdOptions): LinearHead {
  return runSteps(sgdTraining(rows, features, classes, options));
}

/** Rows of an SGD pass between two points where {@link sgdTraining} may pause. */
const SGD_ROWS_PER_STEP = 16;

/** {@link trainBySgd} as steps: it may pause every {@link SGD_ROWS_PER_STEP} rows. */
export function* sgdTraining(rows: readonly SvmRow[], features: number, classes: number, options: SgdOptions): Steps<LinearHead> {
  const c = classes;
  const head: LinearHead = { weights: new Float32Array(features * c), bias: new Float32Array(c), scale: 1 };
  const { weights, bias } = head;
  const squares = new Float32Array(features * c).fill(1e-8);
  const rate = options.learningRate ?? 0.25;
  const l2 = options.l2 ?? 0;
  const random = seededRandom(options.seed ?? 17);
  const order = rows.map((_, i) => i);
  const residual = new Float64Array(c);
  for (let epoch = 0; epoch < (options.epochs ?? 8); epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (let done = 0; done < order.length; done++) {
      if (done % SGD_ROWS_PER_STEP === SGD_ROWS_PER_STEP - 1) yield;
      const row = rows[order[done] as number] as SvmRow;
      if (options.loss === 'squared') {
        linearScores(head, row.indices, row.values, residual);
        for (let k = 0; k < c; k++) residual[k] = (residual[k] as number) - (k === row.label ? 1 : -1);
      } else {
        softmaxScores(head, row.indices, row.values, residual);
        residual[row.label] = (residual[row.label] as number) - 1;
      }
      for (let k = 0; k < c; k++) bias[k] = (bias[k] as number) - 0.1 * (residual[k] as number);
      for (let i = 0; i < row.indices.length; i++) {
        const v = row.values[i] as number;
        const base = (row.indices[i] as number) * c;
        for (let k = 0; k < c; k++) {
          const g = (residual[k] as number) * v + l2 * (weights[base + k] as number);
          squares[base + k] = (squares[base + k] as number) + g * g;
          weights[base + k] = (weights[base + k] as number) - (rate * g) / Math.sqrt(squares[base + k] as number);
        }
      }
    }
  }
  return head;
}
