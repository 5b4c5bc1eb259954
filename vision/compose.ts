import type { UpperBody } from './body.js';
import type { GarmentCutout } from './garment.js';
import type { Correspondences, SleeveFit } from './geometry/fit.js';
import { sleeveSourceInto } from './geometry/fit.js';
import type { Capsule } from './geometry/shapes.js';
import type { Point } from './geometry/tps.js';
import { fitTps, tpsMap } from './geometry/tps.js';
import type { FloatImage, RgbImage } from './image/raster.js';
import { boxBlurInPlace, floatImage } from './image/raster.js';
import { reachShoulderOutline } from './garment-reach.js';
import { armsBesideTorso, beyondArm, nearLimb, taperedLimbs } from './geometry/arms.js';
import { armholeSource, armholeWarp, type ArmholeWarp } from './geometry/sleeve-quad.js';
import { removeOldTop } from './inpaint.js';
import { garmentRoundness, hemShadow, shadeAt, shadingField, type ShadingField } from './shading.js';
import { personCrop, readWardrobe, WEAR, type Crop } from './wardrobe.js';
import { studioInMask } from './studio-gaps.js';

/** The composited photo plus what was placed where (for metrics): final alpha and, per pixel, its garment source. */
export interface Composite {
  image: RgbImage;
  /** Final garment opacity per photo pixel (0–1, feathered). */
  alpha: FloatImage;
  /** Garment-photo x/y each photo pixel was sampled from (NaN where no garment). */
  sourceX: Float32Array;
  sourceY: Float32Array;
}

/** Spacing of the grid on which the spline is evaluated exactly (bilinear in between). Default 8 px. */
export const WARP_GRID = 8;
/** Strength of the shading taken from the photo's light (0 = flat garment, 1 = the full {@link shadingField}). */
export const SHADING_STRENGTH = 0.8;

/** The arm capsules that go in front of the garment's body panel (from partway down the upper arm to the hand). */
export function armCapsules(b: UpperBody): Capsule[] {
  const caps: Capsule[] = [];
  const w = b.shoulderWidth;
  for (const [s, e, h] of [[b.shoulderLeft, b.elbowLeft, b.wristLeft], [b.shoulderRight, b.elbowRight, b.wristRight]] as const) {
    const start = { x: s.x + 0.4 * (e.x - s.x), y: s.y + 0.4 * (e.y - s.y) };
    const hand = { x: h.x + 0.4 * (h.x - e.x), y: h.y + 0.4 * (h.y - e.y) };
    caps.push({ a: start, b: e, radius: 0.15 * w }, { a: e, b: h, radius: 0.12 * w }, { a: h, b: hand, radius: 0.14 * w });
  }
  return caps;
}

/**
 * Warps the garment onto the photo with a thin-plate spline through the correspondences (photo → garment, sampled
 * bilinearly), keeps the person in front where they are in front (head and hair; arms and hands over the garment's
 * body panel, while sleeves are drawn over the arms they dress), clips to the person's silhouette and feathers the
 * edge. The old top is taken off where the new garment does not cover it ({@link removeOldTop}, from the clothes read
 * off the photo by {@link readWardrobe}); the garment is drawn opaque, shaded by the photo's light with the old
 * clothes' colours divided out ({@link shadingField}), and casts a shadow line on the trousers or skirt under its hem.
 * All work is done in the person's crop of the photo; the output has the photo's resolution.
 */
