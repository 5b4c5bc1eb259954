import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ParleyError } from '../../bot/core/index.js';
import { initBackend } from '../runtime/backend.js';
import { loadCheckpoint, MANIFEST_FILE, saveCheckpoint } from './checkpoint.js';
import { countImages, loadImageSet, splitHeldOut, type ImageSet } from './data.js';
import { evaluateGenerator, generatePixels, type GanEvaluation } from './evaluate.js';
import { gridPng } from './grid.js';
import type { GanSpec } from './model.js';
import { inThreadPool, workerPool, type GradientPool } from './pool.js';
import { DEFAULT_TRAIN_SETTINGS, defaultSpec, newGanState, trainEpoch, type GanState } from './trainer.js';

/** Options of {@link trainGan}. */
export interface TrainGanOptions {
  /** Image folder (IDX files, or one subfolder per category). */
  data: string;
  /** Model folder: checkpoint (`model.json`, `weights.bin`) and `samples/epoch-NNN.png`. */
  out: string;
  /** Epochs to reach in total (with `resume`, counting the epochs already done). */
  epochs: number;
  /** Continue from the checkpoint in `out`. */
  resume?: boolean;
  /** Gradient worker threads; 0 = in this thread. Default 2. */
  workers?: number;
  /** Backend of the gradient workers and this thread: `wasm` (default) or `cpu`; tfjs-node-gpu is used when installed. */
  backend?: 'wasm' | 'cpu';
  /** Share of each category held out for evaluation; default 0.2. */
  heldOut?: number;
  /** Batch size; default 64. */
  batchSize?: number;
  /** Layer sizes of a new model (default {@link defaultSpec}). */
  spec?: Partial<Pick<GanSpec, 'zDim' | 'gWidth' | 'dWidth'>>;
  /** Side and channels for folder images (IDX images keep theirs). */
  size?: number;
  channels?: 1 | 3;
  /** Evaluate at the end (classifier accuracy, FIDs); default true. */
  evaluate?: boolean;
  /** Called with the number of batches per epoch and after each batch (progress bars). */
  onBatch?: (done: number, total: number) => void;
  /** Called after each epoch's checkpoint. */
  onEpoch?: (epoch: number, losses: { dLoss: number; gLoss: number }, samplePath: string) => void;
}

/** What {@link trainGan} did. */
export interface TrainGanResult {
  ms: number;
  trainMs: number;
  epochs: number;
  /** Epochs trained in this run (fewer than `epochs` after a resume). */
  epochsThisRun: number;
  backend: string;
  workers: number;
  trainImages: number;
  heldOutImages: number;
  out: string;
  samples: string;
  evaluation?: GanEvaluation;
}

/** Columns of the sample grids (one row per category). */
const GRID_COLUMNS = 10;

/** Writes the sample grid of `state` (the same latent vectors every epoch) and returns its path. */
export async function writeSampleGrid(state: GanState, dir: string): Promise<string> {
  const k = state.spec.categories.length;
  const labels = Array.from({ length: k * GRID_COLUMNS }, (_, i) => Math.floor(i / GRID_COLUMNS));
  const pixels = generatePixels(state.g, state.spec, labels, 1234);
  await mkdir(join(dir, 'samples'), { recursive: true });
  const path = join(dir, 'samples', `epoch-${String(state.epoch).padStart(3, '0')}.png`);
  await writeFile(path, await gridPng(pixels, state.spec, k, GRID_COLUMNS));
  return path;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Trains (or with `resume` continues training) a conditional GAN on a folder of categorised images: a checkpoint and
 * a sample grid after every epoch, then (unless `evaluate: false`) an evaluation on the held-out images.
 */
export async function trainGan(options: TrainGanOptions): Promise<TrainGanResult> {
  const started = performance.now();
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new ParleyError('bad_request', `--epochs: ${options.epochs} is not a whole number ≥ 1`);
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 0 || workers > 16) throw new ParleyError('bad_request', `--workers: ${workers} is not a whole number from 0 to 16`);
  const backend = await initBackend(options.backend === 'cpu' ? 'cpu' : 'auto');
  const set = await loadImageSet(options.data, { size: options.size, channels: options.channels });
  const { train, heldOut } = splitHeldOut(set, options.heldOut ?? 0.2);
  const hasCheckpoint = await exists(join(options.out, MANIFEST_FILE));
  if (hasCheckpoint && !options.resume) throw new ParleyError('bad_request', `--out: "${options.out}" already holds a model; pass --resume to continue it or choose another folder`);
  const state = options.resume && hasCheckpoint ? await loadCheckpoint(options.out, '--out') : newGanState({ ...defaultSpec(set), ...options.spec });
  checkCompatible(state.spec, set);
  const pool: GradientPool = workers === 0 ? inThreadPool() : await workerPool(workers, options.backend ?? 'wasm');
  const batchSize = options.batchSize ?? DEFAULT_TRAIN_SETTINGS.batchSize;
  const settings = { ...DEFAULT_TRAIN_SETTINGS, batchSize };
  const batches = Math.ceil(countImages(train) / batchSize);
  const startEpoch = state.epoch;
  const trainStarted = performance.now();
  let samples = '';
  try {
    while (state.epoch < options.epochs) {
      let done = 0;
      const losses = await trainEpoch(state, train, pool, settings, () => options.onBatch?.(++done, batches));
      await saveCheckpoint(options.out, state);
      samples = await writeSampleGrid(state, options.out);
      options.onEpoch?.(state.epoch, losses, samples);
    }
  } finally {
    await pool.close();
  }
  const trainMs = Math.round(performance.now() - trainStarted);
  if (!samples) samples = await writeSampleGrid(state, options.out);
  const evaluation = options.evaluate === false ? undefined : evaluateGenerator(state.g, state.spec, train, heldOut);
  return {
    ms: Math.round(performance.now() - started),
    trainMs,
    epochs: state.epoch,
    epochsThisRun: state.epoch - startEpoch,
    backend: pool.backend ?? backend,
    workers,
    trainImages: countImages(train),
    heldOutImages: countImages(heldOut),
    out: options.out,
    samples,
    ...(evaluation ? { evaluation } : {}),
  };
}

function checkCompatible(spec: GanSpec, set: ImageSet): void {
  if (spec.size !== set.size || spec.channels !== set.channels || spec.categories.join('\n') !== set.categories.join('\n')) {
    throw new ParleyError('bad_request', `--data: the images (${set.size}px, ${set.channels} channels, categories ${set.categories.join(', ')}) do not match the model being resumed (${spec.size}px, ${spec.channels} channels, ${spec.categories.join(', ')})`);
  }
}
