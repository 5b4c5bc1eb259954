import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './register-gradients.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { downConv, upConv } from './conv.js';
import type { ImageSet } from './data.js';
import { splitHeldOut } from './data.js';
import { fromArrays } from './gradients.js';
import { discriminate, generate, initParams, singularVectors, type GanSpec } from './model.js';
import { inThreadPool } from './pool.js';
import { DEFAULT_TRAIN_SETTINGS, newGanState, trainEpoch, type GanState } from './trainer.js';

const spec: GanSpec = { size: 8, channels: 1, categories: ['a', 'b', 'c'], zDim: 4, gWidth: 8, dWidth: 4 };

/** 12 tiny images: category c is a bright bar in column 2c..2c+1. */
function tinySet(): ImageSet {
  const labels = Array.from({ length: 12 }, (_, i) => i % 3);
  const pixels = new Float32Array(12 * 64).fill(-1);
  labels.forEach((c, n) => {
    for (let y = 0; y < 8; y++) for (let x = 2 * c; x < 2 * c + 2; x++) pixels[n * 64 + y * 8 + x] = 1;
  });
  return { size: 8, channels: 1, categories: spec.categories, pixels, labels };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conditional GAN model', () => {
  it('has the shapes of its spec: images [n, size, size, channels] in [-1, 1], one score and k logits per image', () => {
    const { g, d, u } = initParams(spec);
    tf.tidy(() => {
      const images = generate(g, spec, tf.randomNormal([5, spec.zDim]) as tf.Tensor2D, [0, 1, 2, 0, 1]);
      expect(images.shape).toEqual([5, 8, 8, 1]);
      expect(tf.max(tf.abs(images)).dataSync()[0]).toBeLessThanOrEqual(1);
      const { score, logits } = discriminate(d, singularVectors(d, u), spec, images, [0, 1, 2, 0, 1]);
      expect(score.shape).toEqual([5]);
      expect(logits.shape).toEqual([5, 3]);
    });
  });

  it('conditions on the category: the same noise makes different images for different categories', () => {
    const state = newGanState(spec, 3);
    const g = fromArrays(state.g);
    tf.tidy(() => {
      const z = tf.randomNormal([1, spec.zDim], 0, 1, 'float32', 7) as tf.Tensor2D;
      const a = generate(g, spec, z, [0]);
      const b = generate(g, spec, z, [2]);
      const again = generate(g, spec, z, [0]);
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(1e-4);
      expect(tf.max(tf.abs(tf.sub(a, again))).dataSync()[0]).toBe(0);
    });
  });

  it('the stride-2 convolutions have the gradients of TensorFlow.js own kernels', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([4, 4, 3, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
      const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(downConv(a as tf.Tensor4D, b as tf.Tensor4D))))([x, w]);
      const theirs = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 1))))([x, w]);
      for (let i = 0; i < 2; i++) expect(tf.max(tf.abs(tf.sub(ours[i]!, theirs[i]!))).dataSync()[0]).toBeLessThan(1e-3);

      const wt = tf.randomNormal([4, 4, 5, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
      const up = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(upConv(a as tf.Tensor4D, b as tf.Tensor4D))))([x, wt]);
      const upRef = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 12, 12, 5], 2, 1))))([x, wt]);
      expect(upConv(x, wt).shape).toEqual([2, 12, 12, 5]);
      for (let i = 0; i < 2; i++) expect(tf.max(tf.abs(tf.sub(up[i]!, upRef[i]!))).dataSync()[0]).toBeLessThan(1e-3);
    });
  });

  it('splits each category into training and held-out images', () => {
    const { train, heldOut } = splitHeldOut(tinySet(), 0.25);
    expect(train.labels.length).toBe(9);
    expect(heldOut.labels.sort()).toEqual([0, 1, 2]);
  });
});

describe('checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-gan-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const snapshot = (s: GanState) => JSON.stringify({ ...s, g: Object.values(s.g).map((a) => [...a.data]), d: Object.values(s.d).map((a) => [...a.data]), u: Object.values(s.u).map((a) => [...a.data]), adamG: s.adamG.step, adamD: s.adamD.step });

  it('round-trips a training state (weights, Adam moments, epoch, random state)', async () => {
    const state = newGanState(spec, 2);
    await trainEpoch(state, tinySet(), inThreadPool(), { ...DEFAULT_TRAIN_SETTINGS, batchSize: 6 });
    await saveCheckpoint(join(dir, 'a'), state);
    const loaded = await loadCheckpoint(join(dir, 'a'));
    expect(snapshot(loaded)).toBe(snapshot(state));
    expect(loaded.adamD.m).toEqual(state.adamD.m);
    expect(loaded.epoch).toBe(1);
  });

  it('resuming from a checkpoint continues exactly as training without a stop', async () => {
    const settings = { ...DEFAULT_TRAIN_SETTINGS, batchSize: 6 };
    const straight = newGanState(spec, 4);
    await trainEpoch(straight, tinySet(), inThreadPool(), settings);
    await trainEpoch(straight, tinySet(), inThreadPool(), settings);

    const stopped = newGanState(spec, 4);
    await trainEpoch(stopped, tinySet(), inThreadPool(), settings);
    await saveCheckpoint(join(dir, 'b'), stopped);
    const resumed = await loadCheckpoint(join(dir, 'b'));
    await trainEpoch(resumed, tinySet(), inThreadPool(), settings);
    expect(resumed.epoch).toBe(2);
    expect(snapshot(resumed)).toBe(snapshot(straight));
  });

  it('refuses a folder that holds no model, naming the flag', async () => {
    await expect(loadCheckpoint(join(dir, 'missing'), '--model')).rejects.toThrow(/--model: .* is not a GAN model folder/);
  });
});