export function composite(photo: RgbImage, personMask: FloatImage, body: UpperBody, garment: GarmentCutout, fit: Correspondences): Composite {
  const { width, height } = photo;
  const tps = fitTps(fit.body, fit.garment, 1e-3);
  const g = garment.image;
  const ga = garment.alpha;
  const margin = 0.35 * body.shoulderWidth;
  const placed = [...fit.body, ...fit.sleeves.map((s) => s.bodyCuff)];
  const xs = placed.map((p) => p.x);
  const ys = placed.map((p) => p.y);
  const bx0 = Math.max(0, Math.floor(Math.min(...xs) - margin));
  const bx1 = Math.min(width - 1, Math.ceil(Math.max(...xs) + margin));
  const by0 = Math.max(0, Math.floor(Math.min(...ys) - margin));
  const by1 = Math.min(height - 1, Math.ceil(Math.max(...ys) + margin));
  // The crop everything works in: the person's upper body and the garment's box.
  const pc = personCrop(body, width, height);
  const cx0 = Math.min(pc.x0, bx0);
  const cy0 = Math.min(pc.y0, by0);
  const crop: Crop = { x0: cx0, y0: cy0, width: Math.max(pc.x0 + pc.width, bx1 + 1) - cx0, height: Math.max(pc.y0 + pc.height, by1 + 1) - cy0 };
  const cw = crop.width;
  const ch = crop.height;
  const wardrobe = readWardrobe(photo, personMask, body, crop);
  // The studio the mask takes in (between an arm and the torso) gets no garment (looked for where it can be drawn).
  const studio = studioInMask(photo, personMask, crop, { x0: bx0, y0: by0, x1: bx1, y1: by1 });
  const sourceX = new Float32Array(width * height).fill(NaN);
  const sourceY = new Float32Array(width * height).fill(NaN);
  const raw = new Float32Array(cw * ch);
  // Spline on a coarse grid, bilinear in between: exact at grid nodes, smooth everywhere.
  const gw = Math.ceil((bx1 - bx0) / WARP_GRID) + 2;
  const gh = Math.ceil((by1 - by0) / WARP_GRID) + 2;
  const gridX = new Float32Array(gw * gh);
  const gridY = new Float32Array(gw * gh);
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const p = tpsMap(tps, bx0 + i * WARP_GRID, by0 + j * WARP_GRID);
      gridX[j * gw + i] = p.x;
      gridY[j * gw + i] = p.y;
    }
  }
  const arms = limbSegments(armCapsules(body));
  const armWidths = taperedLimbs(body);
  const sleeveReach = 0.3 * body.shoulderWidth;
  const longSleeves = fit.sleeves.some((sl) => sl.bodyElbow !== undefined);
  const sleeves = fit.sleeves.map((sl) => sleeveMap(sl, sleeveReach, armholeWarp(sl, ga, body.shoulderWidth, personMask)));
  const sleeveReach2 = sleeveReach * sleeveReach;
  const { bodyLeft, bodyRight } = garment.landmarks;
  const slack = 0.05 * (bodyRight - bodyLeft);
  const gMaxX = g.width - 1;
  const gMaxY = g.height - 1;
  const hx = body.head.x;
  const hy = body.head.y;
  const hr2 = body.head.radius * body.head.radius;
  warpInto({
    bx0, by0, bx1, by1, cx0, cy0, cw, gw, gridX, gridY, sleeves, sleeveReach2, bodyLeft, bodyRight, slack, gMaxX, gMaxY,
    hx, hy, hr2, arms, armWidths, outerArms: armsBesideTorso(body), longSleeves, hasSleeves: fit.sleeves.length > 0,
  }, personMask, wardrobe.labels, studio, ga, raw, sourceX, sourceY);
  // Over the shoulders the garment reaches the person's outline (no bare band between its shoulder line and the top of the shoulder).
  const warped = { raw, sourceX, sourceY, x0: cx0, y0: cy0, width: cw, height: ch };
  reachShoulderOutline(warped, personMask, wardrobe.labels, body, fit.sleeves.length > 0);
  const feather = Math.max(1, Math.round((width + height) / 900));
  // Feather only the garment's box (and the blur's reach): the rest of the crop has no garment.
  const fx0 = Math.max(0, bx0 - cx0 - 2 * feather);
  const fy0 = Math.max(0, by0 - cy0 - 2 * feather);
  const fx1 = Math.min(cw - 1, bx1 - cx0 + 2 * feather);
  const fy1 = Math.min(ch - 1, by1 - cy0 + 2 * feather);
  const fw = fx1 - fx0 + 1;
  const box = new Float32Array(fw * (fy1 - fy0 + 1));
  for (let y = fy0; y <= fy1; y++) box.set(raw.subarray(y * cw + fx0, y * cw + fx1 + 1), (y - fy0) * fw);
  boxBlurInPlace(box, fw, fy1 - fy0 + 1, feather, 2);
  for (let y = fy0; y <= fy1; y++) raw.set(box.subarray((y - fy0) * fw, (y - fy0 + 1) * fw), y * cw + fx0);
  const alpha = floatImage(width, height);
  for (let y = fy0; y <= fy1; y++) {
    for (let x = fx0; x <= fx1; x++) {
      const c = y * cw + x;
      const p = (y + cy0) * width + x + cx0;
      const m = personMask.data[p]!;
      const inside = m <= 0.3 || studio[c] ? 0 : m >= 0.7 ? 1 : (m - 0.3) / 0.4;
      // Opaque inside: the feathered matte only softens the outline (at or above 0.9 it is fully the garment).
      const v = Math.min(1, raw[c]! / 0.9) * inside;
      raw[c] = v;
      alpha.data[p] = v;
    }
  }
  const shade = shadingField(photo, wardrobe, body.shoulderWidth);
  const out: RgbImage = { width, height, data: new Uint8Array(photo.data) };
  removeOldTop(photo, out, wardrobe, raw, body, shade);
  const round = garmentRoundness(raw, cw, ch, body.shoulderWidth);
  drawGarment(out, crop, raw, shade, round, g, ga, sourceX, sourceY);
  hemShadow(out, wardrobe, raw, body.shoulderWidth);
  return { image: out, alpha, sourceX, sourceY };
}

