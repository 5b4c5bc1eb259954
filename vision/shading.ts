import type { RgbImage } from './image/raster.js';
import { boxBlurInPlace } from './image/raster.js';
import { WEAR, type Wardrobe } from './wardrobe.js';

/** Lowest and highest shading factor taken from the photo. */
export const SHADE_MIN = 0.55;
export const SHADE_MAX = 1.3;
/** Radius of the blur that keeps only the body's light and the folds, not a fabric's pattern or print, in shoulder widths. Default 0.035. */
export const SHADE_SMOOTHING = 0.035;

/** The shading field is computed on blocks of this many pixels a side (it is smooth: no detail is lost). Default 4. */
export const SHADE_BLOCK = 4;

/** Light and shade over a crop, on a coarse grid of {@link SHADE_BLOCK}-pixel blocks; read it with {@link shadeAt}. */
export interface ShadingField {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * The light and shade on the body over the wardrobe's crop: the photo's luma divided by the luma of the colour model
 * each pixel belongs to (the old top's stripes, print or straps divided out, skin by skin), clamped to
 * [{@link SHADE_MIN}, {@link SHADE_MAX}], averaged over blocks and smoothed over {@link SHADE_SMOOTHING} shoulder widths,
 * so no pattern or colour of the old clothes is carried. 1 on the background.
 */
export function shadingField(photo: RgbImage, wardrobe: Wardrobe, shoulderWidth: number): ShadingField {
  const { crop, labels, albedo } = wardrobe;
  const { x0, y0, width: cw, height: ch } = crop;
  const fw = Math.ceil(cw / SHADE_BLOCK);
  const fh = Math.ceil(ch / SHADE_BLOCK);
  const field = new Float32Array(fw * fh);
  const count = new Float32Array(fw * fh);
  const d = photo.data;
  for (let y = 0; y < ch; y++) {
    const frow = ((y / SHADE_BLOCK) | 0) * fw;
    let o = ((y + y0) * photo.width + x0) * 3;
    for (let x = 0, i = y * cw; x < cw; x++, o += 3, i++) {
      const f = frow + ((x / SHADE_BLOCK) | 0);
      count[f]! += 1;
      if (labels[i] === WEAR.background) { field[f]! += 1; continue; }
      const ratio = (0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!) / albedo[i]!;
      field[f]! += ratio < SHADE_MIN ? SHADE_MIN : ratio > SHADE_MAX ? SHADE_MAX : ratio;
    }
  }
  for (let f = 0; f < field.length; f++) field[f] = field[f]! / Math.max(1, count[f]!);
  boxBlurInPlace(field, fw, fh, Math.max(1, (SHADE_SMOOTHING * shoulderWidth) / SHADE_BLOCK), 2);
  return { width: fw, height: fh, data: field };
}

/** The shading at crop pixel (x, y), bilinear between block centres. */
export function shadeAt(field: ShadingField, x: number, y: number): number {
  const fx = Math.min(Math.max((x + 0.5) / SHADE_BLOCK - 0.5, 0), field.width - 1);
  const fy = Math.min(Math.max((y + 0.5) / SHADE_BLOCK - 0.5, 0), field.height - 1);
  const ix = fx | 0;
  const iy = fy | 0;
  const ix1 = ix + 1 < field.width ? ix + 1 : ix;
  const iy1 = iy + 1 < field.height ? iy + 1 : iy;
  const wx = fx - ix;
  const wy = fy - iy;
  const f = field.data;
  const w = field.width;
  return (f[iy * w + ix]! * (1 - wx) + f[iy * w + ix1]! * wx) * (1 - wy) + (f[iy1 * w + ix]! * (1 - wx) + f[iy1 * w + ix1]! * wx) * wy;
}

/** Depth of the shadow a garment's hem casts on the trousers or skirt below it, in shoulder widths. Default 0.03. */
export const HEM_SHADOW_DEPTH = 0.03;
/** Darkening right under the hem (fades to nothing at {@link HEM_SHADOW_DEPTH}). Default 0.25. */
export const HEM_SHADOW_STRENGTH = 0.25;

/**
 * A soft shadow line under the new garment's hem where it lies over the lower garment: lower-garment pixels within
 * {@link HEM_SHADOW_DEPTH} below a garment pixel (`alpha`, crop-sized) are darkened, most right under the hem.
 */
export function hemShadow(out: RgbImage, wardrobe: Wardrobe, alpha: Float32Array, shoulderWidth: number): void {
  const { crop, labels } = wardrobe;
  const { x0, y0, width: cw, height: ch } = crop;
  const depth = Math.max(2, Math.round(HEM_SHADOW_DEPTH * shoulderWidth));
  // Per column, how far down from the last garment pixel we are (counting rows), capped at depth + 1.
  const since = new Int32Array(cw).fill(depth + 1);
  for (let y = 0; y < ch; y++) {
    const row = y * cw;
    let o = ((y + y0) * out.width + x0) * 3;
    for (let x = 0; x < cw; x++, o += 3) {
      const i = row + x;
      if (alpha[i]! > 0.5) { since[x] = 0; continue; }
      const s = since[x]! + 1;
      since[x] = s > depth + 1 ? depth + 1 : s;
      if (s > depth || labels[i] !== WEAR.lower) continue;
      const k = 1 - HEM_SHADOW_STRENGTH * (1 - s / (depth + 1)) * (1 - alpha[i]!);
      out.data[o] = Math.round(out.data[o]! * k);
      out.data[o + 1] = Math.round(out.data[o + 1]! * k);
      out.data[o + 2] = Math.round(out.data[o + 2]! * k);
    }
  }
}

/** How far in from its outline a worn garment darkens as the torso and arms under it turn away from the light, in shoulder widths. Default 0.12. */
export const GARMENT_ROUNDNESS_REACH = 0.12;
/** How much darker a worn garment is at its outline than over the middle of the torso or arm. Default 0.2. */
export const GARMENT_ROUNDNESS_DEPTH = 0.2;

/**
 * The body's volume under a worn garment: 1 well inside the garment's matte (`alpha`, `cw`×`ch`), falling smoothly to
 * 1 − {@link GARMENT_ROUNDNESS_DEPTH} at its sides over {@link GARMENT_ROUNDNESS_REACH} shoulder widths (the sides of
 * the torso and of each sleeve turn away from the light; measured across, so the hem and the shoulders' top are not darkened), so the garment is not a flat cut-out even in a studio's
 * even light. Narrow parts (straps, ruffles, a collar: under a third of the matte's cover over three times the reach)
 * lie on the body rather than round it and are barely darkened. A field on {@link SHADE_BLOCK}-pixel blocks, read with
 * {@link shadeAt} where the garment is drawn.
 */
export function garmentRoundness(alpha: Float32Array, cw: number, ch: number, shoulderWidth: number): ShadingField {
  // On blocks of SHADE_BLOCK pixels (the falloff is smooth), read with shadeAt.
  const fw = Math.ceil(cw / SHADE_BLOCK);
  const fh = Math.ceil(ch / SHADE_BLOCK);
  const out = new Float32Array(fw * fh);
  const count = new Float32Array(fw * fh);
  for (let y = 0; y < ch; y++) {
    const frow = ((y / SHADE_BLOCK) | 0) * fw;
    for (let x = 0, i = y * cw; x < cw; x++, i++) {
      const f = frow + ((x / SHADE_BLOCK) | 0);
      count[f]! += 1;
      if (alpha[i]! > 0.5) out[f]! += 1;
    }
  }
  for (let f = 0; f < out.length; f++) out[f] = out[f]! / Math.max(1, count[f]!);
  const wide = new Float32Array(out);
  const reach = (GARMENT_ROUNDNESS_REACH * shoulderWidth) / SHADE_BLOCK;
  // Across only: the torso's and the sleeves' sides turn away from the light, the hem does not (a hem darkened over
  // the reach read as a blurred, grey edge on the trousers).
  horizontalBlurInPlace(out, fw, fh, Math.max(1, Math.round(reach / 3)), 3);
  boxBlurInPlace(wide, fw, fh, Math.max(1, Math.round(reach)), 2);
  for (let i = 0; i < out.length; i++) {
    // 0.5 at the outline, 1 a reach inside: a smooth falloff between.
    const t = Math.min(1, Math.max(0, (out[i]! - 0.5) / 0.5));
    const w = Math.min(1, Math.max(0, (wide[i]! - 0.2) / 0.2));
    out[i] = 1 - GARMENT_ROUNDNESS_DEPTH * w * w * (3 - 2 * w) * (1 - t * t * (3 - 2 * t));
  }
  return { width: fw, height: fh, data: out };
}

/** Box blur along rows only (edges clamped), `passes` times. */
function horizontalBlurInPlace(data: Float32Array, width: number, height: number, radius: number, passes: number): void {
  const row = new Float32Array(width);
  const last = width - 1;
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < height; y++) {
      const o = y * width;
      row.set(data.subarray(o, o + width));
      let sum = 0;
      for (let i = -radius; i <= radius; i++) sum += row[i < 0 ? 0 : i > last ? last : i]!;
      for (let x = 0; x < width; x++) {
        data[o + x] = sum / (2 * radius + 1);
        const add = x + radius + 1;
        const drop = x - radius;
        sum += row[add > last ? last : add]! - row[drop < 0 ? 0 : drop]!;
      }
    }
  }
}
