import { WEAR, type Wardrobe } from './wardrobe.js';

/** What an exposed pixel of the old top becomes. */
export const FILL = { skin: 0, lower: 1, background: 2 } as const;

/**
 * Where the continued lower garment is copied from: each lower-garment target takes the visible trousers or skirt
 * mirrored about the bottom of the repaint in its column (as far below it as the target lies above it, and back again at the crop's end;
 * the bottoms smoothed over ±`reach` columns), so the weave,
 * wash, seams and light go on instead of a smooth fill (which read as a blurred band above the old hem); where the
 * mirrored pixel is not the lower garment, the nearest one in its column within 2 × `reach`. −1 where there is none
 * (a hand, the crop's end): the fill is used there. Photo pixel indices
 * (`photoWidth` pixels a row); `targets` are indices into the dw-wide domain at (dx0, dy0) of the crop.
 */
export function lowerMirror(wardrobe: Wardrobe, photoWidth: number, targets: Int32Array, kind: Uint8Array, dw: number, dx0: number, dy0: number, reach: number): Int32Array {
  const { labels, crop } = wardrobe;
  const cw = crop.width;
  const ch = crop.height;
  // The bottom of the lower-garment repaint in each domain column: the end of its first run down from the top (the
  // old hem). Stray targets further down (a dark crease of the trousers read as the old top) keep the fill.
  const dh = kind.length / dw;
  const bottom = new Int32Array(dw).fill(-1);
  for (let t = 0; t < targets.length; t++) {
    const d = targets[t]!;
    if (kind[d] !== FILL.lower) continue;
    const x = d % dw;
    if (bottom[x]! >= 0) continue;
    let y = (d - x) / dw;
    while (y + 1 < dh && kind[(y + 1) * dw + x] === FILL.lower) y++;
    bottom[x] = y;
  }
  // The mirror's axis: the bottom's running maximum, then its running mean, over ±reach columns, so that neighbouring
  // columns mirror about nearly the same row (an old hem's jags made seams between columns).
  const highest = new Float64Array(dw).fill(-1);
  for (let x = 0; x < dw; x++) {
    for (let k = Math.max(0, x - reach); k <= Math.min(dw - 1, x + reach); k++) if (bottom[k]! > highest[x]!) highest[x] = bottom[k]!;
  }
  const axis = new Float64Array(dw);
  for (let x = 0; x < dw; x++) {
    let sum = 0, n = 0;
    for (let k = Math.max(0, x - reach); k <= Math.min(dw - 1, x + reach); k++) if (highest[k]! >= 0) { sum += highest[k]!; n++; }
    axis[x] = n > 0 ? sum / n : -1;
  }
  const out = new Int32Array(targets.length).fill(-1);
  for (let t = 0; t < targets.length; t++) {
    const d = targets[t]!;
    if (kind[d] !== FILL.lower) continue;
    const x = d % dw;
    const y = (d - x) / dw;
    if (y > bottom[x]!) continue;
    // Mirrored about the axis, and back again at the crop's end (a tall repaint over a short view of the trousers).
    const base = dy0 + Math.round(Math.max(axis[x]!, bottom[x]!));
    const room = Math.max(1, ch - 1 - base);
    const depth = (base - dy0 - y) % (2 * room);
    const mirrored = base + 1 + (depth < room ? depth : 2 * room - 1 - depth);
    const cx = dx0 + x;
    // Where the mirrored pixel is not the lower garment (a light fade, a seam read as other), the nearest that is,
    // down the column and then up to the repaint's bottom.
    let cy = -1;
    for (let k = 0; k <= 2 * reach && cy < 0; k++) {
      for (const c of [mirrored + k, mirrored - k]) {
        if (c > dy0 + bottom[x]! && c < ch && labels[c * cw + cx] === WEAR.lower) { cy = c; break; }
      }
    }
    if (cy < 0) continue;
    out[t] = (cy + crop.y0) * photoWidth + cx + crop.x0;
  }
  return out;
}
