import type { FloatImage } from '../image/raster.js';
import type { Point } from './tps.js';

/**
 * Where (x, y) lies in the quad `q` (corners a, b, c, d in order) as bilinear coordinates: `s` along a → b (and d → c),
 * `t` along a → d (and b → c), so that (x, y) = (1−s)(1−t)·a + s(1−t)·b + s·t·c + (1−s)t·d; written into `out` as x = s,
 * y = t. Outside the quad the coordinates go on beyond 0–1. False when there is no solution.
 */
export function inverseBilinear(q: readonly Point[], x: number, y: number, out: Point): boolean {
  const a = q[0]!, b = q[1]!, c = q[2]!, d = q[3]!;
  const ex = b.x - a.x, ey = b.y - a.y;
  const fx = d.x - a.x, fy = d.y - a.y;
  const gx = a.x - b.x + c.x - d.x, gy = a.y - b.y + c.y - d.y;
  const hx = x - a.x, hy = y - a.y;
  const k2 = gx * fy - gy * fx;
  const k1 = ex * fy - ey * fx + hx * gy - hy * gx;
  const k0 = hx * ey - hy * ex;
  let t: number;
  if (Math.abs(k2) < 1e-9 * Math.max(1, Math.abs(k1))) {
    if (Math.abs(k1) < 1e-12) return false;
    t = -k0 / k1;
  } else {
    const disc = k1 * k1 - 4 * k0 * k2;
    if (disc < 0) return false;
    const w = Math.sqrt(disc);
    const t1 = (-k1 - w) / (2 * k2);
    const t2 = (-k1 + w) / (2 * k2);
    // The root nearer the quad (0–1); the other lies beyond the fold of the bilinear map.
    t = Math.abs(t1 - 0.5) <= Math.abs(t2 - 0.5) ? t1 : t2;
  }
  const dx = ex + gx * t, dy = ey + gy * t;
  const s = Math.abs(dx) >= Math.abs(dy) ? (hx - fx * t) / dx : (hy - fy * t) / dy;
  if (!Number.isFinite(s) || !Number.isFinite(t)) return false;
  out.x = s;
  out.y = t;
  return true;
}

/** The point at bilinear coordinates (s, t) of the quad `q` (see {@link inverseBilinear}), into `out`. */
export function bilinearPoint(q: readonly Point[], s: number, t: number, out: Point): void {
  const a = q[0]!, b = q[1]!, c = q[2]!, d = q[3]!;
  const w0 = (1 - s) * (1 - t), w1 = s * (1 - t), w2 = s * t, w3 = (1 - s) * t;
  out.x = w0 * a.x + w1 * b.x + w2 * c.x + w3 * d.x;
  out.y = w0 * a.y + w1 * b.y + w2 * c.y + w3 * d.y;
}

/** +1 or −1 when the quad is convex (every corner turning the same way), else 0. */
function convexTurn(q: readonly Point[]): number {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i]!, b = q[(i + 1) % 4]!, c = q[(i + 2) % 4]!;
    const cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
    const s = Math.sign(cross);
    if (s === 0 || (sign !== 0 && s !== sign)) return 0;
    sign = s;
  }
  return sign;
}

/**
 * The two ends of a sleeve's opening in the product photo: from the cuff's centre, across the sleeve's axis (`root` →
 * `cuff`), to the last garment pixel (matte above 0.5) either way. First the end on the side of `outward` (a unit
 * vector; for a sleeve, image-up: the sleeve's top edge), then the other.
 */
export function cuffEnds(alpha: FloatImage, root: Point, cuff: Point, outward: Point): [Point, Point] {
  const ax = cuff.x - root.x;
  const ay = cuff.y - root.y;
  const l = Math.max(1e-9, Math.hypot(ax, ay));
  let nx = -ay / l;
  let ny = ax / l;
  if (nx * outward.x + ny * outward.y < 0) { nx = -nx; ny = -ny; }
  const walk = (sx: number, sy: number): Point => {
    let last = { x: cuff.x, y: cuff.y };
    for (let t = 1; t < alpha.width + alpha.height; t++) {
      const x = Math.round(cuff.x + sx * t);
      const y = Math.round(cuff.y + sy * t);
      if (x < 0 || y < 0 || x >= alpha.width || y >= alpha.height || alpha.data[y * alpha.width + x]! <= 0.5) break;
      last = { x: cuff.x + sx * t, y: cuff.y + sy * t };
    }
    return last;
  };
  return [walk(nx, ny), walk(-nx, -ny)];
}

