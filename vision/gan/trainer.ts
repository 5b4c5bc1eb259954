import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from './data.js';
import { fromArrays, toArrays, type GradientRequest, type GradientResult, type WeightArrays } from './gradients.js';
import { discriminatorShapes, generatorShapes, initParams, singularVectors, type GanSpec } from './model.js';
import { adamStep, newAdamState, SeededRandom, type AdamSettings, type AdamState } from './optimizer.js';
import type { GradientPool } from './pool.js';

/** Everything training needs to continue where it stopped (what a checkpoint holds). */
export interface GanState {
  spec: GanSpec;
  /** Epochs completed. */
  epoch: number;
  g: WeightArrays;
  d: WeightArrays;
  /** Spectral-norm power-iteration vectors of the discriminator. */
  u: WeightArrays;
  adamG: AdamState;
  adamD: AdamState;
  /** State of the seeded random generator (shuffles and latent vectors). */
  random: number;
  /** Mean losses of each completed epoch. */
  history: { epoch: number; dLoss: number; gLoss: number }[];
}

/** Training settings. */
export interface TrainSettings {
  batchSize: number;
  adamG: AdamSettings;
  adamD: AdamSettings;
}

/**
 * Defaults: batch 32; Adam 5e-4 (β₁ 0.5, β₂ 0.999) for both networks — DCGAN's β's with a larger step, as a few
 * thousand steps are all a CPU budget of minutes allows.
 */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  batchSize: 32,
  adamG: { learningRate: 5e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 },
  adamD: { learningRate: 5e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-8 },
};

/** Default layer sizes of a new model. */
export function defaultSpec(set: Pick<ImageSet, 'size' | 'channels' | 'categories'>): GanSpec {
  return { size: set.size, channels: set.channels, categories: set.categories, zDim: 64, gWidth: 64, dWidth: 32 };
}

/** A new, untrained state (weights from `seed`). */
export function newGanState(spec: GanSpec, seed = 1): GanState {
  const { g, d, u } = initParams(spec, seed);
  const arrays = { g: toArrays(g), d: toArrays(d), u: toArrays(u) };
  tf.dispose([...Object.values(g), ...Object.values(d), ...Object.values(u)]);
  const lengths = (shapes: Record<string, number[]>) => Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, s.reduce((a, b) => a * b, 1)]));
  return {
    spec,
    epoch: 0,
    ...arrays,
    adamG: newAdamState(lengths(generatorShapes(spec))),
    adamD: newAdamState(lengths(discriminatorShapes(spec))),
    random: seed * 7919 + 17,
    history: [],
  };
}

/** Splits `0..n-1` into `parts` contiguous, nearly equal ranges (the shards of a batch). */
function shardRanges(n: number, parts: number): [number, number][] {
  const k = Math.max(1, Math.min(parts, n));
  return Array.from({ length: k }, (_, i) => [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)]);
}

/** Averages shard gradients weighted by shard size; returns the weighted mean loss too. */
function averageShards(results: GradientResult[]): { loss: number; grads: Record<string, Float32Array> } {
  const total = results.reduce((s, r) => s + r.count, 0);
  const grads: Record<string, Float32Array> = {};
  for (const r of results) {
    const w = r.count / total;
    for (const [name, g] of Object.entries(r.grads)) {
      const acc = (grads[name] ??= new Float32Array(g.length));
      for (let i = 0; i < g.length; i++) acc[i] = acc[i]! + w * g[i]!;
    }
  }
  return { loss: results.reduce((s, r) => s + (r.loss * r.count) / total, 0), grads };
}

const dataOf = (weights: WeightArrays): Record<string, Float32Array> => Object.fromEntries(Object.entries(weights).map(([n, a]) => [n, a.data]));

/**
 * Trains one epoch in place on `state`: for each batch one discriminator step (hinge loss on the real batch and as
 * many generated images with the same categories) and one generator step, each batch split across the pool's
 * workers and their gradients averaged. `onBatch` is called after each batch.
 */
export async function trainEpoch(state: GanState, set: ImageSet, pool: GradientPool, settings: TrainSettings = DEFAULT_TRAIN_SETTINGS, onBatch?: () => void): Promise<{ dLoss: number; gLoss: number }> {
  const { spec } = state;
  const random = new SeededRandom(state.random);
  const per = spec.size * spec.size * spec.channels;
  const order = random.permutation(set.labels.length);
  const k = spec.categories.length;
  let dSum = 0;
  let gSum = 0;
  let batches = 0;
  for (let start = 0; start < order.length; start += settings.batchSize) {
    const indices = order.slice(start, start + settings.batchSize);
    const n = indices.length;
    const real = new Float32Array(n * per);
    indices.forEach((src, dst) => real.set(set.pixels.subarray(src * per, (src + 1) * per), dst * per));
    const labels = indices.map((i) => set.labels[i]!);
    const zD = random.normals(n * spec.zDim);
    const dShards = shardRanges(n, pool.width).map(
      ([a, b]): GradientRequest => ({ kind: 'discriminator', spec, g: state.g, d: state.d, u: state.u, z: zD.slice(a * spec.zDim, b * spec.zDim), labels: labels.slice(a, b), real: real.slice(a * per, b * per), realLabels: labels.slice(a, b) }),
    );
    const dStep = averageShards(await pool.run(dShards));
    adamStep(settings.adamD, state.adamD, dataOf(state.d), dStep.grads);
    refreshSpectralVectors(state);

    const zG = random.normals(n * spec.zDim);
    const gLabels = Array.from({ length: n }, () => Math.floor(random.next() * k));
    const gShards = shardRanges(n, pool.width).map(
      ([a, b]): GradientRequest => ({ kind: 'generator', spec, g: state.g, d: state.d, u: state.u, z: zG.slice(a * spec.zDim, b * spec.zDim), labels: gLabels.slice(a, b) }),
    );
    const gStep = averageShards(await pool.run(gShards));
    adamStep(settings.adamG, state.adamG, dataOf(state.g), gStep.grads);
    dSum += dStep.loss;
    gSum += gStep.loss;
    batches += 1;
    onBatch?.();
  }
  state.random = random.state;
  state.epoch += 1;
  const losses = { dLoss: dSum / batches, gLoss: gSum / batches };
  state.history.push({ epoch: state.epoch, ...losses });
  return losses;
}

function refreshSpectralVectors(state: GanState): void {
  const d = fromArrays(state.d);
  const u = fromArrays(state.u);
  const next = tf.tidy(() => Object.fromEntries(Object.entries(singularVectors(d, u)).map(([name, sv]) => [name, sv.u])));
  state.u = toArrays(next);
  tf.dispose([...Object.values(d), ...Object.values(u), ...Object.values(next)]);
}
