import { cutOutGarment } from '../garment.js';
import type { FloatImage, RgbImage } from '../image/raster.js';
import { boxBlur, floatImage, morph } from '../image/raster.js';
import { decontaminatePixel, smoothstep } from '../image/unmix.js';

/** A product cut out of its photo: decontaminated colours, a soft matte, and where it sits. */
export interface ProductCutout {
  /** Foreground colours with the background's colour taken out of the edge pixels (valid where `alpha` > 0). */
  image: RgbImage;
  /** 0–1 matte with soft edges. */
  alpha: FloatImage;
  /** The photo's background colour (median of its border). */
  background: [number, number, number];
  /** Bounding box of the matte (inclusive pixel bounds). */
  box: { left: number; top: number; right: number; bottom: number };
}

/** RGB distance to the background colour below which a pixel inside the outline is checked as a background pocket. Default 30. */
export const POCKET_DISTANCE = 30;

/** Above this share of background-coloured pixels a garment counts as white on white: no pocket or halo refinement. Default 0.2. */
export const POCKET_SHARE = 0.2;

/** Pixels within this distance inside the outline that are lighter than the background are checked as a halo. Default 12. */
export const HALO_BAND = 12;

function lighter(data: Uint8Array, p: number, colour: readonly number[]): boolean {
  return data[p]! + data[p + 1]! + data[p + 2]! > colour[0]! + colour[1]! + colour[2]! + 9;
}

function distance(data: Uint8Array, p: number, colour: readonly number[]): number {
  return Math.hypot(data[p]! - colour[0]!, data[p + 1]! - colour[1]!, data[p + 2]! - colour[2]!);
}

/** Half-width in pixels of the band around the outline where the matte is refined from colour. Default 3. */
export const EDGE_BAND = 3;

/**
 * Cuts a product out of a photo on a plain light background. The garment segmentation of the try-on
 * ({@link cutOutGarment}: a flood fill of the background from the border, stopped at edges) gives the outline; in a
 * band of {@link EDGE_BAND} pixels around it the matte is re-estimated from colour, as the share of the way each pixel
 * lies from the background colour to the nearby garment colour (where the two differ enough to tell; the geometric
 * soft edge elsewhere, e.g. white on white); so are pockets of background colour inside the outline that the fill could
 * not reach (between ruffles, under a tie). Edge colours are then decontaminated: the background's share is taken out
 * (`F = (I − (1 − α)·B) / α`), and where the matte is thin the nearby garment colour is used, so no light fringe
 * comes along onto a new background. Throws `no_garment` like the try-on when nothing product-sized is found.
 */
export function cutOutProduct(photo: RgbImage): ProductCutout {
  const { width, height, data } = photo;
  const n = width * height;
  const segmented = cutOutGarment(photo, { keepCrotch: true }).alpha;
  const hard = floatImage(width, height);
  for (let i = 0; i < n; i++) hard.data[i] = segmented.data[i]! > 0.5 ? 1 : 0;
  const background = borderColour(photo);
  dropSpecks(photo, hard, background);
  // The try-on's soft edge (a 3×3 box over the outline), without the specks.
  const geometric = boxBlur(hard, 1);
  const inner = morph(hard, -EDGE_BAND);
  const outer = morph(hard, EDGE_BAND);
  const deep = morph(hard, -HALO_BAND);
  // A garment that is itself mostly background-coloured (white on white) has no pockets or halo to tell apart.
  const backgroundLike = new Uint8Array(n);
  let likeCount = 0;
  let area = 0;
  for (let i = 0; i < n; i++) {
    if (hard.data[i]! < 0.5) continue;
    area++;
    if (distance(data, i * 3, background) <= POCKET_DISTANCE || lighter(data, i * 3, background)) { backgroundLike[i] = 1; likeCount++; }
  }
  const refineInside = likeCount < POCKET_SHARE * area;
  const source = morph(hard, -(EDGE_BAND + 1));
  if (refineInside) for (let i = 0; i < n; i++) if (backgroundLike[i]) source.data[i] = 0;
  const interior = nearbyColour(photo, source, hard);
  const alpha = floatImage(width, height);
  for (let i = 0; i < n; i++) {
    if (outer.data[i]! < 0.5) continue;
    const p = i * 3;
    // Inside, only pockets of background colour the fill could not reach (between ruffles, under a tie) are refined,
    // and near the outline also a photo's retouching halo (pixels lighter than the background).
    if (inner.data[i]! > 0.5 && (!refineInside || !backgroundLike[i] || (deep.data[i]! > 0.5 && distance(data, p, background) > POCKET_DISTANCE))) { alpha.data[i] = 1; continue; }
    let dot = 0;
    let norm = 0;
    for (let c = 0; c < 3; c++) {
      const fb = interior[p + c]! - background[c]!;
      dot += (data[p + c]! - background[c]!) * fb;
      norm += fb * fb;
    }
    const fromColour = norm > 0 ? Math.min(1, Math.max(0, dot / norm)) : 0;
    // Trust colour in proportion to how far the garment's colour is from the background's (RGB distance 25 → 60).
    const trust = smoothstep(25, 60, Math.sqrt(norm));
    alpha.data[i] = trust * fromColour + (1 - trust) * geometric.data[i]!;
  }
  const smooth = boxBlur(alpha, 1);
  // Keep the refined edge only within the band (the blur must not bleed the matte outward).
  for (let i = 0; i < n; i++) {
    if (outer.data[i]! < 0.5) smooth.data[i] = 0;
    else smooth.data[i] = Math.min(smooth.data[i]!, alpha.data[i]! + 0.25);
  }
  const image = decontaminate(photo, smooth, background, interior);
  return { image, alpha: smooth, background, box: boundingBox(smooth) };
}