/** Smallest half width of a short sleeve's opening on the photo, in shoulder widths (it goes round the arm). Default 0.13. */
export const MIN_CUFF_HALF_WIDTH = 0.13;

/** Farthest below the shoulder joint, along the arm, a short sleeve's armpit is placed, in shoulder widths. Default 0.15. */
export const ARMPIT_DROP = 0.25;

/** How far past the arm's outline a short sleeve's outer side reaches, in shoulder widths (the edge is clipped to the person and feathered). Default 0.02. */
export const OUTLINE_OVERLAP = 0.02;
/** Farthest from the arm's line an outline is looked for, in shoulder widths (beyond: hair or another body part, not the arm). Default 0.3. */
export const MAX_OUTLINE = 0.3;

/**
 * How far the person's outline (mask at or below 0.5) lies from `from` going along the unit vector `dir`, in pixels,
 * when it is within `limit` pixels; undefined when the person goes on farther (hair falling over the shoulder, an arm
 * against something) or `from` is outside the person.
 */
export function armOutline(mask: FloatImage, from: Point, dir: Point, limit: number): number | undefined {
  const inside = (t: number): boolean => {
    const x = Math.round(from.x + dir.x * t);
    const y = Math.round(from.y + dir.y * t);
    return x >= 0 && y >= 0 && x < mask.width && y < mask.height && mask.data[y * mask.width + x]! > 0.5;
  };
  if (!inside(0)) return undefined;
  for (let t = 1; t <= limit; t++) if (!inside(t)) return t - 1;
  return undefined;
}

/** A short sleeve hung from its armhole: its quad on the photo and in the product photo, corner for corner. */
export interface ArmholeWarp {
  /** Shoulder seam, outer and inner end of the cuff, armpit, on the photo. */
  quad: Point[];
  /** Shoulder, top and bottom end of the cuff, armpit, in the product photo. */
  garment: Point[];
}

/** How far past its cuff (a share of its length) a sleeve hung from its armhole is still drawn. Default 0.02. */
export const CUFF_OVERSHOOT = 0.02;

/**
 * Maps a photo point to the product photo through a sleeve's {@link ArmholeWarp} (bilinear, quad to quad); false where
 * it cannot, or past the cuff (beyond {@link CUFF_OVERSHOOT}: the product photo's sleeve beyond the line between the
 * cuff's ends would be drawn stretched down the arm).
 */
export function armholeSource(warp: ArmholeWarp, x: number, y: number, out: Point): boolean {
  if (!inverseBilinear(warp.quad, x, y, out) || out.x > 1 + CUFF_OVERSHOOT) return false;
  bilinearPoint(warp.garment, out.x, out.y, out);
  return true;
}

/** What {@link armholeWarp} needs of a sleeve's fit (see `SleeveFit` of `./fit.js`). */
export interface ShortSleevePlacement {
  garmentRoot: Point;
  garmentCuff: Point;
  bodyRoot: Point;
  bodyCuff: Point;
  armhole?: { garmentShoulder: Point; garmentArmpit: Point; bodySeam: Point };
}

/**
 * Hangs a short sleeve from the body panel's armhole instead of turning it as a whole: the product photo's quad
 * shoulder → top end of the cuff → bottom end of the cuff → armpit ({@link cuffEnds}) goes onto the photo's quad
 * shoulder seam → outer side of the arm at the cuff → inner side → armpit on the arm's inner side, bilinearly (a
 * homography's perspective squeezed the sleeve's top and stretched its cuff down the arm). The
 * armhole stays on the body panel's edge and the cuff goes across the upper arm (a sleeve laid out at an angle in the
 * photo, turned as a whole onto an arm hanging down, had swung its armhole into the chest and its top out past the
 * shoulder). The cuff is as wide as in the product photo at the sleeve's scale, at least {@link MIN_CUFF_HALF_WIDTH}
 * shoulder widths either side of the arm's line. With the person's `mask`, the sleeve's outer side (its seam and
 * the cuff's outer end) reaches at least the arm's own outline ({@link armOutline}) and {@link OUTLINE_OVERLAP} past
 * it: a wide arm (01992's, outline 0.19 shoulder widths from its line) showed a strip of bare arm beside a sleeve that
 * went round a narrower one. Undefined without an armhole, or when either quad is not convex.
 */
