import type { FloatImage } from '../image/raster.js';
import { boxBlur } from '../image/raster.js';

/**
 * The SSIM map of two luminance images (0–255) of equal size (Wang et al. 2004 constants K1 = 0.01, K2 = 0.03, L = 255),
 * using local means and variances over a (2·radius+1)² box window (default radius 3, i.e. 7×7).
 */
export function ssimMap(x: FloatImage, y: FloatImage, radius = 3): FloatImage {
  if (x.width !== y.width || x.height !== y.height) throw new Error('ssimMap: images differ in size');
  const n = x.data.length;
  const xx = new Float32Array(n);
  const yy = new Float32Array(n);
  const xy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = x.data[i]!;
    const b = y.data[i]!;
    xx[i] = a * a;
    yy[i] = b * b;
    xy[i] = a * b;
  }
  const { width, height } = x;
  const mx = boxBlur(x, radius).data;
  const my = boxBlur(y, radius).data;
  const sxx = boxBlur({ width, height, data: xx }, radius).data;
  const syy = boxBlur({ width, height, data: yy }, radius).data;
  const sxy = boxBlur({ width, height, data: xy }, radius).data;
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const mux = mx[i]!;
    const muy = my[i]!;
    const vx = sxx[i]! - mux * mux;
    const vy = syy[i]! - muy * muy;
    const cov = sxy[i]! - mux * muy;
    out[i] = ((2 * mux * muy + c1) * (2 * cov + c2)) / ((mux * mux + muy * muy + c1) * (vx + vy + c2));
  }
  return { width, height, data: out };
}

/** Mean SSIM of two luminance images over the pixels where `include` is > 0.5 (all pixels when omitted); 1 if none. */
export function ssim(x: FloatImage, y: FloatImage, include?: FloatImage, radius = 3): number {
  const map = ssimMap(x, y, radius).data;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < map.length; i++) {
    if (include && include.data[i]! <= 0.5) continue;
    sum += map[i]!;
    count++;
  }
  return count === 0 ? 1 : sum / count;
}
