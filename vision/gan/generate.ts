import { ParleyError } from '../../bot/core/index.js';
import { initBackend, type BackendChoice } from '../runtime/backend.js';
import { loadCheckpoint } from './checkpoint.js';
import { generatePixels } from './evaluate.js';
import type { WeightArrays } from './gradients.js';
import { imagePng } from './grid.js';
import type { GanSpec } from './model.js';

/** A trained generator: what it makes (spec) and its weights. */
export interface GanModel {
  spec: GanSpec;
  /** Generator weights. */
  g: WeightArrays;
  /** Epochs it was trained for. */
  epochs: number;
}

/** Reads a model folder written by `parley vision train-gan` (`bad_request` naming `--model` when it is not one). */
export async function loadGanModel(dir: string): Promise<GanModel> {
  const state = await loadCheckpoint(dir, '--model');
  return { spec: state.spec, g: state.g, epochs: state.epoch };
}

/** Largest `count` of one call. */
export const MAX_GENERATE_COUNT = 1000;

/** Options of {@link generateProductImages}. */
export interface GenerateOptions {
  /** Seed of the latent vectors (same seed, same images); default random. */
  seed?: number;
  /** Upscale factor of the PNGs (nearest neighbour); default 1 (the model's own size). */
  scale?: number;
  /** Tensor backend; default `auto` (tfjs-node-gpu when installed, else WASM). */
  backend?: BackendChoice;
}

/**
 * Generates `count` new images of `category` (its name, or its index) with a trained model; one PNG buffer each.
 * Runs on WASM (or tfjs-node-gpu when installed). Unknown category or bad count: `bad_request` naming the field.
 */
export async function generateProductImages(model: GanModel | string, category: string | number, count: number, options: GenerateOptions = {}): Promise<Buffer[]> {
  const loaded = typeof model === 'string' ? await loadGanModel(model) : model;
  const { spec } = loaded;
  const index = typeof category === 'number' ? category : spec.categories.indexOf(category);
  if (!Number.isInteger(index) || index < 0 || index >= spec.categories.length) {
    throw new ParleyError('bad_request', `--category: ${JSON.stringify(category)} is not one of the model's categories (${spec.categories.join(', ')})`);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_GENERATE_COUNT) throw new ParleyError('bad_request', `--count: ${count} is not a whole number from 1 to ${MAX_GENERATE_COUNT}`);
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new ParleyError('bad_request', `--scale: ${scale} is not a whole number from 1 to 16`);
  await initBackend(options.backend ?? 'auto');
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const pixels = generatePixels(loaded.g, spec, Array.from({ length: count }, () => index), seed);
  return Promise.all(Array.from({ length: count }, (_, i) => imagePng(pixels, spec, i, scale)));
}