export function armholeWarp(fit: ShortSleevePlacement, alpha: FloatImage, shoulderWidth: number, mask?: FloatImage): ArmholeWarp | undefined {
  const a = fit.armhole;
  if (!a) return undefined;
  const [top, bottom] = cuffEnds(alpha, fit.garmentRoot, fit.garmentCuff, { x: 0, y: -1 });
  const gLength = Math.hypot(fit.garmentCuff.x - fit.garmentRoot.x, fit.garmentCuff.y - fit.garmentRoot.y);
  const bx = fit.bodyCuff.x - fit.bodyRoot.x;
  const by = fit.bodyCuff.y - fit.bodyRoot.y;
  const bLength = Math.hypot(bx, by);
  if (gLength < 1 || bLength < 1) return undefined;
  const half = Math.max((Math.hypot(top.x - bottom.x, top.y - bottom.y) / 2) * (bLength / gLength), MIN_CUFF_HALF_WIDTH * shoulderWidth);
  // Across the arm, pointing away from the torso: to the image's left for the sleeve laid out on the left.
  const out = fit.garmentCuff.x < fit.garmentRoot.x ? -1 : 1;
  let nx = -by / bLength;
  let ny = bx / bLength;
  if (nx * out < 0) { nx = -nx; ny = -ny; }
  // The sleeve goes round the arm: its outer side no nearer the arm's line than the arm's outline (and a little past it).
  const overlap = OUTLINE_OVERLAP * shoulderWidth;
  const cap = MAX_OUTLINE * shoulderWidth;
  const cuffOutline = mask ? armOutline(mask, fit.bodyCuff, { x: nx, y: ny }, cap) : undefined;
  const outerHalf = cuffOutline === undefined ? half : Math.max(half, cuffOutline + overlap);
  const outer = { x: fit.bodyCuff.x + nx * outerHalf, y: fit.bodyCuff.y + ny * outerHalf };
  let seam = a.bodySeam;
  const rootOutline = mask ? armOutline(mask, fit.bodyRoot, { x: nx, y: ny }, cap) : undefined;
  if (rootOutline !== undefined) {
    const seamOut = (seam.x - fit.bodyRoot.x) * nx + (seam.y - fit.bodyRoot.y) * ny;
    const short = rootOutline + overlap - seamOut;
    if (short > 0) seam = { x: seam.x + nx * short, y: seam.y + ny * short };
  }
  const inner = { x: fit.bodyCuff.x - nx * half, y: fit.bodyCuff.y - ny * half };
  // The armpit on the arm's inner side (the torso's side at its height lies behind the arm hanging down), as far along
  // the arm as it lies along the sleeve's axis in the product photo but at most ARMPIT_DROP below the shoulder joint:
  // the sleeve goes round the top of the arm, and the arm hides the body panel below there (a lower armpit left a
  // triangle of bare arm between sleeve and body panel).
  const gx = fit.garmentCuff.x - fit.garmentRoot.x;
  const gy = fit.garmentCuff.y - fit.garmentRoot.y;
  const along = ((a.garmentArmpit.x - fit.garmentRoot.x) * gx + (a.garmentArmpit.y - fit.garmentRoot.y) * gy) / (gLength * gLength);
  const drop = Math.min(Math.max(0, along) * bLength, ARMPIT_DROP * shoulderWidth) / bLength;
  const armpit = { x: fit.bodyRoot.x + bx * drop - nx * half, y: fit.bodyRoot.y + by * drop - ny * half };
  const quad = [seam, outer, inner, armpit];
  const garment = [a.garmentShoulder, top, bottom, a.garmentArmpit];
  const turn = convexTurn(quad);
  if (turn === 0 || turn !== convexTurn(garment)) return undefined;
  return { quad, garment };
}
