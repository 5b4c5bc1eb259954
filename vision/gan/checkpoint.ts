import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ParleyError } from '../../bot/core/index.js';
import type { WeightArrays } from './gradients.js';
import type { GanSpec } from './model.js';
import type { GanState } from './trainer.js';

/** The model folder's manifest file (JSON); the weights are in {@link WEIGHTS_FILE}. */
export const MANIFEST_FILE = 'model.json';
/** Little-endian float32 weights, in the manifest's order. */
export const WEIGHTS_FILE = 'weights.bin';
const FORMAT = 'parley-gan';
const VERSION = 1;

interface Entry {
  group: string;
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

interface Manifest {
  format: typeof FORMAT;
  version: number;
  spec: GanSpec;
  epoch: number;
  random: number;
  adamSteps: { g: number; d: number };
  history: GanState['history'];
  weights: Entry[];
}

/** Every array of a state by group (`g`, `d`, `u` weights; Adam moments `mg`, `vg`, `md`, `vd`). */
function groups(state: GanState): Record<string, WeightArrays> {
  const moments = (m: Record<string, Float32Array>, like: WeightArrays): WeightArrays => Object.fromEntries(Object.entries(m).map(([n, data]) => [n, { shape: like[n]!.shape, data }]));
  return { g: state.g, d: state.d, u: state.u, mg: moments(state.adamG.m, state.g), vg: moments(state.adamG.v, state.g), md: moments(state.adamD.m, state.d), vd: moments(state.adamD.v, state.d) };
}

/**
 * Writes a training state to the folder `dir` (created if missing): the manifest and the weights, each written to a
 * temporary file and renamed, so an interrupted save leaves the previous checkpoint readable.
 */
export async function saveCheckpoint(dir: string, state: GanState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const entries: Entry[] = [];
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const [group, arrays] of Object.entries(groups(state))) {
    for (const [name, a] of Object.entries(arrays)) {
      entries.push({ group, name, shape: a.shape, offset, length: a.data.length });
      parts.push(a.data);
      offset += a.data.length;
    }
  }
  const bytes = Buffer.alloc(offset * 4);
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) bytes.writeFloatLE(p[i]!, (at + i) * 4);
    at += p.length;
  }
  const manifest: Manifest = { format: FORMAT, version: VERSION, spec: state.spec, epoch: state.epoch, random: state.random, adamSteps: { g: state.adamG.step, d: state.adamD.step }, history: state.history, weights: entries };
  await writeFile(join(dir, `${WEIGHTS_FILE}.tmp`), bytes);
  await writeFile(join(dir, `${MANIFEST_FILE}.tmp`), JSON.stringify(manifest, null, 1));
  await rename(join(dir, `${WEIGHTS_FILE}.tmp`), join(dir, WEIGHTS_FILE));
  await rename(join(dir, `${MANIFEST_FILE}.tmp`), join(dir, MANIFEST_FILE));
}

/** Reads a model folder written by {@link saveCheckpoint}; `bad_request` naming `flag` when it is not one. */
export async function loadCheckpoint(dir: string, flag = '--model'): Promise<GanState> {
  let manifest: Manifest;
  let bytes: Buffer;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
    bytes = await readFile(join(dir, WEIGHTS_FILE));
  } catch (error) {
    throw new ParleyError('bad_request', `${flag}: "${dir}" is not a GAN model folder (${MANIFEST_FILE} and ${WEIGHTS_FILE} written by parley vision train-gan)`, { cause: error });
  }
  if (manifest.format !== FORMAT || manifest.version !== VERSION || !Array.isArray(manifest.weights)) {
    throw new ParleyError('bad_request', `${flag}: "${dir}/${MANIFEST_FILE}" is not a ${FORMAT} v${VERSION} manifest`);
  }
  const total = manifest.weights.reduce((s, e) => Math.max(s, e.offset + e.length), 0);
  if (bytes.length !== total * 4) throw new ParleyError('bad_request', `${flag}: "${dir}/${WEIGHTS_FILE}" has ${bytes.length} bytes, the manifest needs ${total * 4}`);
  const out: Record<string, WeightArrays> = { g: {}, d: {}, u: {}, mg: {}, vg: {}, md: {}, vd: {} };
  for (const e of manifest.weights) {
    const data = new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) data[i] = bytes.readFloatLE((e.offset + i) * 4);
    (out[e.group] ??= {})[e.name] = { shape: e.shape, data };
  }
  const plain = (w: WeightArrays) => Object.fromEntries(Object.entries(w).map(([n, a]) => [n, a.data]));
  return {
    spec: manifest.spec,
    epoch: manifest.epoch,
    g: out.g!,
    d: out.d!,
    u: out.u!,
    adamG: { step: manifest.adamSteps.g, m: plain(out.mg!), v: plain(out.vg!) },
    adamD: { step: manifest.adamSteps.d, m: plain(out.md!), v: plain(out.vd!) },
    random: manifest.random,
    history: manifest.history,
  };
}