/** Where {@link warpInto} samples the garment: the garment's box and the crop, the spline's grid, sleeves, head and arms. */
interface WarpPlan {
  bx0: number; by0: number; bx1: number; by1: number;
  cx0: number; cy0: number; cw: number;
  gw: number; gridX: Float32Array; gridY: Float32Array;
  sleeves: SleeveMap[]; sleeveReach2: number;
  bodyLeft: number; bodyRight: number; slack: number; gMaxX: number; gMaxY: number;
  hx: number; hy: number; hr2: number;
  arms: Float64Array;
  /** The arms' own tapering width ({@link taperedLimbs}): an old sleeve within it is the arm, beyond it the top beside the arm. */
  armWidths: Float64Array;
  /** The forearms hanging beside the torso ({@link armsBesideTorso}): the body panel is not drawn beyond them, bare. */
  outerArms: Float64Array;
  longSleeves: boolean; hasSleeves: boolean;
}

/**
 * Samples the garment for every photo pixel of the garment's box: its matte into `raw` (crop-sized) and its source
 * position into `sourceX`/`sourceY` (photo-sized), leaving out the head, hair and arms in front of the body panel and
 * the studio inside the person mask (`studio`, crop-sized: {@link studioInMask}).
 */
function warpInto(plan: WarpPlan, personMask: FloatImage, labels: Uint8Array, studio: Uint8Array, ga: FloatImage, raw: Float32Array, sourceX: Float32Array, sourceY: Float32Array): void {
  const { bx0, by0, bx1, by1, cx0, cy0, cw, gw, gridX, gridY, sleeves, sleeveReach2, bodyLeft, bodyRight, gMaxX, gMaxY, hx, hy, hr2 } = plan;
  const width = personMask.width;
  const source: Point = { x: 0, y: 0 };
  for (let y = by0; y <= by1; y++) {
    const fj = (y - by0) / WARP_GRID;
    const j = Math.floor(fj);
    const wy = fj - j;
    const crow = (y - cy0) * cw - cx0;
    for (let x = bx0; x <= bx1; x++) {
      const p = y * width + x;
      if (personMask.data[p]! <= 0.3 || studio[crow + x]) continue; // the garment is clipped to the person
      if ((x - hx) * (x - hx) + (y - hy) * (y - hy) <= hr2) continue; // the head is in front
      const label = labels[crow + x]!;
      if (label === WEAR.hair) continue; // hair falls in front of the garment
      const fi = (x - bx0) / WARP_GRID;
      const i = Math.floor(fi);
      const wx = fi - i;
      const k = j * gw + i;
      let sx = (gridX[k]! * (1 - wx) + gridX[k + 1]! * wx) * (1 - wy) + (gridX[k + gw]! * (1 - wx) + gridX[k + gw + 1]! * wx) * wy;
      let sy = (gridY[k]! * (1 - wx) + gridY[k + 1]! * wx) * (1 - wy) + (gridY[k + gw]! * (1 - wx) + gridY[k + gw + 1]! * wx) * wy;
      // Sleeves are drawn over the body panel: take a sleeve's source when it lands on that sleeve's garment pixels.
      let sleeveU = 0;
      let sleeveV = 0;
      let sleeveA = 0;
      for (const sl of sleeves) {
        // Only around the arm it dresses: a sleeve never reaches across the torso.
        if (x < sl.box[0]! || x > sl.box[2]! || y < sl.box[1]! || y > sl.box[3]! || segmentDistance2(sl.segments, x, y) > sleeveReach2) continue;
        if (sl.armhole) {
          if (!armholeSource(sl.armhole, x, y, source)) continue;
        } else sleeveSourceInto(sl.fit, x, y, source);
        const u = source.x;
        const v = source.y;
        const onSleeve = sl.leftSide ? u < bodyLeft : u > bodyRight;
        if (!onSleeve || u < 0 || v < 0 || u > gMaxX || v > gMaxY) continue;
        const sa = sampleFloat(ga, u, v);
        if (sa > 0) { sleeveU = u; sleeveV = v; sleeveA = sa; break; }
      }
      let a = 0;
      if (sleeveA < 1) a = bodyPanelAlpha(plan, ga, sx, sy, personMask.data[p]!, label, x, y);
      // On a sleeve's soft edge (its matte below 1) the body panel, where it is more opaque, is drawn instead: a sleeve
      // edge taken over the torso let the old top show through as a dark line from each armpit down.
      if (sleeveA >= a) {
        if (sleeveA <= 0) continue;
        sx = sleeveU;
        sy = sleeveV;
        a = sleeveA;
      }
      raw[crow + x] = a;
      sourceX[p] = sx;
      sourceY[p] = sy;
    }
  }
}

