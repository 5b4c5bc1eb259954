import type { UpperBody } from '../body.js';
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
