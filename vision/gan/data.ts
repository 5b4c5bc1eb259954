import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ParleyError } from '../../bot/core/index.js';
import { readSquareRaw } from '../image/raw.js';

/** Labelled images as one float array in [-1, 1], `[count, size, size, channels]` row-major. */
export interface ImageSet {
  size: number;
  channels: 1 | 3;
  categories: string[];
  /** Pixels of all images, `count × size × size × channels`, scaled to [-1, 1]. */
  pixels: Float32Array;
  /** Class id per image. */
  labels: number[];
}

/** Options of {@link loadImageSet}. */
export interface LoadOptions {
  /** Side to resize folder images to (IDX images keep their own); default 32. */
  size?: number;
  /** Channels for folder images; default 3. */
  channels?: 1 | 3;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);
const IDX_IMAGES = 'images-idx3-ubyte';
const IDX_LABELS = 'labels-idx1-ubyte';

/** Number of images in a set. */
export function countImages(set: ImageSet): number {
  return set.labels.length;
}

/**
 * Reads a training set from `dir`: either IDX files (`*images-idx3-ubyte` + `*labels-idx1-ubyte`, class names from a
 * `*labels.csv` with `label,class_name` columns when present), or one subfolder per category holding PNG/JPEG/WebP
 * images (resized to a square, letterboxed on white). Bad input is `bad_request` naming `--data`.
 */
export async function loadImageSet(dir: string, options: LoadOptions = {}): Promise<ImageSet> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new ParleyError('bad_request', `--data: cannot read the folder "${dir}"`, { cause: error });
  }
  const images = names.find((n) => n.endsWith(IDX_IMAGES));
  const labels = names.find((n) => n.endsWith(IDX_LABELS));
  if (images && labels) return readIdx(dir, images, labels, names.find((n) => n.endsWith('labels.csv')));
  return readFolders(dir, names.sort(), options.size ?? 32, options.channels ?? 3);
}

async function readIdx(dir: string, imagesFile: string, labelsFile: string, csvFile: string | undefined): Promise<ImageSet> {
  const images = await readFile(join(dir, imagesFile));
  const labelBytes = await readFile(join(dir, labelsFile));
  if (images.length < 16 || images.readUInt32BE(0) !== 0x803) throw new ParleyError('bad_request', `--data: ${imagesFile} is not an IDX image file`);
  if (labelBytes.length < 8 || labelBytes.readUInt32BE(0) !== 0x801) throw new ParleyError('bad_request', `--data: ${labelsFile} is not an IDX label file`);
  const count = images.readUInt32BE(4);
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  if (rows !== cols || rows % 4 !== 0) throw new ParleyError('bad_request', `--data: ${imagesFile} holds ${rows}×${cols} images; square images with a side divisible by 4 are needed`);
  if (labelBytes.readUInt32BE(4) !== count || images.length < 16 + count * rows * cols || labelBytes.length < 8 + count) {
    throw new ParleyError('bad_request', `--data: ${imagesFile} and ${labelsFile} do not hold the same number of images`);
  }
  const pixels = new Float32Array(count * rows * cols);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i]! / 127.5 - 1;
  const labels = [...labelBytes.subarray(8, 8 + count)];
  const classes = Math.max(...labels) + 1;
  const categories = Array.from({ length: classes }, (_, i) => `class ${i}`);
  if (csvFile) {
    const csv = (await readFile(join(dir, csvFile), 'utf8')).trim().split(/\r?\n/);
    const header = csv[0]!.split(',');
    const li = header.indexOf('label');
    const ni = header.indexOf('class_name');
    if (li >= 0 && ni >= 0) {
      for (const line of csv.slice(1)) {
        const cells = line.split(',');
        const id = Number(cells[li]);
        if (Number.isInteger(id) && id >= 0 && id < classes && cells[ni]) categories[id] = cells[ni];
      }
    }
  }
  return { size: rows, channels: 1, categories, pixels, labels };
}

async function readFolders(dir: string, names: string[], size: number, channels: 1 | 3): Promise<ImageSet> {
  if (!Number.isInteger(size) || size < 8 || size > 128 || size % 4 !== 0) throw new ParleyError('bad_request', `--size: ${size} is not a multiple of 4 between 8 and 128`);
  const categories: string[] = [];
  const files: { path: string; label: number }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!(await stat(path)).isDirectory()) continue;
    const images = (await readdir(path)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    if (images.length === 0) continue;
    categories.push(name);
    for (const f of images) files.push({ path: join(path, f), label: categories.length - 1 });
  }
  if (categories.length < 2) {
    throw new ParleyError('bad_request', `--data: "${dir}" needs IDX files or at least two category subfolders of PNG/JPEG/WebP images (found ${categories.length})`);
  }
  const per = size * size * channels;
  const pixels = new Float32Array(files.length * per);
  for (const [i, file] of files.entries()) {
    let raw: Buffer;
    try {
      raw = await readSquareRaw(file.path, size, channels);
    } catch (error) {
      throw new ParleyError('bad_request', `--data: "${file.path}" is not a readable image`, { cause: error });
    }
    for (let j = 0; j < per; j++) pixels[i * per + j] = raw[j]! / 127.5 - 1;
  }
  return { size, channels, categories, pixels, labels: files.map((f) => f.label) };
}

/**
 * Splits a set per category: `heldOutShare` of each category's images (the last ones) are held out for evaluation,
 * the rest train. Deterministic.
 */
export function splitHeldOut(set: ImageSet, heldOutShare: number): { train: ImageSet; heldOut: ImageSet } {
  const byClass = new Map<number, number[]>();
  set.labels.forEach((l, i) => byClass.set(l, [...(byClass.get(l) ?? []), i]));
  const train: number[] = [];
  const held: number[] = [];
  for (const indices of byClass.values()) {
    const cut = indices.length - Math.round(indices.length * heldOutShare);
    train.push(...indices.slice(0, cut));
    held.push(...indices.slice(cut));
  }
  return { train: subset(set, train), heldOut: subset(set, held) };
}

/** The images at `indices`, in that order. */
export function subset(set: ImageSet, indices: number[]): ImageSet {
  const per = set.size * set.size * set.channels;
  const pixels = new Float32Array(indices.length * per);
  indices.forEach((src, dst) => pixels.set(set.pixels.subarray(src * per, (src + 1) * per), dst * per));
  return { ...set, pixels, labels: indices.map((i) => set.labels[i]!) };
}