/**
 * The body panel's matte at the spline's source (`sx`, `sy`), or 0 where the panel is not drawn: outside the product
 * photo, off the panel's columns when the garment has sleeves (they come from their own fit), or where a bare arm in
 * front of the body hides it.
 */
function bodyPanelAlpha(plan: WarpPlan, ga: FloatImage, sx: number, sy: number, mask: number, label: number, x: number, y: number): number {
  if (sx < 0 || sy < 0 || sx > plan.gMaxX || sy > plan.gMaxY) return 0;
  // With sleeves, the body panel's spline only supplies body-panel pixels (the sleeves come from their own fit).
  if (plan.hasSleeves && (sx < plan.bodyLeft - plan.slack || sx > plan.bodyRight + plan.slack)) return 0;
  const a = sampleFloat(ga, sx, sy);
  if (a <= 0) return 0;
  // A bare arm in front of the body panel hides it; a sleeve is worn over its own arm. Under long sleeves the
  // body panel goes on beneath the sleeve (a sleeve narrower than the arm leaves no gap to the body). Under short
  // sleeves or none, the arm hides the panel only within its own tapering width (an old sleeve there is repainted as
  // the arm): beside the arm is the old top on the torso, which the panel covers (the capsules are wider than an arm,
  // and a strip of the old top, of skin repainted over it or of a skin-coloured top read as skin, stayed between the
  // arm and the new garment).
  if (mask > 0.5 && insideCapsules(plan.arms, x, y) && (plan.longSleeves ? label === WEAR.skin : nearLimb(plan.armWidths, x, y))) return 0;
  // Beyond a bare forearm hanging beside the torso there is no torso for the body panel to cover.
  if (!plan.longSleeves && beyondArm(plan.outerArms, x, y)) return 0;
  return a;
}

/**
 * Draws the warped garment over `out` inside `crop`: its own colours, shaded by `shade` (the photo's light and folds)
 * and by `round` (the body's volume under it: darker towards its outline, {@link garmentRoundness}; crop-sized), blended by `alpha` (crop-sized).
 */
