import type { UpperBody } from '../body.js';
import type { GarmentLandmarks } from '../garment.js';
import { LONG_SLEEVE } from '../garment.js';
import { nearLimb, taperedLimbs } from './arms.js';
import type { FloatImage } from '../image/raster.js';
import type { Point } from './tps.js';

/** A sleeve's placement: the garment segment root → cuff goes onto the photo segment root → cuff (a similarity). */
export interface SleeveFit {
  garmentRoot: Point;
  garmentCuff: Point;
  bodyRoot: Point;
  bodyCuff: Point;
  /**
   * Where the sleeve bends with the arm when it reaches past the elbow: the elbow on the photo, and the point as far
   * along the garment's sleeve axis. The upper sleeve goes root → elbow, the lower sleeve elbow → cuff.
   */
  bodyElbow?: Point;
  garmentElbow?: Point;
  /**
   * A short sleeve's armhole, for hanging it from the body panel's shoulder seam rather than turning it as a whole
   * (`armholeWarp` of `./sleeve-quad.js`): its ends on the garment (shoulder and armpit landmarks) and where the body
   * panel puts the shoulder on the photo. Undefined for sleeves that bend at the elbow.
   */
  armhole?: { garmentShoulder: Point; garmentArmpit: Point; bodySeam: Point };
}

/** Matching control points: `body[i]` on the photo is where garment point `garment[i]` goes (body panel), plus sleeves. */
export interface Correspondences {
  body: Point[];
  garment: Point[];
  sleeves: SleeveFit[];
  /** Garment pixels → photo pixels scale (photo shoulder span / garment shoulder span). */
  scale: number;
}

/** How far past the shoulder joints the garment's shoulder seams sit, in shoulder widths. Default 0.06. */
export const SHOULDER_SEAM_OUTSET = 0.06;
/**
 * How far inside the shoulder joints a sleeveless top's straps (its shoulder landmarks) sit, in shoulder widths: on the
 * shoulders, not at their ends, where a strap would slide off. Default 0.12.
 */
export const STRAP_INSET = 0.12;
/**
 * Length-to-width ratio (shoulder line to hem, over body-panel width) of a product photo's top that ends at the hip
 * joints when worn. Product photos are laid flat and their proportions are not the worn ones, so the hem is placed
 * at torso length × √(aspect / this): longer garments still end lower, but less than in proportion. Default 1.75.
 */
export const HIP_LENGTH_ASPECT = 1.75;
/** The garment's hem is at least this many hip-joint half-spans wide on each side (hips are wider than the joints). */
export const HIP_FLESH_FACTOR = 1.35;

/** Heights (fractions of the way from the shoulder line to the placed hem) where the body panel meets the torso's sides. */
export const SIDE_FIT_HEIGHTS = [0.45, 0.7] as const;
/** Height of a sleeveless garment's armhole bottom (fraction of shoulder line → hem) where its sides are fitted too. Default 0.25. */
export const ARMHOLE_HEIGHT = 0.25;
/** How far the torso's side is looked for from its axis, in shoulder widths. Default 0.9. */
export const MAX_TORSO_HALF_WIDTH = 0.9;
/**
 * Distance from the torso axis to the side of the person's silhouette at `at` (a point on the axis), walking along
 * `dir` until the person mask ends (≤ 0.5) or an arm starts (within its own tapering width, `ARM_RADII` of `./arms.js`, of
 * shoulder → elbow → wrist: a wider fixed radius ended the torso short of an arm held against it, and the old top
 * between the garment's side and the arm was repainted as a strip of skin). Undefined when the side is not found
 * within {@link MAX_TORSO_HALF_WIDTH}.
 */
export function torsoSide(mask: FloatImage, b: UpperBody, at: Point, dir: Point): number | undefined {
  const limit = MAX_TORSO_HALF_WIDTH * b.shoulderWidth;
  const arms = taperedLimbs(b);
  for (let t = 0; t <= limit; t += 1) {
    const p = { x: at.x + dir.x * t, y: at.y + dir.y * t };
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (x < 0 || y < 0 || x >= mask.width || y >= mask.height) return t;
    if (mask.data[y * mask.width + x]! <= 0.5) return t;
    if (t > 0.2 * b.shoulderWidth && nearLimb(arms, p.x, p.y)) return t;
  }
  return undefined;
}

