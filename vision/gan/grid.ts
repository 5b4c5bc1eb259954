import { rawSquarePng, tilePng } from '../image/raw.js';
import type { GanSpec } from './model.js';

/** Pixels in [-1, 1] (`count × size² × channels`) → 8-bit values. */
export function toBytes(pixels: Float32Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((pixels[i]! + 1) * 127.5)));
  return out;
}

/** One image (index `i` of `pixels`) as a PNG, scaled up `scale` times (nearest neighbour). */
export async function imagePng(pixels: Float32Array, spec: Pick<GanSpec, 'size' | 'channels'>, i: number, scale = 1): Promise<Buffer> {
  const per = spec.size * spec.size * spec.channels;
  const bytes = toBytes(pixels.subarray(i * per, (i + 1) * per));
  return rawSquarePng(bytes, spec.size, spec.channels, scale);
}

/**
 * A grid PNG of `rows × columns` images (row-major in `pixels`), 2 px gaps, each image scaled `scale` times: the
 * sample sheets written during training have one row per category.
 */
export async function gridPng(pixels: Float32Array, spec: Pick<GanSpec, 'size' | 'channels'>, rows: number, columns: number, scale = 3): Promise<Buffer> {
  const cell = spec.size * scale;
  const gap = 2;
  const width = columns * (cell + gap) + gap;
  const height = rows * (cell + gap) + gap;
  const composites = await Promise.all(
    Array.from({ length: rows * columns }, async (_, i) => ({
      input: await imagePng(pixels, spec, i, scale),
      left: gap + (i % columns) * (cell + gap),
      top: gap + Math.floor(i / columns) * (cell + gap),
    })),
  );
  return tilePng(width, height, composites);
}
