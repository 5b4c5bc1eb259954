/**
 * Chamfer (3–4) distance, in pixels, from every pixel of a w×h grid to the nearest pixel where `from` is non-zero, up
 * to `cap` (pixels farther away get `cap`): two passes over the grid.
 */
export function chamferDistance(from: Uint8Array, w: number, h: number, cap: number): Float32Array {
  const big = Math.min(65535, Math.ceil(3 * cap) + 4);
  const d = new Uint16Array(w * h);
  for (let i = 0; i < w * h; i++) d[i] = from[i] ? 0 : big;
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = y * w; x < w; x++, i++) {
      let v = d[i]!;
      if (v === 0) continue;
      if (x > 0 && d[i - 1]! + 3 < v) v = d[i - 1]! + 3;
      if (y > 0) {
        if (d[i - w]! + 3 < v) v = d[i - w]! + 3;
        if (x > 0 && d[i - w - 1]! + 4 < v) v = d[i - w - 1]! + 4;
        if (x < w - 1 && d[i - w + 1]! + 4 < v) v = d[i - w + 1]! + 4;
      }
      d[i] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1, i = y * w + x; x >= 0; x--, i--) {
      let v = d[i]!;
      if (v === 0) continue;
      if (x < w - 1 && d[i + 1]! + 3 < v) v = d[i + 1]! + 3;
      if (y < h - 1) {
        if (d[i + w]! + 3 < v) v = d[i + w]! + 3;
        if (x < w - 1 && d[i + w + 1]! + 4 < v) v = d[i + w + 1]! + 4;
        if (x > 0 && d[i + w - 1]! + 4 < v) v = d[i + w - 1]! + 4;
      }
      d[i] = v;
    }
  }
  const out = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) out[i] = Math.min(cap, d[i]! / 3);
  return out;
}