function drawGarment(out: RgbImage, crop: Crop, alpha: Float32Array, shade: ShadingField, round: ShadingField, g: RgbImage, ga: FloatImage, sourceX: Float32Array, sourceY: Float32Array): void {
  const { x0, y0, width: cw, height: ch } = crop;
  const width = out.width;
  const rgb = new Float32Array(3);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const c = y * cw + x;
      const a = alpha[c]!;
      if (a <= 0) continue;
      const p = (y + y0) * width + x + x0;
      let sx = sourceX[p]!;
      let sy = sourceY[p]!;
      if (Number.isNaN(sx)) {
        // Feathered fringe just outside the sampled area: reuse the nearest sampled neighbour's source.
        const q = nearestSampled(sourceX, width, out.height, p);
        if (q < 0) continue;
        sx = sourceX[q]!;
        sy = sourceY[q]!;
      }
      const s = (1 + SHADING_STRENGTH * (shadeAt(shade, x, y) - 1)) * shadeAt(round, x, y);
      sampleGarmentRgb(g, ga, sx, sy, rgb);
      for (let k = 0; k < 3; k++) {
        const v = rgb[k]! * s;
        out.data[p * 3 + k] = Math.round(out.data[p * 3 + k]! * (1 - a) + (v > 255 ? 255 : v) * a);
      }
    }
  }
}

/** Capsules as flat numbers: ax, ay, bx, by, radius² per capsule. */
function limbSegments(caps: Capsule[]): Float64Array {
  const out = new Float64Array(caps.length * 5);
  caps.forEach((c, k) => out.set([c.a.x, c.a.y, c.b.x, c.b.y, c.radius * c.radius], k * 5));
  return out;
}

/** Smallest squared distance from (x, y) to the segments (stored five numbers apiece, the fifth ignored). */
function segmentDistance2(seg: Float64Array, x: number, y: number): number {
  let best = Infinity;
  for (let k = 0; k < seg.length; k += 5) {
    const ax = seg[k]!, ay = seg[k + 1]!;
    const dx = seg[k + 2]! - ax, dy = seg[k + 3]! - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / l2));
    const ex = x - ax - t * dx, ey = y - ay - t * dy;
    const d = ex * ex + ey * ey;
    if (d < best) best = d;
  }
  return best;
}

function insideCapsules(seg: Float64Array, x: number, y: number): boolean {
  for (let k = 0; k < seg.length; k += 5) {
    const ax = seg[k]!, ay = seg[k + 1]!;
    const dx = seg[k + 2]! - ax, dy = seg[k + 3]! - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / l2));
    const ex = x - ax - t * dx, ey = y - ay - t * dy;
    if (ex * ex + ey * ey <= seg[k + 4]!) return true;
  }
  return false;
}

/** A sleeve's placement and the arm it dresses (segments as flat numbers, for {@link segmentDistance2}). */
interface SleeveMap {
  fit: SleeveFit;
  /** A short sleeve hung from its armhole (sampled through this map instead of the fit's similarity). */
  armhole?: ArmholeWarp;
  segments: Float64Array;
  /** The arm's box grown by the sleeve's reach: x0, y0, x1, y1. */
  box: Float64Array;
  leftSide: boolean;
}

function sleeveMap(fit: SleeveFit, reach: number, armhole?: ArmholeWarp): SleeveMap {
  const path = fit.bodyElbow ? [fit.bodyRoot, fit.bodyElbow, fit.bodyCuff] : [fit.bodyRoot, fit.bodyCuff];
  // A sleeve hung from its armhole reaches round its quad too (seam → outer cuff → inner cuff → armpit).
  const pairs: [Point, Point][] = path.slice(1).map((q, k) => [path[k]!, q]);
  if (armhole) for (let k = 0; k < 3; k++) pairs.push([armhole.quad[k]!, armhole.quad[k + 1]!]);
  const segments = new Float64Array(pairs.length * 5);
  pairs.forEach(([a, b], k) => segments.set([a.x, a.y, b.x, b.y, 0], k * 5));
  const corners = pairs.flat();
  const xs = corners.map((q) => q.x);
  const ys = corners.map((q) => q.y);
  const box = Float64Array.of(Math.min(...xs) - reach, Math.min(...ys) - reach, Math.max(...xs) + reach, Math.max(...ys) + reach);
  return { fit, armhole, segments, box, leftSide: fit.garmentCuff.x < fit.garmentRoot.x };
}

