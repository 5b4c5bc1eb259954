import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node build registers no gradient functions: the GAN's are registered here.
import './register-gradients.js';
import { discriminatorLoss, generate, generatorLoss, singularVectors, type GanSpec, type Params } from './model.js';

/** Weights as plain arrays (sent to worker threads). */
export type WeightArrays = Record<string, { shape: number[]; data: Float32Array }>;

/** One shard of a training step: which network to differentiate, the weights and the shard's batch. */
export interface GradientRequest {
  kind: 'discriminator' | 'generator';
  spec: GanSpec;
  g: WeightArrays;
  d: WeightArrays;
  u: WeightArrays;
  /** Latent vectors, `labels.length × zDim`. */
  z: Float32Array;
  /** Conditioning class ids of the generated images. */
  labels: number[];
  /** Real images (discriminator steps only), `realLabels.length × size² × channels`. */
  real?: Float32Array;
  realLabels?: number[];
}

/** The loss of a shard and its gradients by weight name. */
export interface GradientResult {
  loss: number;
  /** Images in the shard (the weight of this shard when averaging). */
  count: number;
  grads: Record<string, Float32Array>;
}

/** Tensors → arrays (for a message to a worker). */
export function toArrays(params: Params): WeightArrays {
  return Object.fromEntries(Object.entries(params).map(([name, t]) => [name, { shape: t.shape, data: t.dataSync() as Float32Array }]));
}

/** Arrays → tensors. */
export function fromArrays(arrays: WeightArrays): Params {
  return Object.fromEntries(Object.entries(arrays).map(([name, a]) => [name, tf.tensor(a.data, a.shape, 'float32')]));
}

/** Computes one shard's loss and gradients on the current backend (the same code in a worker and in-thread). */
export function computeGradients(request: GradientRequest): GradientResult {
  const { spec } = request;
  const n = request.labels.length;
  // The tidy returns tensors only: it walks whatever it returns, and would walk big arrays element by element.
  const { value, grads, names } = tf.tidy(() => {
    const g = fromArrays(request.g);
    const d = fromArrays(request.d);
    const sv = singularVectors(d, fromArrays(request.u));
    const z = tf.tensor2d(request.z, [n, spec.zDim]);
    // The discriminator step differentiates only its own weights: the generated batch is a constant input.
    const fake = request.kind === 'discriminator' ? generate(g, spec, z, request.labels) : undefined;
    const realLabels = request.realLabels ?? [];
    const real = tf.tensor4d(request.real ?? new Float32Array(0), [realLabels.length, spec.size, spec.size, spec.channels]);
    const own = request.kind === 'generator' ? g : d;
    const ownNames = Object.keys(own);
    const lossOf = (...weights: tf.Tensor[]): tf.Scalar => {
      const w: Params = Object.fromEntries(ownNames.map((name, i) => [name, weights[i]!]));
      if (request.kind === 'generator') return generatorLoss(w, d, sv, spec, z, request.labels);
      return discriminatorLoss(w, sv, spec, real, realLabels, fake!, request.labels);
    };
    return { ...tf.valueAndGrads(lossOf)(ownNames.map((name) => own[name]!)), names: ownNames };
  });
  const result: GradientResult = {
    loss: value.dataSync()[0]!,
    count: Math.max(n, request.realLabels?.length ?? 0),
    grads: Object.fromEntries(names.map((name, i) => [name, (grads[i]!.dataSync() as Float32Array).slice()])),
  };
  tf.dispose([value, ...grads]);
  return result;
}
