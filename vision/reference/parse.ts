import type { UpperBody } from '../body.js';
import type { RgbImage } from '../image/raster.js';
import { boxBlur, floatImage } from '../image/raster.js';
import type { Point } from '../geometry/tps.js';
import { segmentDistance } from '../geometry/shapes.js';
import { kMeans, labAt, labDistance2, nearestDistance, toLab, type LabImage, type LabTriple } from './lab.js';
import { floodFromBorder } from '../image/flood.js';

/**
 * Classes of the reference parse of a person photo (a human-parsing map in the style of VITON's `image-parse`):
 * background, skin, hair, the upper-body garment, the lower-body garment, and anything else (shoes, bags, jewellery).
 */
export const PARSE = { background: 0, skin: 1, hair: 2, upper: 3, lower: 4, other: 5 } as const;

/** A parse map: one {@link PARSE} class per photo pixel. */
export interface ParseMap {
  width: number;
  height: number;
  labels: Uint8Array;
}

/** A pixel farther than this (weighted CIE76) from every class's colours is `other`. Default 28. */
export const OTHER_DISTANCE = 28;

/**
 * An evaluation-only clothing segmentation of a person photo on a plain studio background, sharing nothing with the
 * try-on's own masks (no segmentation model, no garment matte): background by a flood fill from the border in CIELAB;
 * colour models (k-means) for skin from the face, hair from the top of the head, the upper garment from the middle of the
 * torso and the lower garment from the thighs, placed with the pose keypoints; every person pixel takes the nearest
 * model, with vertical limits for each class (no lower garment above the waist, no upper garment far below the hips).
 */