function nearestSampled(sx: Float32Array, width: number, height: number, p: number): number {
  const x = p % width;
  const y = (p - x) / width;
  for (let r = 1; r <= 4; r++) {
    for (const [dx, dy] of [[r, 0], [-r, 0], [0, r], [0, -r], [r, r], [-r, -r], [r, -r], [-r, r]] as const) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx >= 0 && ny >= 0 && nx < width && ny < height && !Number.isNaN(sx[ny * width + nx]!)) return ny * width + nx;
    }
  }
  return -1;
}

/** Bilinear sample of a float image at fractional coordinates (clamped to the image). */
export function sampleFloat(img: FloatImage, x: number, y: number): number {
  const x0 = Math.min(Math.floor(x), img.width - 2);
  const y0 = Math.min(Math.floor(y), img.height - 2);
  const wx = x - x0;
  const wy = y - y0;
  const i = y0 * img.width + x0;
  return (img.data[i]! * (1 - wx) + img.data[i + 1]! * wx) * (1 - wy) + (img.data[i + img.width]! * (1 - wx) + img.data[i + img.width + 1]! * wx) * wy;
}

/**
 * Bilinear sample of one garment channel weighted by the garment's matte (premultiplied), so that background pixels
 * next to the garment's edge never bleed a light fringe into it.
 */
export function sampleGarment(img: RgbImage, matte: FloatImage, x: number, y: number, c: number): number {
  const x0 = Math.min(Math.max(Math.floor(x), 0), img.width - 2);
  const y0 = Math.min(Math.max(Math.floor(y), 0), img.height - 2);
  const wx = x - x0;
  const wy = y - y0;
  let sum = 0;
  let weight = 0;
  for (const [dx, dy, w] of [[0, 0, (1 - wx) * (1 - wy)], [1, 0, wx * (1 - wy)], [0, 1, (1 - wx) * wy], [1, 1, wx * wy]] as const) {
    const i = (y0 + dy) * img.width + x0 + dx;
    const a = matte.data[i]! * w;
    sum += img.data[i * 3 + c]! * a;
    weight += a;
  }
  return weight > 1e-6 ? sum / weight : sampleChannel(img, x, y, c);
}

/** {@link sampleGarment} for all three channels at once, into `out`. */
export function sampleGarmentRgb(img: RgbImage, matte: FloatImage, x: number, y: number, out: Float32Array): void {
  const x0 = Math.min(Math.max(Math.floor(x), 0), img.width - 2);
  const y0 = Math.min(Math.max(Math.floor(y), 0), img.height - 2);
  const wx = x - x0;
  const wy = y - y0;
  const i = y0 * img.width + x0;
  const w00 = matte.data[i]! * (1 - wx) * (1 - wy);
  const w10 = matte.data[i + 1]! * wx * (1 - wy);
  const w01 = matte.data[i + img.width]! * (1 - wx) * wy;
  const w11 = matte.data[i + img.width + 1]! * wx * wy;
  const weight = w00 + w10 + w01 + w11;
  const d = img.data;
  const j = i + img.width;
  if (weight > 1e-6) {
    for (let c = 0; c < 3; c++) out[c] = (d[i * 3 + c]! * w00 + d[i * 3 + 3 + c]! * w10 + d[j * 3 + c]! * w01 + d[j * 3 + 3 + c]! * w11) / weight;
  } else {
    for (let c = 0; c < 3; c++) out[c] = sampleChannel(img, x, y, c);
  }
}

/** Bilinear sample of one channel of an RGB image at fractional coordinates. */
export function sampleChannel(img: RgbImage, x: number, y: number, c: number): number {
  const x0 = Math.min(Math.max(Math.floor(x), 0), img.width - 2);
  const y0 = Math.min(Math.max(Math.floor(y), 0), img.height - 2);
  const wx = x - x0;
  const wy = y - y0;
  const i = (y0 * img.width + x0) * 3 + c;
  const row = img.width * 3;
  return (img.data[i]! * (1 - wx) + img.data[i + 3]! * wx) * (1 - wy) + (img.data[i + row]! * (1 - wx) + img.data[i + row + 3]! * wx) * wy;
}
