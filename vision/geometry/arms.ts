import type { UpperBody } from '../body.js';
import { HAND_FROM, HAND_REACH } from './hands.js';
import type { Point } from './tps.js';

/**
 * Radii of an arm at the shoulder joint, the elbow and the wrist, in shoulder widths (an arm tapers; an old sleeve's
 * outline is wider and straight): where a repainted arm is, what hides the garment's body panel in front of it and where
 * the torso's side ends beside it. Default 0.12, 0.09, 0.07.
 */
export const ARM_RADII = [0.12, 0.09, 0.07] as const;

/**
 * The arms as tapering limbs ({@link ARM_RADII}: shoulder → elbow → wrist), after any `extra` limbs (from, to, radius
 * at each end in shoulder widths), as six numbers a limb for {@link nearLimb}: ax, ay, bx, by and the radii in pixels,
 * in coordinates with the origin at (ox, oy) of the photo.
 */
export function taperedLimbs(body: UpperBody, extra: (readonly [Point, Point, number, number])[] = [], ox = 0, oy = 0): Float64Array {
  const [upper, elbow, wrist] = ARM_RADII;
  const limbs = [
    ...extra,
    [body.shoulderLeft, body.elbowLeft, upper, elbow], [body.elbowLeft, body.wristLeft, elbow, wrist],
    [body.shoulderRight, body.elbowRight, upper, elbow], [body.elbowRight, body.wristRight, elbow, wrist],
  ] as const;
  return packLimbs(limbs, body.shoulderWidth, ox, oy);
}

/**
 * Limbs (from, to, radius at each end, times `scale`) as six numbers a limb for {@link nearLimb}, in coordinates with the
 * origin at (ox, oy) of the photo.
 */
export function packLimbs(limbs: readonly (readonly [Point, Point, number, number])[], scale = 1, ox = 0, oy = 0): Float64Array {
  const seg = new Float64Array(limbs.length * 6);
  limbs.forEach(([a, b, ra, rb], k) => { seg.set([a.x - ox, a.y - oy, b.x - ox, b.y - oy, ra * scale, rb * scale], k * 6); });
  return seg;
}

/** Whether (x, y) is within any limb (segments ax, ay, bx, by and the radii at a and at b, stored six to a limb; the radius tapers between). */
export function nearLimb(seg: Float64Array, x: number, y: number): boolean {
  for (let k = 0; k < seg.length; k += 6) {
    const ax = seg[k]!, ay = seg[k + 1]!, bx = seg[k + 2]!, by = seg[k + 3]!;
    const dx = bx - ax, dy = by - ay;
    const l2 = dx * dx + dy * dy;
    const t = l2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / l2));
    const ex = x - ax - t * dx, ey = y - ay - t * dy;
    const r = seg[k + 4]! + t * (seg[k + 5]! - seg[k + 4]!);
    if (ex * ex + ey * ey <= r * r) return true;
  }
  return false;
}

/** How far from a forearm's line (in shoulder widths) a pixel on its outer side is still the arm's, never the torso's. Default 0.35. */
export const OUTER_SIDE_REACH = 0.35;
/** The torso's half width at the hips, in hip half-spans (flesh beyond the hip joints): a forearm whose line lies beyond it hangs beside the torso. Default 1.3. */
export const TORSO_HIP_FLESH = 1.3;

/**
 * The forearms hanging beside the torso, for {@link beyondArm}: each from the elbow to the hand's base ({@link HAND_FROM}
 * past the wrist) as ax, ay, bx, by, four numbers a segment, then the torso's axis (shoulders' middle x, y, hips' middle x, y), the
 * torso's half width at the shoulders and at the hips (pixels), the reach ({@link OUTER_SIDE_REACH}) and the hand's
 * ({@link HAND_REACH}), in pixels, and the box (x0, y0, x1, y1) outside which nothing is beyond the forearms.
 */
