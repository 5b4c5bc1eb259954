import { measureUpperArm, type ArmRun } from './arm-width.js';
import type { UpperBody } from './body.js';
import type { Point } from './geometry/tps.js';
import type { RgbImage } from './image/raster.js';
import type { Wardrobe } from './wardrobe.js';

/** How many bins across the arm the light profile has (from one side of the arm to the other). Default 9. */
export const ARM_LIGHT_BINS = 9;
/** Darkest and brightest a repainted arm is made by the profile, relative to its mean. Default 0.75, 1.15. */
export const ARM_LIGHT_RANGE = [0.75, 1.15] as const;

/**
 * Over what share of the upper arm's length the profile fades in above the shoulder joint (and out past the elbow), and
 * over what share of the arm's width, twice over, it fades out beside the arm. Default 0.15.
 */
export const ARM_LIGHT_FADE = 0.15;

/** The light across a bare upper arm, as seen below the old sleeve: where the arm is and its luma profile across it. */
export interface ArmLight {
  /** The shoulder joint and the elbow (photo coordinates). */
  shoulder: Point;
  elbow: Point;
  /** Where the arm's middle lies from the shoulder → elbow line, along its normal (pixels). */
  middle: number;
  /** Half the arm's width (pixels). */
  half: number;
  /** Luma across the arm (bin 0 on the normal's negative side) over its mean, {@link ARM_LIGHT_BINS} bins. */
  profile: Float32Array;
}

/**
 * The light across each upper arm seen bare below the old sleeve: the luma of the photo along every cross-section that
 * {@link measureUpperArm} accepts, binned by the position across the arm (its middle at the run's middle, its edges at
 * the run's ends), averaged over the sections and divided by its mean. An arm lit from one side is brighter on that
 * side and darker at its edges; a repainted upper arm shaded by it is round like the bare arm below it, not a flat
 * patch. Undefined for an arm not seen bare.
 */
export function armLights(photo: RgbImage, wardrobe: Wardrobe, body: UpperBody): (ArmLight | undefined)[] {
  const sw = body.shoulderWidth;
  return [[body.shoulderLeft, body.elbowLeft], [body.shoulderRight, body.elbowRight]].map(([shoulder, elbow]) => {
    const runs: ArmRun[] = [];
    const measured = measureUpperArm(wardrobe, shoulder!, elbow!, sw, runs);
    if (!measured) return undefined;
    const len = Math.hypot(elbow!.x - shoulder!.x, elbow!.y - shoulder!.y);
    const nx = -(elbow!.y - shoulder!.y) / len, ny = (elbow!.x - shoulder!.x) / len;
    const sum = new Float64Array(ARM_LIGHT_BINS);
    const count = new Float64Array(ARM_LIGHT_BINS);
    const d = photo.data;
    for (const run of runs) {
      const half = (run.hi - run.lo + 1) / 2;
      const middle = (run.hi + run.lo) / 2;
      for (let o = run.lo; o <= run.hi; o++) {
        const x = Math.round(run.x + nx * o), y = Math.round(run.y + ny * o);
        if (x < 0 || y < 0 || x >= photo.width || y >= photo.height) continue;
        const bin = binOf((o - middle) / half);
        const p = (y * photo.width + x) * 3;
        sum[bin]! += 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
        count[bin]! += 1;
      }
    }
    const profile = new Float32Array(ARM_LIGHT_BINS);
    let mean = 0, seen = 0;
    for (let k = 0; k < ARM_LIGHT_BINS; k++) if (count[k]! > 0) { profile[k] = sum[k]! / count[k]!; mean += profile[k]!; seen++; }
    if (seen < ARM_LIGHT_BINS) return undefined;
    mean /= seen;
    for (let k = 0; k < ARM_LIGHT_BINS; k++) profile[k] = Math.min(ARM_LIGHT_RANGE[1], Math.max(ARM_LIGHT_RANGE[0], profile[k]! / mean));
    return { shoulder: shoulder!, elbow: elbow!, middle: measured.offset, half: measured.halfWidth, profile };
  });
}

/** 0 at or below `from`, 1 at or above `to`, smooth between. */
function ramp(v: number, from: number, to: number): number {
  const t = Math.min(1, Math.max(0, (v - from) / (to - from)));
  return t * t * (3 - 2 * t);
}

/** The bin of a position across the arm (−1 … 1, clamped). */
function binOf(u: number): number {
  return Math.min(ARM_LIGHT_BINS - 1, Math.max(0, Math.floor(((u + 1) / 2) * ARM_LIGHT_BINS)));
}

/**
 * Multiplies `light` (a w×h window at (ox, oy) of the photo) by each arm's profile over its upper arm (shoulder joint to
 * elbow, within its half width of its middle; linearly between bin centres), fading to no change over the shoulder's
 * top, past the elbow and beside the arm ({@link ARM_LIGHT_FADE}).
 */
export function shadeArms(light: Float32Array, w: number, h: number, ox: number, oy: number, arms: (ArmLight | undefined)[]): void {
  for (const arm of arms) {
    if (!arm) continue;
    const { shoulder, elbow, middle, half, profile } = arm;
    const dx = elbow.x - shoulder.x, dy = elbow.y - shoulder.y;
    const len2 = dx * dx + dy * dy;
    const len = Math.sqrt(len2);
    const nx = -dy / len, ny = dx / len;
    const reach = (1 + 2 * ARM_LIGHT_FADE) * half + Math.abs(middle) + ARM_LIGHT_FADE * len;
    const x0 = Math.max(0, Math.floor(Math.min(shoulder.x, elbow.x) - reach - ox));
    const x1 = Math.min(w - 1, Math.ceil(Math.max(shoulder.x, elbow.x) + reach - ox));
    const y0 = Math.max(0, Math.floor(Math.min(shoulder.y, elbow.y) - reach - oy));
    const y1 = Math.min(h - 1, Math.ceil(Math.max(shoulder.y, elbow.y) + reach - oy));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + ox - shoulder.x, py = y + oy - shoulder.y;
        const t = (px * dx + py * dy) / len2;
        const u = (px * nx + py * ny - middle) / half;
        // Full strength along the upper arm, fading out over the shoulder's top and beside the arm (no edge of its own).
        const weight = ramp(t, -ARM_LIGHT_FADE, ARM_LIGHT_FADE / 3) * (1 - ramp(Math.abs(u), 1, 1 + 2 * ARM_LIGHT_FADE)) * (1 - ramp(t, 1, 1 + ARM_LIGHT_FADE));
        if (weight <= 0) continue;
        const f = ((Math.min(1, Math.max(-1, u)) + 1) / 2) * ARM_LIGHT_BINS - 0.5;
        const k = Math.min(ARM_LIGHT_BINS - 2, Math.max(0, Math.floor(f)));
        const a = Math.min(1, Math.max(0, f - k));
        light[y * w + x]! *= 1 + weight * (profile[k]! * (1 - a) + profile[k + 1]! * a - 1);
      }
    }
  }
}