const add = (a: Point, b: Point): Point => ({ x: a.x + b.x, y: a.y + b.y });
const sub = (a: Point, b: Point): Point => ({ x: a.x - b.x, y: a.y - b.y });
const mul = (a: Point, k: number): Point => ({ x: a.x * k, y: a.y * k });
const len = (a: Point): number => Math.hypot(a.x, a.y);
const mid = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** The point `distance` pixels along the polyline `points` (clamped to its far end, extended straight beyond it). */
export function alongPolyline(points: Point[], distance: number): Point {
  let left = distance;
  for (let i = 1; i < points.length; i++) {
    const seg = sub(points[i]!, points[i - 1]!);
    const l = len(seg);
    if (left <= l || i === points.length - 1) return add(points[i - 1]!, mul(seg, l === 0 ? 0 : left / l));
    left -= l;
  }
  return points[0]!;
}

/**
 * Anchors the garment on the body: neck, shoulder seams (just outside the shoulder joints), armpits and hem placed in
 * the torso's frame (shoulder midpoint → hip midpoint axis; widths scaled by the shoulders, lengths by the torso, see
 * {@link HIP_LENGTH_ASPECT}), hem at least as wide
 * as the hips (a thin-plate spline warps the body panel through these); with the person mask, the panel's sides below
 * the armholes reach at least the silhouette's sides ({@link torsoSide}, at {@link SIDE_FIT_HEIGHTS}); each sleeve goes
 * onto its arm (root at the shoulder joint, cuff along shoulder → elbow → wrist at the sleeve's length), so sleeves
 * follow the arms: a long one turned and scaled as a whole (bending at the elbow), a short one hung from the shoulder
 * seam by its armhole ({@link SleeveFit.armhole}).
 */
