import type { UpperBody } from '../body.js';
import type { GarmentLandmarks } from '../garment.js';
import type { FloatImage } from '../image/raster.js';
import { segmentDistance } from './shapes.js';
import type { Point } from './tps.js';

/** A sleeve's placement: the garment segment root → cuff goes onto the photo segment root → cuff (a similarity). */
export interface SleeveFit {
  garmentRoot: Point;
  garmentCuff: Point;
  bodyRoot: Point;
  bodyCuff: Point;
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
/** Radius of the arm capsules that end the search for the torso's side, in shoulder widths. Default 0.13. */
export const ARM_RADIUS = 0.13;

/**
 * Distance from the torso axis to the side of the person's silhouette at `at` (a point on the axis), walking along
 * `dir` until the person mask ends (≤ 0.5) or an arm starts (within {@link ARM_RADIUS} of shoulder → elbow → wrist).
 * Undefined when the side is not found within {@link MAX_TORSO_HALF_WIDTH}.
 */
export function torsoSide(mask: FloatImage, b: UpperBody, at: Point, dir: Point): number | undefined {
  const limit = MAX_TORSO_HALF_WIDTH * b.shoulderWidth;
  const armR = ARM_RADIUS * b.shoulderWidth;
  const arms: [Point, Point][] = [[b.shoulderLeft, b.elbowLeft], [b.elbowLeft, b.wristLeft], [b.shoulderRight, b.elbowRight], [b.elbowRight, b.wristRight]];
  for (let t = 0; t <= limit; t += 1) {
    const p = { x: at.x + dir.x * t, y: at.y + dir.y * t };
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    if (x < 0 || y < 0 || x >= mask.width || y >= mask.height) return t;
    if (mask.data[y * mask.width + x]! <= 0.5) return t;
    if (t > 0.2 * b.shoulderWidth && arms.some(([a, c]) => segmentDistance(p, a, c) <= armR)) return t;
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
 * the armholes reach at least the silhouette's sides ({@link torsoSide}, at {@link SIDE_FIT_HEIGHTS}); each sleeve is turned and scaled as a whole
 * onto its arm (root at the shoulder joint, cuff along shoulder → elbow → wrist at the sleeve's length), so sleeves
 * follow the arms.
 */
export function correspondences(g: GarmentLandmarks, b: UpperBody, personMask?: FloatImage): Correspondences {
  const shoulderAxis = sub(b.shoulderRight, b.shoulderLeft);
  const u0 = mul(shoulderAxis, 1 / len(shoulderAxis));
  const seamL = sub(b.shoulderLeft, mul(u0, SHOULDER_SEAM_OUTSET * b.shoulderWidth));
  const seamR = add(b.shoulderRight, mul(u0, SHOULDER_SEAM_OUTSET * b.shoulderWidth));
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
  const body: Point[] = [torso(g.neck), seamL, seamR, hem(g.hemLeft, -1), hem(g.hemRight, 1), torso({ x: gCx, y: (g.hemLeft.y + g.hemRight.y) / 2 })];
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
  const sleeve = (armpit: Point | undefined, cuff: Point | undefined, sleeveRoot: Point | undefined, shoulder: Point, arm: Point[], sign: -1 | 1) => {
    if (!armpit || !cuff) return;
    body.push(onSide(armpit, sign));
    garment.push(armpit);
    const root = sleeveRoot ?? mid(shoulder, armpit);
    const length = scale * len(sub(cuff, root));
    sleeves.push({ garmentRoot: root, garmentCuff: cuff, bodyRoot: arm[0]!, bodyCuff: alongPolyline(arm, length) });
  };
  sleeve(g.armpitLeft, g.sleeveLeft, g.sleeveRootLeft, g.shoulderLeft, [b.shoulderLeft, b.elbowLeft, b.wristLeft], -1);
  sleeve(g.armpitRight, g.sleeveRight, g.sleeveRootRight, g.shoulderRight, [b.shoulderRight, b.elbowRight, b.wristRight], 1);
  return { body, garment, sleeves, scale };
}

/** Maps a photo point into garment coordinates through a sleeve's similarity (inverse of the placement). */
export function sleeveSource(fit: SleeveFit, p: Point): Point {
  const b = sub(fit.bodyCuff, fit.bodyRoot);
  const g = sub(fit.garmentCuff, fit.garmentRoot);
  const k = len(g) / Math.max(1e-6, len(b));
  const theta = Math.atan2(g.y, g.x) - Math.atan2(b.y, b.x);
  const q = sub(p, fit.bodyRoot);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return { x: fit.garmentRoot.x + k * (c * q.x - s * q.y), y: fit.garmentRoot.y + k * (s * q.x + c * q.y) };
}