export function referenceParse(photo: RgbImage, body: UpperBody): ParseMap {
  const { width, height } = photo;
  const lab = smoothLab(toLab(photo));
  const labels = new Uint8Array(width * height).fill(PARSE.other);
  const background = floodBackground(lab);
  const sw = body.shoulderWidth;
  const shoulderMid = mid(body.shoulderLeft, body.shoulderRight);
  const hipMid = mid(body.hipLeft, body.hipRight);
  const isPerson = (i: number): boolean => !background[i];
  const collect = (points: Point[], keep: (c: LabTriple) => boolean = () => true): LabTriple[] => {
    const out: LabTriple[] = [];
    for (const p of points) {
      const x = Math.round(p.x);
      const y = Math.round(p.y);
      if (x < 0 || y < 0 || x >= width || y >= height) continue;
      const i = y * width + x;
      if (!isPerson(i)) continue;
      const c = labAt(lab, i);
      if (keep(c)) out.push(c);
    }
    return out;
  };
  const disc = (centre: Point, radius: number, step: number): Point[] => {
    const out: Point[] = [];
    for (let dy = -radius; dy <= radius; dy += step) for (let dx = -radius; dx <= radius; dx += step) if (dx * dx + dy * dy <= radius * radius) out.push({ x: centre.x + dx, y: centre.y + dy });
    return out;
  };
  const step = Math.max(1, Math.round(sw / 60));
  const skin = kMeans(collect(disc({ x: body.head.x, y: body.head.y + 0.05 * sw }, 0.07 * sw, step)), 2, 10, 0.5);
  const notSkin = (c: LabTriple): boolean => nearestDistance(c, skin, 0.5) > 12;
  const axis = { x: hipMid.x - shoulderMid.x, y: hipMid.y - shoulderMid.y };
  const across = { x: (body.shoulderRight.x - body.shoulderLeft.x) / sw, y: (body.shoulderRight.y - body.shoulderLeft.y) / sw };
  const torsoPoints: Point[] = [];
  for (let t = 0.25; t <= 0.6; t += 0.02) for (let s = -0.22; s <= 0.22; s += 0.02) torsoPoints.push({ x: shoulderMid.x + axis.x * t + across.x * s * sw, y: shoulderMid.y + axis.y * t + across.y * s * sw });
  const thighPoints: Point[] = [];
  for (const hip of [body.hipLeft, body.hipRight]) {
    for (let dy = 0.3; dy <= 0.75; dy += 0.02) for (let dx = -0.1; dx <= 0.1; dx += 0.02) thighPoints.push({ x: hip.x + dx * sw, y: hip.y + dy * sw });
  }
  const lower = kMeans(collect(thighPoints, notSkin), 3);
  // Sleeves: the upper arms near the shoulders, where they are not bare.
  const sleevePoints: Point[] = [];
  for (const [s, e] of [[body.shoulderLeft, body.elbowLeft], [body.shoulderRight, body.elbowRight]] as const) {
    for (let t = 0.15; t <= 0.45; t += 0.03) for (let o = -0.06; o <= 0.06; o += 0.03) sleevePoints.push({ x: s.x + (e.x - s.x) * t + o * sw, y: s.y + (e.y - s.y) * t });
  }
  const upperSamples = collect(torsoPoints, notSkin);
  const sleeveSamples = collect(sleevePoints, notSkin);
  const upper = kMeans(upperSamples.concat(sleeveSamples.length >= 0.3 * sleevePoints.length ? sleeveSamples : []), 5);
  const hairPoints = disc(body.head, 0.7 * sw, step * 2).filter((p) => p.y < body.head.y - 0.18 * sw);
  const hairSamples = collect(hairPoints, notSkin);
  const hair = hairSamples.length >= 40 ? kMeans(hairSamples, 3) : [];
  const torsoLength = Math.hypot(axis.x, axis.y);
  const lowerTop = shoulderMid.y + 0.45 * torsoLength;
  const upperTop = body.neck.y - 0.25 * sw;
  const upperBottom = hipMid.y + 0.9 * sw;
  const hairBottom = shoulderMid.y + 1.3 * sw;
  const nearForearm = (p: Point): boolean => segmentDistance(p, body.elbowLeft, body.wristLeft) < 0.12 * sw || segmentDistance(p, body.elbowRight, body.wristRight) < 0.12 * sw;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (background[i]) { labels[i] = PARSE.background; continue; }
      const c = labAt(lab, i);
      let best: number = PARSE.other;
      let bestD = OTHER_DISTANCE;
      const consider = (label: number, centres: LabTriple[], lightWeight: number, allowed: boolean): void => {
        if (!allowed || centres.length === 0) return;
        const d = nearestDistance(c, centres, lightWeight);
        if (d < bestD) { bestD = d; best = label; }
      };
      consider(PARSE.skin, skin, 0.5, true);
      const dx = Math.abs(x - body.head.x);
      // Hair: around the head, and falling over the front of the shoulders (not out at the sleeves).
      consider(PARSE.hair, hair, 0.7, (y < shoulderMid.y - 0.1 * sw && dx < 0.9 * sw) || (y < hairBottom && dx < 0.5 * sw));
      consider(PARSE.upper, upper, 0.7, y > upperTop && y < upperBottom);
      consider(PARSE.lower, lower, 0.7, y > lowerTop && !nearForearm({ x, y }));
      labels[i] = best;
    }
  }
  const filtered = modeFilter({ width, height, labels });
  hairGrowingFromTheHead(filtered, width, height, Math.round(body.head.y + body.head.radius), upperTop, upperBottom);
  return { width, height, labels: filtered };
}

/**
 * Hair in the parse is only the hair joined (4-neighbours, through hair) to the hair above `chinRow`: a dark print,
 * neckline or seam on the clothes matches the hair's colours too but grows from no head. Such pixels are the upper
 * garment between `upperTop` and `upperBottom`, else `other` — so an old top's dark marks left on the result are
 * counted as its residue and its texture, not passed over as hair.
 */