export function correspondences(g: GarmentLandmarks, b: UpperBody, personMask?: FloatImage): Correspondences {
  const shoulderAxis = sub(b.shoulderRight, b.shoulderLeft);
  const u0 = mul(shoulderAxis, 1 / len(shoulderAxis));
  // A sleeveless top's straps lie on the shoulders, inside the joints; a sleeved top's seams just outside them.
  const sleeveless = !g.armpitLeft && !g.armpitRight;
  const outset = (sleeveless ? -STRAP_INSET : SHOULDER_SEAM_OUTSET) * b.shoulderWidth;
  const jointSeamL = sub(b.shoulderLeft, mul(u0, outset));
  const jointSeamR = add(b.shoulderRight, mul(u0, outset));
  // The seams lie on the shoulders' tops (the silhouette above the joints), not at the joints' height.
  const up = { x: u0.y, y: -u0.x };
  const liftL = personMask ? shoulderTop(personMask, jointSeamL, up, b.shoulderWidth) : 0;
  const liftR = personMask ? shoulderTop(personMask, jointSeamR, up, b.shoulderWidth) : 0;
  const seamL = add(jointSeamL, mul(up, liftL));
  const seamR = add(jointSeamR, mul(up, liftR));
  const scale = len(sub(seamR, seamL)) / Math.max(1, g.shoulderRight.x - g.shoulderLeft.x);
  const shoulderMid = mid(b.shoulderLeft, b.shoulderRight);
  const hipMid = mid(b.hipLeft, b.hipRight);
  const axis = sub(hipMid, shoulderMid);
  const d = mul(axis, 1 / Math.max(1, len(axis)));
  const u = { x: d.y, y: -d.x }; // image-right, perpendicular to the torso axis
  const gShoulderY = (g.shoulderLeft.y + g.shoulderRight.y) / 2;
  const gCx = (g.bodyLeft + g.bodyRight) / 2;
  const gLength = Math.max(1, (g.hemLeft.y + g.hemRight.y) / 2 - (g.shoulderLeft.y + g.shoulderRight.y) / 2);
  const aspect = gLength / Math.max(1, g.bodyRight - g.bodyLeft);
  const lengthScale = (len(axis) * Math.sqrt(aspect / HIP_LENGTH_ASPECT)) / gLength;
  // Torso frame: garment (dx from centre, dy below shoulder line) → photo.
  const torso = (p: Point): Point => add(shoulderMid, add(mul(u, scale * (p.x - gCx)), mul(d, lengthScale * (p.y - gShoulderY))));
  const hipHalf = len(sub(b.hipRight, b.hipLeft)) / 2;
  const hem = (p: Point, sign: -1 | 1): Point => {
    const placed = torso(p);
    const along = (placed.x - shoulderMid.x) * d.x + (placed.y - shoulderMid.y) * d.y;
    const across = Math.max(Math.abs(scale * (p.x - gCx)), HIP_FLESH_FACTOR * hipHalf);
    return add(shoulderMid, add(mul(d, along), mul(u, sign * across)));
  };
  const neck = add(torso(g.neck), mul(up, (liftL + liftR) / 2));
  // The neckline follows the lifted seams but never climbs above the base of the neck.
  if (neck.y < b.neck.y) neck.y = Math.min(b.neck.y, torso(g.neck).y);
  const body: Point[] = [neck, seamL, seamR, hem(g.hemLeft, -1), hem(g.hemRight, 1), torso({ x: gCx, y: (g.hemLeft.y + g.hemRight.y) / 2 })];
  const garment: Point[] = [g.neck, g.shoulderLeft, g.shoulderRight, g.hemLeft, g.hemRight, { x: gCx, y: (g.hemLeft.y + g.hemRight.y) / 2 }];
  /** Where a point on the body panel's side goes: placed in the torso frame, pushed out to the silhouette's side. */
  const onSide = (p: Point, sign: -1 | 1): Point => {
    if (!personMask) return torso(p);
    const onAxis = torso({ x: gCx, y: p.y });
    const across = Math.max(Math.abs(scale * (p.x - gCx)), torsoSide(personMask, b, onAxis, mul(u, sign)) ?? 0);
    return add(onAxis, mul(u, sign * across));
  };
  if (personMask) {
    // A worn garment wraps the torso: from the armpits down its sides reach at least the silhouette's sides (arms excluded;
    // arms in front are drawn over the garment anyway), so a flat narrow or loose garment does not float inside it.
    const gHemY = (g.hemLeft.y + g.hemRight.y) / 2;
    const pits = [g.armpitLeft?.y, g.armpitRight?.y].filter((v): v is number => v !== undefined);
    const below = pits.length ? Math.max(...pits) : gShoulderY;
    // A sleeveless garment's armholes end about a quarter of the way down: fit its sides there too.
    const heights = pits.length ? SIDE_FIT_HEIGHTS : [ARMHOLE_HEIGHT, ...SIDE_FIT_HEIGHTS];
    for (const f of heights) {
      const gy = gShoulderY + f * (gHemY - gShoulderY);
      if (pits.length && gy <= below + 0.05 * (gHemY - gShoulderY)) continue;
      for (const [gx, sign] of [[g.bodyLeft, -1], [g.bodyRight, 1]] as const) {
        body.push(onSide({ x: gx, y: gy }, sign));
        garment.push({ x: gx, y: gy });
      }
    }
  }
  const sleeves: SleeveFit[] = [];
  const sleeve = (armpit: Point | undefined, cuff: Point | undefined, sleeveRoot: Point | undefined, shoulder: Point, arm: Point[], sign: -1 | 1, seam: Point) => {
    if (!armpit || !cuff) return;
    body.push(onSide(armpit, sign));
    garment.push(armpit);
    const root = sleeveRoot ?? mid(shoulder, armpit);
    const upper = len(sub(arm[1]!, arm[0]!));
    const armLength = upper + len(sub(arm[2]!, arm[1]!));
    // A long sleeve reaches the wrist whatever the product photo's proportions; a short one keeps its own length.
    const long = len(sub(cuff, root)) > LONG_SLEEVE * (g.bodyRight - g.bodyLeft);
    const length = long ? armLength : scale * len(sub(cuff, root));
    const fit: SleeveFit = { garmentRoot: root, garmentCuff: cuff, bodyRoot: arm[0]!, bodyCuff: alongPolyline(arm, length) };
    if (length > upper * 1.05) {
      // Past the elbow the sleeve bends with the arm.
      fit.bodyElbow = arm[1]!;
      fit.garmentElbow = add(root, mul(sub(cuff, root), upper / length));
    } else {
      fit.armhole = { garmentShoulder: shoulder, garmentArmpit: armpit, bodySeam: seam };
    }
    sleeves.push(fit);
  };
  sleeve(g.armpitLeft, g.sleeveLeft, g.sleeveRootLeft, g.shoulderLeft, [b.shoulderLeft, b.elbowLeft, b.wristLeft], -1, seamL);
  sleeve(g.armpitRight, g.sleeveRight, g.sleeveRootRight, g.shoulderRight, [b.shoulderRight, b.elbowRight, b.wristRight], 1, seamR);
  return { body, garment, sleeves, scale };
}

