import type { FloatImage } from './image/raster.js';
import { floodFromBorder } from './image/flood.js';

/** Widest leak (in product-photo widths) through which the background fill is taken to have entered a garment. Default 0.012. */
export const LEAK_WIDTH = 0.012;

/**
 * Gives back to a garment's matte (`hard`: 1 garment, 0 background; modified in place) the parts of it that the
 * background's flood fill reached through narrow leaks: a white ruffle or strap on a white studio background has
 * pores along its edge, the fill ran in and the garment's inside became background (drawn on the shopper as holes
 * showing the skin, a translucent garment). The background is filled again from the border over the matte closed by
 * a radius of {@link LEAK_WIDTH} image widths (leaks sealed); a hole's core — pixels it no longer reaches, more than
 * that radius from it and half that from the garment — and everything joined to the core that the fill did not reach (the rest
 * of the hole and its leaks) are garment. A narrow wedge of the outline (an armpit's) has no core and stays background. Returns how many pixels were given back.
 */
export function fillLeakedHoles(hard: FloatImage): number {
  const { width: W, height: H, data } = hard;
  const r = Math.max(2, Math.round(LEAK_WIDTH * W));
  // The garment: the matte's largest connected part (specks of shadow or dust in the background must not close rings).
  const part = largestPart(data, W, H);
  if (!part) return 0;
  // Work in the garment's box and a margin (beyond it everything is background reached from the border).
  const m = 2 * r + 2;
  const bx0 = Math.max(0, part.box[0] - m);
  const by0 = Math.max(0, part.box[1] - m);
  const width = Math.min(W, part.box[2] + m + 1) - bx0;
  const height = Math.min(H, part.box[3] + m + 1) - by0;
  const n = width * height;
  const on = new Uint8Array(n);
  const matte = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = (y + by0) * W + bx0, b = y * width; x < width; x++, i++, b++) {
      on[b] = part.on[i]!;
      matte[b] = data[i]! > 0.5 ? 1 : 0;
    }
  }
  const closed = squareFilter(squareFilter(on, width, height, r, true), width, height, r, false);
  // The background as reached from the box's border over the closed matte.
  const outside = floodFromBorder(width, height, (i) => !closed[i]);
  // Cores: background pixels of the matte at least r / 2 from the garment (a hole wider than a leak, not an outline's
  // narrow wedge) and farther than r from what the background reached.
  const off = new Uint8Array(n);
  for (let i = 0; i < n; i++) off[i] = on[i] ? 0 : 1;
  const wide = squareFilter(off, width, height, Math.ceil(r / 2), false);
  const nearOutside = squareFilter(outside, width, height, r, true);
  // Each hole, from its cores through every pixel neither garment nor reached (its leaks too).
  const queue = new Int32Array(n);
  let tail = 0;
  const given = new Uint8Array(n);
  const take = (j: number, end: number): number => {
    if (given[j] || on[j] || outside[j] || matte[j]) return end;
    given[j] = 1;
    queue[end] = j;
    return end + 1;
  };
  for (let i = 0; i < n; i++) if (wide[i] && !nearOutside[i] && !matte[i]) { given[i] = 1; queue[tail++] = i; }
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    const x = i % width;
    if (x > 0) tail = take(i - 1, tail);
    if (x < width - 1) tail = take(i + 1, tail);
    if (i >= width) tail = take(i - width, tail);
    if (i + width < n) tail = take(i + width, tail);
  }
  for (let k = 0; k < tail; k++) {
    const b = queue[k]!;
    const x = b % width;
    data[((b - x) / width + by0) * W + x + bx0] = 1;
  }
  return tail;
}

/** Binary dilation (`any`: some pixel of the (2r+1)² square is set) or erosion (all are; outside the image counts as set). */
function squareFilter(on: Uint8Array, w: number, h: number, r: number, any: boolean): Uint8Array {
  const rows = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    let count = 0;
    const o = y * w;
    for (let x = 0; x < Math.min(r, w); x++) count += on[o + x]!;
    for (let x = 0; x < w; x++) {
      if (x + r < w) count += on[o + x + r]!;
      if (x - r - 1 >= 0) count -= on[o + x - r - 1]!;
      rows[o + x] = count;
    }
  }
  // Columns, a row at a time (running sums per column).
  const out = new Uint8Array(w * h);
  const sums = new Int32Array(w);
  const across = new Int32Array(w);
  for (let x = 0; x < w; x++) across[x] = Math.min(w - 1, x + r) - Math.max(0, x - r) + 1;
  for (let y = 0; y < Math.min(r, h); y++) for (let x = 0; x < w; x++) sums[x] = sums[x]! + rows[y * w + x]!;
  for (let y = 0; y < h; y++) {
    if (y + r < h) for (let x = 0, o = (y + r) * w; x < w; x++) sums[x] = sums[x]! + rows[o + x]!;
    if (y - r - 1 >= 0) for (let x = 0, o = (y - r - 1) * w; x < w; x++) sums[x] = sums[x]! - rows[o + x]!;
    const o = y * w;
    if (any) {
      for (let x = 0; x < w; x++) out[o + x] = sums[x]! > 0 ? 1 : 0;
    } else {
      // The square's pixels inside the image; outside it counts as set.
      const down = Math.min(h - 1, y + r) - Math.max(0, y - r) + 1;
      for (let x = 0; x < w; x++) out[o + x] = sums[x]! >= across[x]! * down ? 1 : 0;
    }
  }
  return out;
}

/** The largest 4-connected part of a matte (pixels > 0.5) as 0/1, and its box (x0, y0, x1, y1); undefined when empty. */
function largestPart(data: Float32Array, w: number, h: number): { on: Uint8Array; box: [number, number, number, number] } | undefined {
  const n = w * h;
  const part = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let best = -1;
  let bestSize = 0;
  for (let s = 0; s < n; s++) {
    if (part[s]! >= 0 || !(data[s]! > 0.5)) continue;
    let tail = 0;
    part[s] = s;
    queue[tail++] = s;
    const take = (j: number): void => {
      if (part[j]! >= 0 || !(data[j]! > 0.5)) return;
      part[j] = s;
      queue[tail++] = j;
    };
    for (let head = 0; head < tail; head++) {
      const i = queue[head]!;
      const x = i % w;
      if (x > 0) take(i - 1);
      if (x < w - 1) take(i + 1);
      if (i >= w) take(i - w);
      if (i + w < n) take(i + w);
    }
    if (tail > bestSize) { bestSize = tail; best = s; }
  }
  if (best < 0) return undefined;
  const on = new Uint8Array(n);
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      if (part[i] !== best) continue;
      on[i] = 1;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return { on, box: [x0, y0, x1, y1] };
}
