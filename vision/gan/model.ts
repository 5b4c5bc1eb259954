import * as tf from '@tensorflow/tfjs-core';
import { downConv, upConv } from './conv.js';

/**
 * The shape of a conditional GAN: image side (a multiple of 4), colour channels, number of categories, latent size and
 * layer widths. Stored with the weights, so a model file says what it generates.
 */
export interface GanSpec {
  /** Image side in pixels (square), a multiple of 4. */
  size: number;
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
  /** Category names, index = class id. */
  categories: string[];
  /** Latent noise size. */
  zDim: number;
  /** Channels of the generator's first (size/4) feature map; the next one has half. */
  gWidth: number;
  /** Channels of the discriminator's first conv; the second has twice as many. */
  dWidth: number;
}

/** Named weights (the order of {@link generatorParamNames} / {@link discriminatorParamNames}). */
export type Params = Record<string, tf.Tensor>;

/** Slope of the leaky ReLU in the discriminator. */
const LEAK = 0.2;
/** Weight of the auxiliary classification loss (AC-GAN term next to the projection). */
export const AUX_WEIGHT = 1;

/** The weight shapes of the generator: dense → (size/4)² × gWidth → ×2 up (gWidth/2) → ×2 up (channels), tanh. */
export function generatorShapes(spec: GanSpec): Record<string, number[]> {
  const base = spec.size / 4;
  const k = spec.categories.length;
  return {
    g_dense_w: [spec.zDim + k, base * base * spec.gWidth],
    g_dense_b: [base * base * spec.gWidth],
    g_up1_w: [4, 4, spec.gWidth / 2, spec.gWidth],
    g_up1_b: [spec.gWidth / 2],
    g_up2_w: [4, 4, spec.channels, spec.gWidth / 2],
    g_up2_b: [spec.channels],
  };
}

/**
 * The weight shapes of the discriminator: two stride-2 4×4 convs (spectrally normalised), then on the flattened
 * features a linear score, a class projection (Miyato & Koyama 2018) and an auxiliary class head.
 */
export function discriminatorShapes(spec: GanSpec): Record<string, number[]> {
  const base = spec.size / 4;
  const features = base * base * spec.dWidth * 2;
  const k = spec.categories.length;
  return {
    d_conv1_w: [4, 4, spec.channels, spec.dWidth],
    d_conv1_b: [spec.dWidth],
    d_conv2_w: [4, 4, spec.dWidth, spec.dWidth * 2],
    d_conv2_b: [spec.dWidth * 2],
    d_out_w: [features, 1],
    d_out_b: [1],
    d_embed: [k, features],
    d_aux_w: [features, k],
    d_aux_b: [k],
  };
}

/** The spectrally normalised weights and the length of their power-iteration vector (output channels). */
export function spectralNormShapes(spec: GanSpec): Record<string, number> {
  return { d_conv1_w: spec.dWidth, d_conv2_w: spec.dWidth * 2, d_out_w: 1 };
}

/** Fresh weights: N(0, 0.02) kernels (DCGAN), zero biases; power-iteration vectors N(0, 1). */
export function initParams(spec: GanSpec, seed = 1): { g: Params; d: Params; u: Params } {
  let s = seed;
  const make = (shapes: Record<string, number[]>): Params =>
    Object.fromEntries(
      Object.entries(shapes).map(([name, shape]) => [name, /_b$/.test(name) ? tf.zeros(shape) : tf.randomNormal(shape, 0, 0.02, 'float32', s++)]),
    );
  const u = Object.fromEntries(Object.entries(spectralNormShapes(spec)).map(([name, n]) => [name, tf.randomNormal([n], 0, 1, 'float32', s++)]));
  return { g: make(generatorShapes(spec)), d: make(discriminatorShapes(spec)), u };
}

/** Per-pixel feature normalisation (ProGAN): per sample, so generation does not depend on the batch. */
function pixelNorm(x: tf.Tensor4D): tf.Tensor4D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), 3, true), 1e-8)));
}

/** One-hot rows for class ids. */
export function oneHot(labels: number[], classes: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classes), 'float32') as tf.Tensor2D;
}

/** Generator: `z` [n, zDim] and class ids → images [n, size, size, channels] in [-1, 1]. */
export function generate(g: Params, spec: GanSpec, z: tf.Tensor2D, labels: number[]): tf.Tensor4D {
  const n = z.shape[0];
  const base = spec.size / 4;
  const input = tf.concat([z, oneHot(labels, spec.categories.length)], 1);
  let h = tf.reshape(tf.add(tf.matMul(input, g.g_dense_w as tf.Tensor2D), g.g_dense_b!), [n, base, base, spec.gWidth]) as tf.Tensor4D;
  h = tf.relu(pixelNorm(h));
  h = upConv(h, g.g_up1_w as tf.Tensor4D);
  h = tf.relu(pixelNorm(tf.add(h, g.g_up1_b!)));
  h = upConv(h, g.g_up2_w as tf.Tensor4D);
  return tf.tanh(tf.add(h, g.g_up2_b!));
}