export function armsBesideTorso(body: UpperBody, ox = 0, oy = 0): Float64Array {
  const sw = body.shoulderWidth;
  // The forearms go on to the hand's base (HAND_FROM past the wrist keypoint), as the repainted arms do.
  const handBase = (e: Point, w: Point): Point => {
    const l = Math.hypot(w.x - e.x, w.y - e.y);
    const k = l > 0 ? (HAND_FROM * sw) / l : 0;
    return { x: w.x + (w.x - e.x) * k, y: w.y + (w.y - e.y) * k };
  };
  // The forearms only: beside the upper arm, up at the shoulder, the garment's shoulder and armhole lie beyond its line.
  const segs = [[body.elbowLeft, handBase(body.elbowLeft, body.wristLeft)], [body.elbowRight, handBase(body.elbowRight, body.wristRight)]] as const;
  const out = new Float64Array(segs.length * 4 + 12);
  segs.forEach(([a, b], k) => out.set([a.x - ox, a.y - oy, b.x - ox, b.y - oy], k * 4));
  // The box nothing beyond the forearms lies outside of: their ends grown by the larger reach.
  const far = Math.max(OUTER_SIDE_REACH, HAND_REACH) * sw;
  const ends = segs.flat();
  out.set([Math.min(...ends.map((q) => q.x)) - ox - far, Math.min(...ends.map((q) => q.y)) - oy - far, Math.max(...ends.map((q) => q.x)) - ox + far, Math.max(...ends.map((q) => q.y)) - oy + far], segs.length * 4 + 8);
  const hipHalf = Math.hypot(body.hipRight.x - body.hipLeft.x, body.hipRight.y - body.hipLeft.y) / 2;
  out.set([
    (body.shoulderLeft.x + body.shoulderRight.x) / 2 - ox, (body.shoulderLeft.y + body.shoulderRight.y) / 2 - oy,
    (body.hipLeft.x + body.hipRight.x) / 2 - ox, (body.hipLeft.y + body.hipRight.y) / 2 - oy,
    0.5 * sw, TORSO_HIP_FLESH * hipHalf, OUTER_SIDE_REACH * sw, HAND_REACH * sw,
  ], segs.length * 4);
  return out;
}

/**
 * Whether (x, y) lies beyond a forearm hanging beside the torso ({@link armsBesideTorso}): on its outer side — within
 * the reach of the forearm's line, on the same row as a point of that line lying farther from the torso's axis than the
 * torso's half width there, and farther out still — or at its hand: past the wrist, within the hand's reach of it,
 * outside the torso's half width. Nothing of the torso is there, only the arm, the hand and what is beside them: a
 * flat garment's hem corner or tie, wider than the body, was drawn there (01992: a red hem piece beside the forearm,
 * a blue tie beside the hand).
 */
export function beyondArm(arms: Float64Array, x: number, y: number): boolean {
  // (Read by index: destructuring a typed array goes through its iterator, on every pixel of the garment's box.)
  const n = arms.length - 12;
  if (x < arms[n + 8]! || y < arms[n + 9]! || x > arms[n + 10]! || y > arms[n + 11]!) return false;
  const sx = arms[n]!, sy = arms[n + 1]!, hx = arms[n + 2]!, hy = arms[n + 3]!;
  const reach = arms[n + 6]!, handReach = arms[n + 7]!;
  const f = Math.min(1, Math.max(0, (y - sy) / Math.max(1, hy - sy)));
  const axis = sx + (hx - sx) * f;
  const half = arms[n + 4]! * (1 - f) + arms[n + 5]! * f;
  const outsideTorso = Math.abs(x - axis) > half;
  for (let k = 0; k < n; k += 4) {
    if (outsideTorso) {
      // The hand: past the wrist (HAND_FROM before the hand's base, b) along the forearm, within the hand's reach of b.
      const ux = arms[k + 2]! - arms[k]!, uy = arms[k + 3]! - arms[k + 1]!;
      const dx = x - arms[k + 2]!, dy = y - arms[k + 3]!;
      const wristBack = (HAND_FROM / HAND_REACH) * handReach;
      if (dx * ux + dy * uy > -wristBack * Math.hypot(ux, uy) && dx * dx + dy * dy <= handReach * handReach) return true;
    }
    const ay = arms[k + 1]!, by = arms[k + 3]!;
    const y0 = Math.min(ay, by), y1 = Math.max(ay, by);
    // Along a row: only arms that go down (an arm held out level is not beside the torso).
    if (y < y0 || y > y1 || y1 - y0 < 1) continue;
    const armX = arms[k]! + ((arms[k + 2]! - arms[k]!) * (y - ay)) / (by - ay);
    const side = armX - axis;
    if (Math.abs(side) <= half) continue;
    const beyond = (x - armX) * Math.sign(side);
    if (beyond > 0 && beyond <= reach) return true;
  }
  return false;
}