/**
 * The foreground colour of each pixel given its matte and the background colour: the background's share removed
 * where the matte is solid enough to trust the division, blending to the nearby interior colour where it is thin.
 */
export function decontaminate(photo: RgbImage, alpha: FloatImage, background: readonly number[], interior: Float32Array): RgbImage {
  const n = photo.width * photo.height;
  const out = new Uint8Array(n * 3);
  const pixel = new Float32Array(3);
  const near = new Float32Array(3);
  const colour = new Float32Array(3);
  for (let i = 0; i < n; i++) {
    const a = alpha.data[i]!;
    const p = i * 3;
    if (a >= 0.999) { out[p] = photo.data[p]!; out[p + 1] = photo.data[p + 1]!; out[p + 2] = photo.data[p + 2]!; continue; }
    for (let c = 0; c < 3; c++) { pixel[c] = photo.data[p + c]!; near[c] = interior[p + c]!; }
    decontaminatePixel(pixel, a, background, near, colour);
    out[p] = colour[0]!; out[p + 1] = colour[1]!; out[p + 2] = colour[2]!;
  }
  return { width: photo.width, height: photo.height, data: out };
}

/**
 * For every pixel, the average colour of the `source` pixels near it (normalised convolution: a blur of colour × mask
 * divided by a blur of the mask), widening the window where there are none; pixels far from any fall back to the
 * average over `fallback`. Returns RGB floats.
 */
export function nearbyColour(photo: RgbImage, source: FloatImage, fallback: FloatImage): Float32Array {
  const { width, height, data } = photo;
  const n = width * height;
  const out = new Float32Array(n * 3);
  const filled = new Uint8Array(n);
  let mask = source;
  let total = 0;
  for (let i = 0; i < n; i++) total += mask.data[i]!;
  if (total < 1) mask = fallback;
  for (const radius of [4, 12, 40]) {
    const weight = boxBlur(mask, radius, 2).data;
    const planes = [0, 1, 2].map((c) => {
      const plane = floatImage(width, height);
      for (let i = 0; i < n; i++) plane.data[i] = data[i * 3 + c]! * mask.data[i]!;
      return boxBlur(plane, radius, 2).data;
    });
    for (let i = 0; i < n; i++) {
      if (filled[i] || weight[i]! < 1e-3) continue;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = planes[c]![i]! / weight[i]!;
      filled[i] = 1;
    }
  }
  const mean = [0, 0, 0];
  let count = 0;
  for (let i = 0; i < n; i++) if (fallback.data[i]! > 0.5) { for (let c = 0; c < 3; c++) mean[c] = mean[c]! + data[i * 3 + c]!; count++; }
  for (let i = 0; i < n; i++) if (!filled[i]) for (let c = 0; c < 3; c++) out[i * 3 + c] = mean[c]! / Math.max(1, count);
  return out;
}

/** Islands smaller than this share of the largest one, and light (see {@link SPECK_DISTANCE}), are background specks. Default 0.01. */
export const SPECK_AREA = 0.01;
/** Mean RGB distance to the background colour under which a small island is a speck of background. Default 60. */
export const SPECK_DISTANCE = 60;

/**
 * Removes specks from a hard mask: small islands (4-connected) that are close to the background colour on average, such
 * as bits of background shadow the fill's edge walls cut off next to the product.
 */
export function dropSpecks(photo: RgbImage, hard: FloatImage, background: readonly number[]): void {
  const { width, height } = hard;
  const label = new Int32Array(width * height).fill(-1);
  const components: { pixels: number[]; distance: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < label.length; start++) {
    if (hard.data[start]! < 0.5 || label[start] !== -1) continue;
    const id = components.length;
    const pixels: number[] = [];
    let sum = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      pixels.push(i);
      sum += distance(photo.data, i * 3, background);
      const x = i % width;
      const next = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i >= width ? i - width : -1, i < width * (height - 1) ? i + width : -1];
      for (const j of next) if (j >= 0 && hard.data[j]! >= 0.5 && label[j] === -1) { label[j] = id; stack.push(j); }
    }
    components.push({ pixels, distance: sum / pixels.length });
  }
  const largest = Math.max(0, ...components.map((c) => c.pixels.length));
  for (const c of components) {
    if (c.pixels.length < SPECK_AREA * largest && c.distance < SPECK_DISTANCE) for (const i of c.pixels) hard.data[i] = 0;
  }
}

/** Median colour of the image's border pixels. */
export function borderColour(photo: RgbImage): [number, number, number] {
  const { width, height, data } = photo;
  const idx: number[] = [];
  for (let x = 0; x < width; x++) idx.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y++) idx.push(y * width, y * width + width - 1);
  return [0, 1, 2].map((c) => {
    const v = idx.map((i) => data[i * 3 + c]!).sort((a, b) => a - b);
    return v[v.length >> 1]!;
  }) as [number, number, number];
}

function boundingBox(alpha: FloatImage): ProductCutout['box'] {
  let left = alpha.width;
  let top = alpha.height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < alpha.height; y++) {
    for (let x = 0; x < alpha.width; x++) {
      if (alpha.data[y * alpha.width + x]! <= 0.02) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return right < 0 ? { left: 0, top: 0, right: alpha.width - 1, bottom: alpha.height - 1 } : { left, top, right, bottom };
}