/** A spectral-norm weight's singular vectors after one power iteration (constants for differentiation). */
export interface SingularVectors {
  u: tf.Tensor;
  v: tf.Tensor;
}

/** `w` divided by its largest singular value `vᵀ W u` (Miyato et al. 2018). */
function spectralNormalise(w: tf.Tensor, sv: SingularVectors): tf.Tensor {
  const out = w.shape[w.shape.length - 1]!;
  const w2 = tf.reshape(w, [-1, out]) as tf.Tensor2D;
  const sigma = tf.sum(tf.mul(tf.matMul(w2, tf.reshape(sv.u, [out, 1])), tf.reshape(sv.v, [-1, 1])));
  return tf.div(w, sigma);
}

/**
 * One power iteration for every spectrally normalised weight of `d`, from the stored vectors `u`; the new `u` are kept
 * for the next step.
 */
export function singularVectors(d: Params, u: Params): Record<string, SingularVectors> {
  const normalise = (t: tf.Tensor) => tf.div(t, tf.add(tf.norm(t), 1e-12));
  return Object.fromEntries(
    Object.entries(u).map(([name, vec]) => {
      const w = d[name]!;
      const w2 = tf.reshape(w, [-1, w.shape[w.shape.length - 1]!]) as tf.Tensor2D;
      const v = normalise(tf.reshape(tf.matMul(w2, tf.reshape(vec, [-1, 1])), [-1]));
      const next = normalise(tf.reshape(tf.matMul(tf.reshape(v, [1, -1]), w2), [-1]));
      return [name, { u: next, v }];
    }),
  );
}

/** Discriminator: images and class ids → realness scores [n] (linear + projection) and class logits [n, k]. */
export function discriminate(d: Params, sv: Record<string, SingularVectors>, spec: GanSpec, x: tf.Tensor4D, labels: number[]): { score: tf.Tensor1D; logits: tf.Tensor2D } {
  const n = x.shape[0];
  let h = downConv(x, spectralNormalise(d.d_conv1_w!, sv.d_conv1_w!) as tf.Tensor4D);
  h = tf.leakyRelu(tf.add(h, d.d_conv1_b!), LEAK);
  h = downConv(h, spectralNormalise(d.d_conv2_w!, sv.d_conv2_w!) as tf.Tensor4D);
  h = tf.leakyRelu(tf.add(h, d.d_conv2_b!), LEAK);
  const flat = tf.reshape(h, [n, -1]) as tf.Tensor2D;
  const linear = tf.add(tf.matMul(flat, spectralNormalise(d.d_out_w!, sv.d_out_w!) as tf.Tensor2D), d.d_out_b!);
  // A one-hot product instead of a gather: WASM has no gradient kernel for gather (UnsortedSegmentSum).
  const embedded = tf.matMul(oneHot(labels, spec.categories.length), d.d_embed as tf.Tensor2D);
  const projection = tf.sum(tf.mul(flat, embedded), 1);
  const score = tf.add(tf.reshape(linear, [n]), projection) as tf.Tensor1D;
  const logits = tf.add(tf.matMul(flat, d.d_aux_w as tf.Tensor2D), d.d_aux_b!) as tf.Tensor2D;
  return { score, logits };
}

function crossEntropy(logits: tf.Tensor2D, labels: number[]): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(oneHot(labels, logits.shape[1]), logits);
}

/** Hinge loss of the discriminator on a real and a fake batch, plus the auxiliary class loss on the real batch. */
export function discriminatorLoss(d: Params, sv: Record<string, SingularVectors>, spec: GanSpec, real: tf.Tensor4D, realLabels: number[], fake: tf.Tensor4D, fakeLabels: number[]): tf.Scalar {
  const r = discriminate(d, sv, spec, real, realLabels);
  const f = discriminate(d, sv, spec, fake, fakeLabels);
  const hinge = tf.add(tf.mean(tf.relu(tf.sub(1, r.score))), tf.mean(tf.relu(tf.add(1, f.score))));
  return tf.add(hinge, tf.mul(AUX_WEIGHT, crossEntropy(r.logits, realLabels))) as tf.Scalar;
}

/** Generator loss: −score of its images, plus the auxiliary class loss of its images against their conditioning. */
export function generatorLoss(g: Params, d: Params, sv: Record<string, SingularVectors>, spec: GanSpec, z: tf.Tensor2D, labels: number[]): tf.Scalar {
  const f = discriminate(d, sv, spec, generate(g, spec, z, labels), labels);
  return tf.add(tf.neg(tf.mean(f.score)), tf.mul(AUX_WEIGHT, crossEntropy(f.logits, labels))) as tf.Scalar;
}
