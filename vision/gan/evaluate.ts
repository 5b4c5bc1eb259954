import * as tf from '@tensorflow/tfjs-core';
import { accuracy, trainClassifier } from './classifier.js';
import type { ImageSet } from './data.js';
import { frechetDistance } from './fid.js';
import { fromArrays, type WeightArrays } from './gradients.js';
import { generate, type GanSpec } from './model.js';
import { SeededRandom } from './optimizer.js';

/** How well a generator does, judged by a classifier trained on real images only. */
export interface GanEvaluation {
  /** Share of generated images the classifier puts in the category they were generated for. */
  classifierAccuracy: number;
  /** Fréchet distance, in the classifier's feature space, between the held-out real images and generated ones. */
  fid: number;
  /** The same distance for the training images blurred (Gaussian, σ = {@link BLUR_SIGMA} px): the bar to beat. */
  fidBlurredBaseline: number;
  /** The same distance for the (unblurred) training images: what real images of other items score. */
  fidRealTrain: number;
  /** The classifier's accuracy on the held-out real images (how good a judge it is). */
  realAccuracy: number;
  /** Generated images per category. */
  generatedPerCategory: number;
}

/** Blur of the baseline images, in pixels. */
export const BLUR_SIGMA = 1;

/** Generates images for `labels` in batches on the current backend: pixels in [-1, 1], `n × size² × channels`. */
export function generatePixels(g: WeightArrays, spec: GanSpec, labels: number[], seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const per = spec.size * spec.size * spec.channels;
  const out = new Float32Array(labels.length * per);
  const weights = fromArrays(g);
  try {
    for (let start = 0; start < labels.length; start += 128) {
      const part = labels.slice(start, start + 128);
      const z = random.normals(part.length * spec.zDim);
      const images = tf.tidy(() => generate(weights, spec, tf.tensor2d(z, [part.length, spec.zDim]), part));
      out.set(images.dataSync(), start * per);
      images.dispose();
    }
  } finally {
    tf.dispose(Object.values(weights));
  }
  return out;
}

/** Separable Gaussian blur of every image and channel (edges clamped). */
export function blurImages(set: ImageSet, sigma: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const weights = kernel.map((v) => v / total);
  const { size, channels } = set;
  const per = size * size * channels;
  const out = new Float32Array(set.pixels.length);
  const tmp = new Float32Array(per);
  const at = (y: number, x: number, c: number) => (y * size + x) * channels + c;
  const clamp = (v: number) => Math.min(size - 1, Math.max(0, v));
  for (let n = 0; n < set.labels.length; n++) {
    const src = set.pixels.subarray(n * per, (n + 1) * per);
    const dst = out.subarray(n * per, (n + 1) * per);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += weights[k + radius]! * src[at(y, clamp(x + k), c)]!;
      tmp[at(y, x, c)] = s;
    }
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += weights[k + radius]! * tmp[at(clamp(y + k), x, c)]!;
      dst[at(y, x, c)] = s;
    }
  }
  return out;
}

/**
 * Judges generator weights `g`: trains the classifier on `train` (real images), generates as many images per
 * category as `train` has on average, and measures classifier accuracy and FIDs against `heldOut`.
 */
export function evaluateGenerator(g: WeightArrays, spec: GanSpec, train: ImageSet, heldOut: ImageSet, options: { classifierEpochs?: number; seed?: number } = {}): GanEvaluation {
  const classifier = trainClassifier(train, { epochs: options.classifierEpochs });
  try {
    const k = spec.categories.length;
    const perCategory = Math.max(1, Math.round(train.labels.length / k));
    const labels = Array.from({ length: perCategory * k }, (_, i) => i % k);
    const generated = generatePixels(g, spec, labels, options.seed ?? 99);
    const heldFeatures = classifier.features(heldOut.pixels, heldOut.labels.length);
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      classifierAccuracy: round(accuracy(classifier, generated, labels)),
      fid: round(frechetDistance(heldFeatures, classifier.features(generated, labels.length))),
      fidBlurredBaseline: round(frechetDistance(heldFeatures, classifier.features(blurImages(train, BLUR_SIGMA), train.labels.length))),
      fidRealTrain: round(frechetDistance(heldFeatures, classifier.features(train.pixels, train.labels.length))),
      realAccuracy: round(accuracy(classifier, heldOut.pixels, heldOut.labels)),
      generatedPerCategory: perCategory,
    };
  } finally {
    classifier.dispose();
  }
}
