import * as tf from '@tensorflow/tfjs-core';
import './register-gradients.js';
import { downConv } from './conv.js';
import type { ImageSet } from './data.js';
import { oneHot } from './model.js';
import { SeededRandom } from './optimizer.js';

/**
 * A small CNN that tells the categories apart, trained on real images only; it judges generated images (does an
 * image look like the category it was asked for?) and its penultimate layer is the feature space of the FID.
 */
export interface Classifier {
  /** Class probabilities' argmax per image. */
  predict(pixels: Float32Array, count: number): number[];
  /** Penultimate-layer features per image (the FID's feature space). */
  features(pixels: Float32Array, count: number): Float64Array[];
  dispose(): void;
}

/** Classifier training settings. */
export interface ClassifierOptions {
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Width of the feature layer. */
  featureSize?: number;
}

const LEAK = 0.2;

/** Trains the evaluation classifier on `set` (in this thread, on the current backend). */
export function trainClassifier(set: ImageSet, options: ClassifierOptions = {}): Classifier {
  const epochs = options.epochs ?? 15;
  const batchSize = options.batchSize ?? 32;
  const featureSize = options.featureSize ?? 64;
  const random = new SeededRandom(options.seed ?? 5);
  const k = set.categories.length;
  const quarter = set.size / 4;
  const seed = () => Math.floor(random.next() * 1e9);
  const init = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed()));
  const w = {
    c1: init([4, 4, set.channels, 16], 16 * set.channels),
    b1: tf.variable(tf.zeros([16])),
    c2: init([4, 4, 16, 32], 16 * 16),
    b2: tf.variable(tf.zeros([32])),
    f: init([quarter * quarter * 32, featureSize], quarter * quarter * 32),
    bf: tf.variable(tf.zeros([featureSize])),
    o: init([featureSize, k], featureSize),
    bo: tf.variable(tf.zeros([k])),
  };
  const per = set.size * set.size * set.channels;
  const toImages = (pixels: Float32Array, n: number) => tf.tensor4d(pixels, [n, set.size, set.size, set.channels]);
  const featuresOf = (x: tf.Tensor4D): tf.Tensor2D => {
    let h = tf.leakyRelu(tf.add(downConv(x, w.c1 as tf.Tensor4D), w.b1), LEAK);
    h = tf.leakyRelu(tf.add(downConv(h as tf.Tensor4D, w.c2 as tf.Tensor4D), w.b2), LEAK);
    return tf.relu(tf.add(tf.matMul(tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D, w.f as tf.Tensor2D), w.bf));
  };
  const logitsOf = (x: tf.Tensor4D) => tf.add(tf.matMul(featuresOf(x), w.o as tf.Tensor2D), w.bo) as tf.Tensor2D;

  const optimizer = tf.train.adam(1e-3);
  const n = set.labels.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = random.permutation(n);
    for (let start = 0; start < n; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const pixels = new Float32Array(idx.length * per);
      idx.forEach((src, dst) => pixels.set(set.pixels.subarray(src * per, (src + 1) * per), dst * per));
      // Small shifts by up to 2 px: the classifier should not depend on exact placement.
      const dx = Math.floor(random.next() * 5) - 2;
      const dy = Math.floor(random.next() * 5) - 2;
      tf.tidy(() => {
        const x = shift(toImages(pixels, idx.length), dx, dy);
        const labels = idx.map((i) => set.labels[i]!);
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(oneHot(labels, k), logitsOf(x)) as tf.Scalar);
      });
    }
  }
  optimizer.dispose();

  const inBatches = <T>(pixels: Float32Array, count: number, run: (x: tf.Tensor4D) => tf.Tensor2D, read: (t: tf.Tensor2D) => T[]): T[] => {
    const out: T[] = [];
    for (let start = 0; start < count; start += 128) {
      const m = Math.min(128, count - start);
      const t = tf.tidy(() => run(toImages(pixels.slice(start * per, (start + m) * per), m)));
      out.push(...read(t));
      t.dispose();
    }
    return out;
  };
  return {
    predict: (pixels, count) => inBatches(pixels, count, (x) => tf.expandDims(tf.argMax(logitsOf(x), 1), 1) as tf.Tensor2D, (t) => [...t.dataSync()]),
    features: (pixels, count) =>
      inBatches(pixels, count, featuresOf, (t) => {
        const data = t.dataSync();
        const dim = t.shape[1];
        return Array.from({ length: t.shape[0] }, (_, i) => Float64Array.from(data.subarray(i * dim, (i + 1) * dim)));
      }),
    dispose: () => tf.dispose(Object.values(w)),
  };
}

/** Translates images by (dx, dy) pixels, filling with the background value −1. */
function shift(x: tf.Tensor4D, dx: number, dy: number): tf.Tensor4D {
  if (dx === 0 && dy === 0) return x;
  const [, h, w] = x.shape;
  const padded = tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], -1);
  return tf.slice(padded, [0, 2 - dy, 2 - dx, 0], [-1, h, w, -1]);
}

/** Share of images the classifier assigns to their intended category. */
export function accuracy(classifier: Classifier, pixels: Float32Array, labels: number[]): number {
  const predicted = classifier.predict(pixels, labels.length);
  return predicted.filter((p, i) => p === labels[i]).length / Math.max(1, labels.length);
}