/**
 * Maps a photo point into garment coordinates through a sleeve's similarity (inverse of the placement); a sleeve that
 * bends at the elbow uses the upper or the lower part's similarity, whichever arm segment the point is nearer.
 */
export function sleeveSource(fit: SleeveFit, p: Point): Point {
  const out = { x: 0, y: 0 };
  sleeveSourceInto(fit, p.x, p.y, out);
  return out;
}

/** {@link sleeveSource} writing into `out` (no allocation: called for every pixel near a sleeve). */
export function sleeveSourceInto(fit: SleeveFit, px: number, py: number, out: Point): void {
  let b0 = fit.bodyRoot, b1 = fit.bodyCuff, g0 = fit.garmentRoot, g1 = fit.garmentCuff;
  if (fit.bodyElbow && fit.garmentElbow) {
    const e = fit.bodyElbow;
    if (distance2(px, py, fit.bodyRoot, e) <= distance2(px, py, e, fit.bodyCuff)) { b1 = e; g1 = fit.garmentElbow; }
    else { b0 = e; g0 = fit.garmentElbow; }
  }
  const bx = b1.x - b0.x, by = b1.y - b0.y;
  const gx = g1.x - g0.x, gy = g1.y - g0.y;
  const bl2 = Math.max(1e-12, bx * bx + by * by);
  // Similarity body → garment as a complex ratio (g / b): scale and rotation without trigonometry.
  const c = (gx * bx + gy * by) / bl2;
  const s = (gy * bx - gx * by) / bl2;
  const qx = px - b0.x, qy = py - b0.y;
  out.x = g0.x + c * qx - s * qy;
  out.y = g0.y + s * qx + c * qy;
}

function distance2(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x, dy = b.y - a.y;
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - a.x) * dx + (py - a.y) * dy) / l2));
  const ex = px - a.x - t * dx, ey = py - a.y - t * dy;
  return ex * ex + ey * ey;
}

/** Farthest a shoulder seam is lifted above its joint onto the shoulder's top, in shoulder widths. Default 0.3. */
export const MAX_SHOULDER_LIFT = 0.3;

/** How far above `from` (along `up`) the person's silhouette ends: the top of the shoulder, at most {@link MAX_SHOULDER_LIFT}. */
export function shoulderTop(mask: FloatImage, from: Point, up: Point, shoulderWidth: number): number {
  const limit = MAX_SHOULDER_LIFT * shoulderWidth;
  for (let t = 0; t <= limit; t += 1) {
    const x = Math.round(from.x + up.x * t);
    const y = Math.round(from.y + up.y * t);
    if (x < 0 || y < 0 || x >= mask.width || y >= mask.height || mask.data[y * mask.width + x]! <= 0.5) return t;
  }
  return 0;
}
