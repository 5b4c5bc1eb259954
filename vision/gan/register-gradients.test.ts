import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GRADIENTS } from './register-gradients.js';

/** Inputs of one check: shapes and the range their random values are drawn from (kept off kinks and poles). */
interface Case {
  shapes: number[][];
  range?: [number, number];
  f: (...xs: tf.Tensor[]) => tf.Tensor;
}

const t4 = (x: tf.Tensor) => x as tf.Tensor4D;

/** One or more checks per kernel this module registers a gradient for. */
const CASES: Record<string, Case[]> = {
  [tf.Add]: [{ shapes: [[2, 3], [1, 3]], f: (a, b) => tf.add(a!, b!) }, { shapes: [[3], [2, 3]], f: (a, b) => tf.add(a!, b!) }],
  [tf.Sub]: [{ shapes: [[2, 3], [3]], f: (a, b) => tf.sub(a!, b!) }, { shapes: [[2, 1], [2, 3]], f: (a, b) => tf.sub(a!, b!) }],
  [tf.Multiply]: [{ shapes: [[2, 3], [2, 1]], f: (a, b) => tf.mul(a!, b!) }, { shapes: [[2, 3], [2, 3]], f: (a, b) => tf.mul(a!, b!) }],
  [tf.RealDiv]: [{ shapes: [[2, 3], [3]], range: [0.5, 2], f: (a, b) => tf.div(a!, b!) }, { shapes: [[1, 3], [2, 3]], range: [0.5, 2], f: (a, b) => tf.div(a!, b!) }],
  [tf.BatchMatMul]: [
    { shapes: [[2, 3], [3, 4]], f: (a, b) => tf.matMul(a!, b!) },
    { shapes: [[2, 3], [4, 3]], f: (a, b) => tf.matMul(a!, b!, false, true) },
    { shapes: [[3, 2], [3, 4]], f: (a, b) => tf.matMul(a!, b!, true, false) },
    { shapes: [[3, 2], [4, 3]], f: (a, b) => tf.matMul(a!, b!, true, true) },
  ],
  [tf.LeakyRelu]: [{ shapes: [[2, 5]], range: [0.2, 1], f: (x) => tf.leakyRelu(tf.mul(x!, tf.tensor2d([[1, -1, 1, -1, 1], [-1, 1, -1, 1, -1]])), 0.2) }],
  [tf.Relu]: [{ shapes: [[2, 5]], range: [0.2, 1], f: (x) => tf.relu(tf.mul(x!, tf.tensor2d([[1, -1, 1, -1, 1], [-1, 1, -1, 1, -1]]))) }],
  [tf.Tanh]: [{ shapes: [[2, 3]], f: (x) => tf.tanh(x!) }],
  [tf.Neg]: [{ shapes: [[2, 3]], f: (x) => tf.neg(x!) }],
  [tf.Square]: [{ shapes: [[2, 3]], f: (x) => tf.square(x!) }],
  [tf.Rsqrt]: [{ shapes: [[2, 3]], range: [0.5, 2], f: (x) => tf.rsqrt(x!) }],
  [tf.Reshape]: [{ shapes: [[2, 3]], f: (x) => tf.reshape(x!, [3, 2]) }],
  [tf.Sum]: [{ shapes: [[2, 3, 2]], f: (x) => tf.sum(x!, 1) }, { shapes: [[2, 3]], f: (x) => tf.sum(x!) }],
  [tf.Mean]: [{ shapes: [[2, 3, 2]], f: (x) => tf.mean(x!, [0, 2]) }, { shapes: [[2, 3]], f: (x) => tf.mean(x!) }],
  [tf.Conv2D]: [{ shapes: [[1, 5, 5, 2], [3, 3, 2, 3]], f: (x, w) => tf.conv2d(t4(x!), t4(w!), 2, 1) }, { shapes: [[2, 4, 4, 1], [2, 2, 1, 2]], f: (x, w) => tf.conv2d(t4(x!), t4(w!), 1, 'same') }],
  [tf.Conv2DBackpropInput]: [{ shapes: [[1, 3, 3, 2], [4, 4, 3, 2]], f: (x, w) => tf.conv2dTranspose(t4(x!), t4(w!), [1, 6, 6, 3], 2, 1) }],
};

/** A seeded uniform draw of `shape` in `range`, as float64 numbers. */
function draw(shape: number[], [low, high]: [number, number], seed: number): Float64Array {
  const values = tf.tidy(() => tf.randomUniform(shape, low, high, 'float32', seed).dataSync());
  return Float64Array.from(values);
}

/** `Σ f(xs) · weights`: a scalar whose gradient with respect to every output element differs. */
function lossOf(c: Case, weights: tf.Tensor, xs: tf.Tensor[]): tf.Scalar {
  return tf.sum(tf.mul(c.f(...xs), weights));
}

/** Central differences of the loss in float64 around `values`, one input element at a time. */
function numericGradients(c: Case, weights: tf.Tensor, values: Float64Array[]): Float64Array[] {
  const eps = 1e-2;
  const at = (inputs: Float64Array[]) => tf.tidy(() => lossOf(c, weights, inputs.map((v, i) => tf.tensor(Float32Array.from(v), c.shapes[i]!))).dataSync()[0]!);
  return values.map((v, i) => Float64Array.from(v, (_, k) => {
    const plus = values.map((w) => w.slice());
    const minus = values.map((w) => w.slice());
    plus[i]![k]! += eps;
    minus[i]![k]! -= eps;
    return (at(plus) - at(minus)) / (2 * eps);
  }));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the gradients registered for the GAN', () => {
  it('covers every kernel it registers with a check below, and registers them all', () => {
    expect(Object.keys(CASES).sort()).toEqual(GRADIENTS.map((g) => g.kernelName).sort());
    for (const g of GRADIENTS) expect(tf.getGradient(g.kernelName)).toBeDefined();
  });

  it.each(Object.entries(CASES).flatMap(([kernel, cases]) => cases.map((c, i) => [`${kernel} #${i + 1}`, c] as const)))('%s matches central differences', (_name, c) => {
    const values = c.shapes.map((shape, i) => draw(shape, c.range ?? [-1, 1], 11 + i));
    const outShape = tf.tidy(() => c.f(...values.map((v, i) => tf.tensor(Float32Array.from(v), c.shapes[i]!))).shape);
    const weights = tf.randomUniform(outShape, -1, 1, 'float32', 5);
    const analytic = tf.tidy(() => tf.grads((...xs: tf.Tensor[]) => lossOf(c, weights, xs))(values.map((v, i) => tf.tensor(Float32Array.from(v), c.shapes[i]!))).map((g) => g.dataSync()));
    const numeric = numericGradients(c, weights, values);
    analytic.forEach((grad, i) => {
      expect(grad.length).toBe(numeric[i]!.length);
      grad.forEach((g, k) => expect(Math.abs(g - numeric[i]![k]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric[i]![k]!))));
    });
    weights.dispose();
  });

});
