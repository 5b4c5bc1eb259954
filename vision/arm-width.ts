import type { UpperBody } from './body.js';
import { packLimbs } from './geometry/arms.js';
import { HAND_FROM } from './geometry/hands.js';
import type { Point } from './geometry/tps.js';
import type { Wardrobe } from './wardrobe.js';
import { WEAR } from './wear.js';

/** Narrowest and widest measured upper-arm half width accepted, in shoulder widths (outside: a misread, the default is kept). Default 0.06, 0.16. */
export const ARM_HALF_WIDTH_RANGE = [0.06, 0.16] as const;
/** Fewest cross-sections of bare arm (one every {@link ARM_SECTION_STEP} pixels along the upper arm) a measure needs. Default 5. */
export const ARM_SECTIONS = 5;
/** Pixels between the measured cross-sections. Default 3. */
export const ARM_SECTION_STEP = 3;
/**
 * Which quantile of the cross-sections' widths is the arm's (a shaded edge of the arm read as the old top or the body
 * beside it only ever shortens a run of skin, so an upper quantile is the arm's width). Default 0.75.
 */
export const ARM_WIDTH_QUANTILE = 0.75;

/** An upper arm as seen below an old sleeve: its half width (pixels) and how far its middle lies from the shoulder → elbow line (pixels, along the line's normal). */
export interface ArmSection {
  halfWidth: number;
  offset: number;
}

/** One cross-section of bare upper arm: its point on the shoulder → elbow line (photo coordinates) and the skin run across it, from `lo` to `hi` pixels along the line's normal. */
export interface ArmRun {
  x: number;
  y: number;
  lo: number;
  hi: number;
}

/**
 * The upper arm's own width, measured on the bare arm below the old sleeve (each accepted cross-section also into `runs`): going down the line from the shoulder
 * joint to the elbow, the cross-sections (across the line, every {@link ARM_SECTION_STEP} pixels) whose run of skin
 * nearest the line is {@link ARM_HALF_WIDTH_RANGE} wide; the {@link ARM_WIDTH_QUANTILE} quantile of their half widths
 * and the median of their middles' offsets. Undefined when fewer than {@link ARM_SECTIONS} are seen (a long sleeve,
 * an arm not seen bare above the elbow, a misread arm).
 */
export function measureUpperArm(wardrobe: Wardrobe, shoulder: Point, elbow: Point, shoulderWidth: number, runs?: ArmRun[]): ArmSection | undefined {
  const { labels, crop } = wardrobe;
  const { x0, y0, width: cw, height: ch } = crop;
  const ax = shoulder.x - x0, ay = shoulder.y - y0;
  const dx = elbow.x - shoulder.x, dy = elbow.y - shoulder.y;
  const length = Math.hypot(dx, dy);
  if (length < 4) return undefined;
  const ux = dx / length, uy = dy / length;
  // The normal (across the arm).
  const nx = -uy, ny = ux;
  const [minHalf, maxHalf] = ARM_HALF_WIDTH_RANGE.map((r) => r * shoulderWidth) as [number, number];
  const reach = Math.ceil(maxHalf * 1.5);
  const skinAt = (x: number, y: number): boolean => {
    const px = Math.round(x), py = Math.round(y);
    return px >= 0 && py >= 0 && px < cw && py < ch && labels[py * cw + px] === WEAR.skin;
  };
  const halves: number[] = [];
  const offsets: number[] = [];
  // From a fifth of a shoulder width below the joint (the shoulder itself is under the old top) to the elbow.
  for (let s = Math.round(0.2 * shoulderWidth); s <= length; s += ARM_SECTION_STEP) {
    const cx = ax + ux * s, cy = ay + uy * s;
    // The skin run across the line: from the skin pixel nearest the line, out to each side.
    let start = NaN;
    for (let o = 0; o <= maxHalf && Number.isNaN(start); o++) {
      if (skinAt(cx + nx * o, cy + ny * o)) start = o;
      else if (skinAt(cx - nx * o, cy - ny * o)) start = -o;
    }
    if (Number.isNaN(start)) continue;
    let lo = start, hi = start;
    while (hi - start < 2 * reach && skinAt(cx + nx * (hi + 1), cy + ny * (hi + 1))) hi++;
    while (start - lo < 2 * reach && skinAt(cx + nx * (lo - 1), cy + ny * (lo - 1))) lo--;
    const half = (hi - lo + 1) / 2;
    if (half < minHalf || half > maxHalf) continue;
    halves.push(half);
    offsets.push((hi + lo) / 2);
    runs?.push({ x: cx + x0, y: cy + y0, lo, hi });
  }
  if (halves.length < ARM_SECTIONS) return undefined;
  return { halfWidth: quantile(halves, ARM_WIDTH_QUANTILE), offset: quantile(offsets, 0.5) };
}

/**
 * The arms as limbs for {@link nearLimb} (ax, ay, bx, by, radius at a, radius at b: six numbers a limb), origin at
 * (ox, oy): each upper arm at its measured width and middle ({@link measureUpperArm}) where it is seen bare below the
 * old sleeve, else at the default `radii` (in shoulder widths: shoulder, elbow, wrist); the forearms at the default
 * radii, or the measured one when wider, on to the hand's base ({@link HAND_FROM} past the wrist). The `shoulderCap` limbs (from the side of the neck to each shoulder joint,
 * with the radius at the neck in shoulder widths) end at the upper arm's own radius, so a repainted shoulder is no
 * wider than the arm below it.
 */
export function armLimbs(wardrobe: Wardrobe, body: UpperBody, radii: readonly [number, number, number], shoulderCap: { neckSide: (s: Point) => Point; radius: number }, ox = 0, oy = 0): Float64Array {
  const sw = body.shoulderWidth;
  const limbs: [Point, Point, number, number][] = [];
  const arms = [[body.shoulderLeft, body.elbowLeft, body.wristLeft], [body.shoulderRight, body.elbowRight, body.wristRight]] as const;
  for (const [shoulder, elbow, wrist] of arms) {
    const measured = measureUpperArm(wardrobe, shoulder, elbow, sw);
    let a: Point = shoulder, b: Point = elbow;
    let ra = radii[0] * sw, rb = radii[1] * sw;
    if (measured) {
      const len = Math.hypot(elbow.x - shoulder.x, elbow.y - shoulder.y);
      const nx = -(elbow.y - shoulder.y) / len, ny = (elbow.x - shoulder.x) / len;
      // The arm's middle as measured; at the joint half way back to the keypoint (the shoulder's round top is there).
      a = { x: shoulder.x + nx * measured.offset * 0.5, y: shoulder.y + ny * measured.offset * 0.5 };
      b = { x: elbow.x + nx * measured.offset, y: elbow.y + ny * measured.offset };
      ra = measured.halfWidth;
      rb = measured.halfWidth;
    }
    limbs.push([shoulderCap.neckSide(shoulder), a, shoulderCap.radius * sw, ra]);
    limbs.push([a, b, ra, rb]);
    // The forearm goes on past the wrist keypoint to the hand's base (an old long sleeve's cuff lies there).
    const fl = Math.hypot(wrist.x - elbow.x, wrist.y - elbow.y);
    const past = fl > 0 ? (HAND_FROM * sw) / fl : 0;
    limbs.push([b, { x: wrist.x + (wrist.x - elbow.x) * past, y: wrist.y + (wrist.y - elbow.y) * past }, Math.max(rb * 0.9, radii[1] * sw), radii[2] * sw]);
  }
  return packLimbs(limbs, 1, ox, oy);
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((p, r) => p - r);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