function hairGrowingFromTheHead(labels: Uint8Array, width: number, height: number, chinRow: number, upperTop: number, upperBottom: number): void {
  const joined = new Uint8Array(width * height);
  const stack: number[] = [];
  for (let i = 0; i < Math.min(height, Math.max(0, chinRow)) * width; i++) if (labels[i] === PARSE.hair) { joined[i] = 1; stack.push(i); }
  while (stack.length > 0) {
    const i = stack.pop()!;
    const x = i % width;
    for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width]) {
      if (j < 0 || j >= labels.length || joined[j] || labels[j] !== PARSE.hair) continue;
      joined[j] = 1;
      stack.push(j);
    }
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== PARSE.hair || joined[i]) continue;
    const y = (i / width) | 0;
    labels[i] = y > upperTop && y < upperBottom ? PARSE.upper : PARSE.other;
  }
}

function mid(a: Point, b: Point): Point {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/** Lab planes blurred over 3×3 (JPEG noise and fabric grain would otherwise split colour models). */
function smoothLab(lab: LabImage): LabImage {
  const plane = (data: Float32Array): Float32Array => boxBlur({ width: lab.width, height: lab.height, data }, 1).data;
  return { width: lab.width, height: lab.height, L: plane(lab.L), a: plane(lab.a), b: plane(lab.b) };
}

/**
 * Background: pixels connected to the border whose colour is within a tolerance of the border's median colour (the
 * tolerance from the border's own spread, 6–14 ΔE), so the studio's soft gradient is followed but the person is not entered.
 */
function floodBackground(lab: LabImage): Uint8Array {
  const { width, height } = lab;
  const border: number[] = [];
  for (let x = 0; x < width; x += 3) border.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y += 3) border.push(y * width, y * width + width - 1);
  const med = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1]!;
  const bg: LabTriple = [med(border.map((i) => lab.L[i]!)), med(border.map((i) => lab.a[i]!)), med(border.map((i) => lab.b[i]!))];
  const spread = border.map((i) => Math.sqrt(labDistance2(labAt(lab, i), bg))).sort((p, q) => p - q);
  const tolerance = Math.min(14, Math.max(6, 2 * spread[Math.floor(0.9 * (spread.length - 1))]! + 3));
  const t2 = tolerance * tolerance;
  return floodFromBorder(width, height, (i) => labDistance2(labAt(lab, i), bg) <= t2);
}

/** Majority label in each 5×5 window (computed on a 2-pixel grid of votes): removes speckle at colour boundaries. */
function modeFilter(map: ParseMap): Uint8Array {
  const { width, height, labels } = map;
  const out = new Uint8Array(labels);
  const counts = new Int32Array(6);
  for (let y = 2; y < height - 2; y++) {
    for (let x = 2; x < width - 2; x++) {
      counts.fill(0);
      for (let dy = -2; dy <= 2; dy += 2) for (let dx = -2; dx <= 2; dx += 2) counts[labels[(y + dy) * width + x + dx]!]!++;
      let best = labels[y * width + x]!;
      for (let c = 0; c < 6; c++) if (counts[c]! > counts[best]!) best = c;
      out[y * width + x] = best;
    }
  }
  return out;
}

/** A 0/1 mask of the pixels with one of the given labels. */
export function maskOf(map: ParseMap, ...classes: number[]): Uint8Array {
  const set = new Set(classes);
  const out = new Uint8Array(map.labels.length);
  for (let i = 0; i < out.length; i++) if (set.has(map.labels[i]!)) out[i] = 1;
  return out;
}

/** Paints a parse map as an RGB image (for looking at it): background white, skin tan, hair brown, upper red, lower blue, other grey. */
export function parseToImage(map: ParseMap): RgbImage {
  const colours: [number, number, number][] = [[255, 255, 255], [230, 180, 140], [110, 70, 30], [220, 30, 40], [40, 70, 220], [150, 150, 150]];
  const data = new Uint8Array(map.labels.length * 3);
  for (let i = 0; i < map.labels.length; i++) data.set(colours[map.labels[i]!]!, i * 3);
  return { width: map.width, height: map.height, data };
}

/** A 0/1 mask as a float image (for SSIM windows and blurs). */
export function toFloatMask(mask: Uint8Array, width: number, height: number): ReturnType<typeof floatImage> {
  const out = floatImage(width, height);
  for (let i = 0; i < mask.length; i++) out.data[i] = mask[i]!;
  return out;
}
