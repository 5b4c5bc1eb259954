import type { FloatImage, RgbImage } from '../image/raster.js';
import { boxBlur, floatImage, luminance, morph } from '../image/raster.js';
import { ssim, ssimMap } from '../metrics/ssim.js';
import { nearbyColour } from './matte.js';
import type { Placement } from './place.js';

/** Output luma at and above which a pixel counts as near-white for the fringe measure. Default 200. */
export const FRINGE_LUMA = 200;
/** How much lighter than both sides (setting and garment) a near-white edge pixel must be to count. Default 30. */
export const FRINGE_MARGIN = 30;

/**
 * Share of the pixels on the product's outline (from 1 px inside the matte's half-way contour to 3 px outside it) that
 * form a white fringe: near-white (luma ≥ {@link FRINGE_LUMA}, nearly grey) and at least {@link FRINGE_MARGIN} lighter
 * than both the setting behind them and the garment's own colour just inside (so a white garment's edge and a light
 * setting do not count). Outline pixels over a light part of the setting (luma ≥ 180) are not counted at all. 0 when
 * there is nothing to count.
 */
export function whiteFringe(placement: Placement): number {
  const { image, alpha, backdrop } = placement;
  const { width, height } = image;
  const hard = floatImage(width, height);
  for (let i = 0; i < hard.data.length; i++) hard.data[i] = alpha.data[i]! > 0.5 ? 1 : 0;
  const outer = morph(hard, 3);
  const core = morph(hard, -1);
  const garment = nearbyColour(image, morph(hard, -4), hard);
  const out = luminance(image).data;
  const back = luminance(backdrop).data;
  let counted = 0;
  let fringe = 0;
  for (let i = 0; i < hard.data.length; i++) {
    if (outer.data[i]! < 0.5 || core.data[i]! > 0.5 || back[i]! >= 180) continue;
    counted++;
    const p = i * 3;
    const spread = Math.max(image.data[p]!, image.data[p + 1]!, image.data[p + 2]!) - Math.min(image.data[p]!, image.data[p + 1]!, image.data[p + 2]!);
    const garmentLuma = 0.299 * garment[p]! + 0.587 * garment[p + 1]! + 0.114 * garment[p + 2]!;
    if (out[i]! >= FRINGE_LUMA && spread <= 40 && out[i]! >= Math.max(back[i]!, garmentLuma) + FRINGE_MARGIN) fringe++;
  }
  return counted === 0 ? 0 : fringe / counted;
}

/** SSIM of the luminance of two product images of the same size over the solid part of the matte (alpha > 0.5). */
export function lumaSsim(original: RgbImage, changed: RgbImage, alpha: FloatImage): number {
  return ssim(luminance(original), luminance(changed), alpha);
}

/**
 * The shading part of luminance SSIM over the matte: SSIM's contrast × structure term only, i.e. SSIM with the
 * local-mean (brightness) factor left out. A colourway from white to navy must change brightness; this says whether
 * the folds, seams and texture (local contrast and its pattern) came through.
 */
export function shadingSsim(original: RgbImage, changed: RgbImage, alpha: FloatImage): number {
  const x = luminance(original);
  const y = luminance(changed);
  const full = ssimMap(x, y).data;
  const brightness = brightnessTerm(x, y);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < full.length; i++) {
    if (alpha.data[i]! <= 0.5) continue;
    sum += full[i]! / brightness[i]!;
    count++;
  }
  return count === 0 ? 1 : sum / count;
}

function brightnessTerm(x: FloatImage, y: FloatImage, radius = 3): Float32Array {
  const mx = boxBlur(x, radius).data;
  const my = boxBlur(y, radius).data;
  const c1 = (0.01 * 255) ** 2;
  const out = new Float32Array(mx.length);
  for (let i = 0; i < out.length; i++) out[i] = (2 * mx[i]! * my[i]! + c1) / (mx[i]! * mx[i]! + my[i]! * my[i]! + c1);
  return out;
}
