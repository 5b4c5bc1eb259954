import type { UpperBody } from '../body.js';
import type { Composite } from '../compose.js';
import { armCapsules, sampleChannel } from '../compose.js';
import type { Capsule } from '../geometry/shapes.js';
import { capsuleMask, clearCircle, fillConvexPolygon } from '../geometry/shapes.js';
import type { FloatImage, RgbImage } from '../image/raster.js';
import { floatImage, luminance, morph } from '../image/raster.js';
import { ciede2000, srgbToLab, type Lab } from './color.js';
import { ssim } from './ssim.js';

/** Quality figures of one try-on, as `parley tryon --json` prints them. */
export interface TryOnMetrics {
  /** IoU of the placed garment (alpha > 0.5) with the estimated upper-body clothing region of the photo. */
  coverage: number;
  /** Median CIEDE2000 between garment colours in the product photo and the same garment points in the result. */
  colorDeltaE: number;
  /** Mean SSIM (7×7 windows, luminance) of the result with the photo over the pixels outside the garment (alpha = 0). */
  preservedSsim: number;
}

/**
 * The upper-body clothing region of the photo, estimated from pose and segmentation: the person mask (> 0.5)
 * intersected with the torso quadrilateral (shoulder joints widened by 0.25 shoulder widths each side at the top, hip
 * joints widened to 1.6× their half-span at the bottom, the neck line 0.05 shoulder widths above the shoulders as the
 * top edge) united with the upper arms (capsules shoulder → elbow, radius 0.16 shoulder widths), minus the head
 * circle, the forearms and hands, and bare skin on the upper arms: arm pixels within {@link SKIN_DISTANCE} of the
 * face's skin tone (median CIELAB of a patch at the face centre), grown by 1.5 % of the shoulder width. So a shopper's
 * own short sleeves or bare shoulders shape the region; the torso is taken whole.
 */
export function clothingRegion(photo: RgbImage, personMask: FloatImage, b: UpperBody): FloatImage {
  const { width, height } = personMask;
  const w = b.shoulderWidth;
  const hipMid = { x: (b.hipLeft.x + b.hipRight.x) / 2, y: (b.hipLeft.y + b.hipRight.y) / 2 };
  const hipHalf = Math.hypot(b.hipRight.x - b.hipLeft.x, b.hipRight.y - b.hipLeft.y) / 2;
  const region = floatImage(width, height);
  fillConvexPolygon(region, [
    { x: b.shoulderLeft.x - 0.25 * w, y: b.shoulderLeft.y - 0.05 * w },
    { x: b.shoulderRight.x + 0.25 * w, y: b.shoulderRight.y - 0.05 * w },
    { x: hipMid.x + 1.6 * hipHalf, y: b.hipRight.y },
    { x: hipMid.x - 1.6 * hipHalf, y: b.hipLeft.y },
  ]);
  const upperArms: Capsule[] = [
    { a: b.shoulderLeft, b: b.elbowLeft, radius: 0.16 * w },
    { a: b.shoulderRight, b: b.elbowRight, radius: 0.16 * w },
  ];
  const arms = capsuleMask(width, height, upperArms);
  const forearms = capsuleMask(width, height, armCapsules(b).filter((_, i) => i % 3 !== 0));
  // Bare arms are not clothing: skin-coloured arm pixels (grown by a few pixels to take their shaded edges) are left out.
  const skinTone = skinColour(photo, b);
  const skin = floatImage(width, height);
  for (let p = 0; p < skin.data.length; p++) {
    if (arms.data[p]! === 0) continue;
    const lab = srgbToLab(photo.data[p * 3]!, photo.data[p * 3 + 1]!, photo.data[p * 3 + 2]!);
    if (Math.hypot((lab.L - skinTone.L) / 2, lab.a - skinTone.a, lab.b - skinTone.b) < SKIN_DISTANCE) skin.data[p] = 1;
  }
  const bareArms = morph(skin, Math.max(2, Math.round(0.015 * w)));
  for (let p = 0; p < region.data.length; p++) {
    const clothedArm = arms.data[p]! > 0 && bareArms.data[p]! === 0;
    const inShape = (region.data[p]! > 0 || clothedArm) && forearms.data[p]! === 0;
    region.data[p] = inShape && personMask.data[p]! > 0.5 ? 1 : 0;
  }
  clearCircle(region, b.head, b.head.radius);
  return region;
}

