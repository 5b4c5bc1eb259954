import type { RgbImage } from './image/raster.js';
import { boxBlurInPlace } from './image/raster.js';
import { WEAR, type Wardrobe } from './wardrobe.js';

/** The person's own visible skin as read from the photo: its colour, brightness and fine texture. */
export interface SkinTone {
  /** Each channel over luma (R/Y, G/Y, B/Y): the skin's colour without its light and shade. */
  chroma: [number, number, number];
  /** Median luma (0–255) of the visible skin. */
  luma: number;
  /**
   * Robust spread (1.4826 × median absolute value) of the skin's fine luma texture: a pixel's luma minus the mean of
   * its four neighbours. 0 when no clean skin was seen.
   */
  texture: number;
  /** How many clean skin pixels the figures come from. */
  pixels: number;
}

/** Skin pixels count only this many pixels away from any other label (no edge blends with hair, clothes or background). Default 2. */
export const CLEAN_SKIN_MARGIN = 2;

/**
 * The tone of the person's visible skin (face, neck, arms, hands: every {@link WEAR.skin} pixel of the wardrobe's crop
 * whose neighbours {@link CLEAN_SKIN_MARGIN} pixels away are skin too, so no blended edge pixel counts): its chroma
 * (ratio of summed channels to summed luma), its median luma and the spread of its fine texture. Undefined when the
 * photo shows no clean skin.
 */
export function skinTone(photo: RgbImage, wardrobe: Wardrobe): SkinTone | undefined {
  const { crop, labels } = wardrobe;
  const { x0, y0, width: cw, height: ch } = crop;
  const W = photo.width;
  const d = photo.data;
  const m = CLEAN_SKIN_MARGIN;
  const skin = WEAR.skin;
  const lumaHist = new Uint32Array(256);
  // Fine texture in quarter steps of luma, up to 32.
  const textureHist = new Uint32Array(129);
  let r = 0, g = 0, b = 0, y = 0, count = 0;
  const lumaAt = (o: number): number => 0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!;
  for (let cy = m; cy < ch - m; cy++) {
    for (let cx = m, i = cy * cw + m; cx < cw - m; cx++, i++) {
      if (labels[i] !== skin || labels[i - m] !== skin || labels[i + m] !== skin || labels[i - m * cw] !== skin || labels[i + m * cw] !== skin) continue;
      const o = ((cy + y0) * W + cx + x0) * 3;
      const l = lumaAt(o);
      r += d[o]!; g += d[o + 1]!; b += d[o + 2]!; y += l;
      count++;
      lumaHist[Math.min(255, Math.round(l))]!++;
      const around = (lumaAt(o - 3) + lumaAt(o + 3) + lumaAt(o - 3 * W) + lumaAt(o + 3 * W)) / 4;
      textureHist[Math.min(128, Math.round(Math.abs(l - around) * 4))]!++;
    }
  }
  if (count === 0 || y <= 0) return undefined;
  return {
    chroma: [r / y, g / y, b / y],
    luma: histogramMedian(lumaHist, count),
    texture: (1.4826 * histogramMedian(textureHist, count)) / 4,
    pixels: count,
  };
}

/** The bin at which `count` values counted in `hist` reach half: their median. Pure. */
export function histogramMedian(hist: Uint32Array, count: number): number {
  let seen = 0;
  for (let k = 0; k < hist.length; k++) {
    seen += hist[k]!;
    if (seen * 2 >= count) return k;
  }
  return hist.length - 1;
}

/**
 * Fine, photo-like grain at pixel (x, y): the mean of four hashed values on a 2×2 footprint (neighbouring pixels share
 * some, as a photo's noise and a skin's pores do), with unit variance before scaling. Deterministic per position.
 */
export function grainAt(x: number, y: number): number {
  return (hash(x, y) + hash(x + 1, y) + hash(x, y + 1) + hash(x + 1, y + 1)) / 2;
}

/** Uniform value in −√3 … √3 (unit variance) from a position. */
function hash(x: number, y: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) / 4294967296 - 0.5) * 2 * Math.sqrt(3);
}

/**
 * The fine-texture spread ({@link SkinTone.texture}'s measure) of {@link grainAt} itself, so a repaint can scale the
 * grain to the skin's: measured once over a patch of the grain.
 */
export const GRAIN_TEXTURE = ((): number => {
  const hist = new Uint32Array(129 * 4);
  let count = 0;
  for (let y = 1; y < 129; y++) {
    for (let x = 1; x < 129; x++) {
      const around = (grainAt(x - 1, y) + grainAt(x + 1, y) + grainAt(x, y - 1) + grainAt(x, y + 1)) / 4;
      hist[Math.min(hist.length - 1, Math.round(Math.abs(grainAt(x, y) - around) * 64))]!++;
      count++;
    }
  }
  return (1.4826 * histogramMedian(hist, count)) / 64;
})();

/** How far in from the body's outline its roundness darkens skin, in shoulder widths. Default 0.06. */
export const ROUNDNESS_REACH = 0.06;
/** How much darker skin is right at the body's outline than well inside it (a limb or torso turning away from the light). Default 0.2. */
export const ROUNDNESS_DEPTH = 0.2;

/**
 * Light falloff towards the body's outline over a `dw`×`dh` window of the wardrobe's crop at (dx0, dy0): 1 well inside
 * the person, down to 1 − {@link ROUNDNESS_DEPTH} at the silhouette, from the person's outline (non-background labels)
 * box-blurred over {@link ROUNDNESS_REACH} shoulder widths. Arms, shoulders and a bare midriff are round: repainted
 * skin shaded by it does not read as a flat cut-out.
 */
export function bodyRoundness(wardrobe: Wardrobe, dx0: number, dy0: number, dw: number, dh: number, shoulderWidth: number): Float32Array {
  const { labels, crop } = wardrobe;
  const cw = crop.width;
  const inside = new Float32Array(dw * dh);
  for (let y = 0, d = 0; y < dh; y++) {
    for (let x = 0, i = (y + dy0) * cw + dx0; x < dw; x++, d++, i++) inside[d] = labels[i] === WEAR.background ? 0 : 1;
  }
  const blurred = new Float32Array(inside);
  boxBlurInPlace(blurred, dw, dh, Math.max(1, Math.round((ROUNDNESS_REACH * shoulderWidth) / 2)), 2);
  for (let d = 0; d < inside.length; d++) {
    // 0.5 at the outline, 1 a reach inside: smooth falloff between.
    const t = Math.min(1, Math.max(0, (blurred[d]! - 0.5) / 0.5));
    inside[d] = 1 - ROUNDNESS_DEPTH * (1 - t * t * (3 - 2 * t));
  }
  return inside;
}
