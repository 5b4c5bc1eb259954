/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A single-channel float image (masks, alpha, luminance), row-major, values usually 0–1. */
export interface FloatImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** A blank float image of the given size (all zeros). */
export function floatImage(width: number, height: number): FloatImage {
  return { width, height, data: new Float32Array(width * height) };
}

/** Bilinear resampling of a float image to `width`×`height` (pixel centres aligned). */
export function resizeFloat(src: FloatImage, width: number, height: number): FloatImage {
  const out = floatImage(width, height);
  const sx = src.width / width;
  const sy = src.height / height;
  // Every row samples the same columns: their source columns and weights, once.
  const cx0 = new Int32Array(width);
  const cx1 = new Int32Array(width);
  const cwx = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), src.width - 1);
    const x0 = Math.floor(fx);
    cx0[x] = x0;
    cx1[x] = Math.min(x0 + 1, src.width - 1);
    cwx[x] = fx - x0;
  }
  const s = src.data;
  const o = out.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), src.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, src.height - 1);
    const wy = fy - y0;
    const r0 = y0 * src.width;
    const r1 = y1 * src.width;
    for (let x = 0, i = y * width; x < width; x++, i++) {
      const x0 = cx0[x]!;
      const x1 = cx1[x]!;
      const wx = cwx[x]!;
      o[i] = (s[r0 + x0]! * (1 - wx) + s[r0 + x1]! * wx) * (1 - wy) + (s[r1 + x0]! * (1 - wx) + s[r1 + x1]! * wx) * wy;
    }
  }
  return out;
}

/**
 * Separable box blur of a float image with the given radius (in pixels), run `passes` times (3 passes approximate a
 * Gaussian). Radius 0 returns a copy.
 */
export function boxBlur(src: FloatImage, radius: number, passes = 1): FloatImage {
  const { width, height } = src;
  const cur = new Float32Array(src.data);
  boxBlurInPlace(cur, width, height, radius, passes);
  return { width, height, data: cur };
}

/**
 * {@link boxBlur} on a bare array, in place: rows with a running sum, then columns with running sums kept for a whole
 * row at a time (the image is walked row by row in both passes, never down a column). Edges are clamped.
 */
export function boxBlurInPlace(data: Float32Array, width: number, height: number, radius: number, passes = 1): void {
  const r = Math.round(radius);
  if (r <= 0 || width === 0 || height === 0) return;
  const norm = 1 / (2 * r + 1);
  const tmp = scratchFloat32(data.length);
  const sums = scratchFloat64(width);
  const last = width - 1;
  // Columns whose window lies wholly inside the row (no clamping): x − r ≥ 0 and x + r + 1 ≤ last.
  const inner0 = Math.min(width, r);
  const inner1 = Math.max(inner0, last - r);
  for (let p = 0; p < passes; p++) {
    // Rows: data → tmp.
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let sum = 0;
      for (let i = -r; i <= r; i++) sum += data[row + (i < 0 ? 0 : i > last ? last : i)]!;
      let x = 0;
      for (; x < inner0; x++) {
        tmp[row + x] = sum * norm;
        const add = x + r + 1;
        const drop = x - r;
        sum += data[row + (add > last ? last : add)]! - data[row + (drop < 0 ? 0 : drop)]!;
      }
      for (; x < inner1; x++) {
        tmp[row + x] = sum * norm;
        sum += data[row + x + r + 1]! - data[row + x - r]!;
      }
      for (; x < width; x++) {
        tmp[row + x] = sum * norm;
        const add = x + r + 1;
        const drop = x - r;
        sum += data[row + (add > last ? last : add)]! - data[row + (drop < 0 ? 0 : drop)]!;
      }
    }
    // Columns: tmp → data, one row of running sums at a time.
    sums.fill(0, 0, width);
    for (let i = -r; i <= r; i++) {
      const row = (i < 0 ? 0 : i > height - 1 ? height - 1 : i) * width;
      for (let x = 0; x < width; x++) sums[x]! += tmp[row + x]!;
    }
    for (let y = 0; y < height; y++) {
      const row = y * width;
      const a = y + r + 1;
      const d = y - r;
      const add = (a > height - 1 ? height - 1 : a) * width;
      const drop = (d < 0 ? 0 : d) * width;
      for (let x = 0; x < width; x++) {
        data[row + x] = sums[x]! * norm;
        sums[x]! += tmp[add + x]! - tmp[drop + x]!;
      }
    }
  }
}

// Scratch buffers of boxBlurInPlace, kept between calls (a try-on blurs a dozen crop-sized masks): grown, never shrunk.
let tmp32 = new Float32Array(0);
let tmp64 = new Float64Array(0);

function scratchFloat32(n: number): Float32Array {
  if (tmp32.length < n) tmp32 = new Float32Array(n);
  return tmp32;
}

function scratchFloat64(n: number): Float64Array {
  if (tmp64.length < n) tmp64 = new Float64Array(n);
  return tmp64;
}

/** Luminance (Rec. 601 luma, 0–255) of an RGB image. */
export function luminance(img: RgbImage): FloatImage {
  const out = floatImage(img.width, img.height);
  const d = img.data;
  for (let i = 0, p = 0; i < out.data.length; i++, p += 3) out.data[i] = 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
  return out;
}

/** Binary dilation (`radius` > 0) or erosion (`radius` < 0) of a mask thresholded at 0.5, via a box blur. */
export function morph(mask: FloatImage, radius: number): FloatImage {
  const blurred = boxBlur(mask, Math.abs(radius));
  const out = floatImage(mask.width, mask.height);
  for (let i = 0; i < out.data.length; i++) {
    const v = blurred.data[i]!;
    out.data[i] = radius > 0 ? (v > 0.02 ? 1 : 0) : v > 0.98 ? 1 : 0;
  }
  return out;
}