/** Colour distance (CIELAB, lightness at half weight) under which an arm pixel counts as bare skin. Default 14. */
export const SKIN_DISTANCE = 14;

/** Median CIELAB of a small patch at the face centre (between eyes and nose): the shopper's skin tone. */
function skinColour(photo: RgbImage, b: UpperBody): Lab {
  const r = Math.max(2, Math.round(0.04 * b.shoulderWidth));
  const cx = Math.round(b.head.x);
  const cy = Math.round(b.head.y + 0.05 * b.shoulderWidth);
  const L: number[] = [];
  const A: number[] = [];
  const B: number[] = [];
  for (let y = Math.max(0, cy - r); y <= Math.min(photo.height - 1, cy + r); y++) {
    for (let x = Math.max(0, cx - r); x <= Math.min(photo.width - 1, cx + r); x++) {
      const p = (y * photo.width + x) * 3;
      const lab = srgbToLab(photo.data[p]!, photo.data[p + 1]!, photo.data[p + 2]!);
      L.push(lab.L);
      A.push(lab.a);
      B.push(lab.b);
    }
  }
  const med = (v: number[]): number => v.sort((x, y) => x - y)[v.length >> 1] ?? 0;
  return { L: med(L), a: med(A), b: med(B) };
}

/** IoU of two masks thresholded at 0.5 (0 when both are empty). */
export function iou(a: FloatImage, b: FloatImage): number {
  let inter = 0;
  let union = 0;
  for (let p = 0; p < a.data.length; p++) {
    const x = a.data[p]! > 0.5;
    const y = b.data[p]! > 0.5;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 0 : inter / union;
}

/**
 * Median CIEDE2000 over (up to `samples`, default 4000) fully opaque garment pixels of the result, each compared with
 * the product-photo colour at the garment point it was warped from.
 */
export function garmentDeltaE(result: Composite, garment: RgbImage, samples = 4000): number {
  const opaque: number[] = [];
  for (let p = 0; p < result.alpha.data.length; p++) if (result.alpha.data[p]! >= 0.99 && !Number.isNaN(result.sourceX[p]!)) opaque.push(p);
  if (opaque.length === 0) return Number.NaN;
  const step = Math.max(1, Math.floor(opaque.length / samples));
  const deltas: number[] = [];
  for (let i = 0; i < opaque.length; i += step) {
    const p = opaque[i]!;
    const sx = result.sourceX[p]!;
    const sy = result.sourceY[p]!;
    const before = srgbToLab(sampleChannel(garment, sx, sy, 0), sampleChannel(garment, sx, sy, 1), sampleChannel(garment, sx, sy, 2));
    const d = result.image.data;
    const after = srgbToLab(d[p * 3]!, d[p * 3 + 1]!, d[p * 3 + 2]!);
    deltas.push(ciede2000(before, after));
  }
  deltas.sort((a, b) => a - b);
  return deltas[deltas.length >> 1]!;
}

/** The three try-on quality figures (see {@link TryOnMetrics}). */
export function tryOnMetrics(photo: RgbImage, personMask: FloatImage, body: UpperBody, garment: RgbImage, result: Composite): TryOnMetrics {
  const region = clothingRegion(photo, personMask, body);
  const outside = floatImage(photo.width, photo.height);
  for (let p = 0; p < outside.data.length; p++) outside.data[p] = result.alpha.data[p]! > 0 ? 0 : 1;
  return {
    coverage: iou(result.alpha, region),
    colorDeltaE: garmentDeltaE(result, garment),
    preservedSsim: ssim(luminance(photo), luminance(result.image), outside),
  };
}
