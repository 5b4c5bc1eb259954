import type { UpperBody } from '../body.js';
import { segmentDistance } from '../geometry/shapes.js';
import type { Point } from '../geometry/tps.js';
import type { FloatImage, RgbImage } from '../image/raster.js';
import { boxBlur, floatImage } from '../image/raster.js';
import { ciede2000 } from '../metrics/color.js';
import { ssim } from '../metrics/ssim.js';
import { kMeans, labAt, labDistance2, nearestDistance, toLab, type LabImage, type LabTriple } from './lab.js';
import { PARSE, referenceParse, type ParseMap } from './parse.js';
import { lookMetrics, type LookMetrics } from './look-metrics.js';

/**
 * What a shopper sees in a try-on, measured against an independent parse of the input photo ({@link referenceParse})
 * and the colours of the product photo ({@link garmentPalette}), never against the pipeline's own masks or matte.
 */
export interface ShopperMetrics extends LookMetrics {
  /** Median CIEDE2000 from each output pixel of the torso core to the nearest product-photo colour (target ≤ 6). */
  garmentDeltaE: number;
  /**
   * Share of the photo's upper-garment pixels that still show the old garment outside the new one (≤ 0.03): unchanged,
   * or, along its outline, changed only part of the way (still nearer their own colour than the background or skin).
   */
  oldGarmentResidue: number;
  /** Pearson correlation of the output's visible fine lightness texture with the photo's inside the torso core (≤ 0.15). */
  showThrough: number;
  /** SSIM (R, G, B averaged) of output and photo over the lower-body garment below the new hem (≥ 0.97). */
  lowerBodySsim: number;
  /** SSIM (luma) of output and photo over the face, the neck above the collar and all hair (≥ 0.98). */
  headSsim: number;
  /**
   * Share of the torso (shoulder tops to hips, silhouette-wide, without forearms and hair) in the product's colours and
   * nearer to them than to the person's own skin (≥ 0.85): a torso repainted as skin is not covered, even when the
   * product is skin-coloured (a peach blouse reduced to a strip over painted skin matched its palette everywhere).
   */
  torsoCoverage: number;
}

/** Weighted distance (lightness at half weight: shading) under which an output pixel counts as the new garment. Default 14. */
export const GARMENT_MATCH = 14;
/** CIE76 distance under which an output pixel counts as unchanged from the photo. Default 8. */
export const UNCHANGED = 8;

/**
 * The product's colours: k-means (k = 10) over the product photo's garment pixels, found on their own (farther than
 * 10 ΔE from the border's median colour, or in the photo's central box, where a front-on product always is, so white
 * garments on white keep their colour).
 */
export function garmentPalette(garment: RgbImage): LabTriple[] {
  const lab = toLab(garment);
  const { width, height } = lab;
  const border: number[] = [];
  for (let x = 0; x < width; x += 4) border.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y += 4) border.push(y * width, y * width + width - 1);
  const med = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1]!;
  const bg: LabTriple = [med(border.map((i) => lab.L[i]!)), med(border.map((i) => lab.a[i]!)), med(border.map((i) => lab.b[i]!))];
  const samples: LabTriple[] = [];
  const step = Math.max(1, Math.round(Math.sqrt((width * height) / 12000)));
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = y * width + x;
      const c = labAt(lab, i);
      const central = x > 0.38 * width && x < 0.62 * width && y > 0.3 * height && y < 0.7 * height;
      if (central || labDistance2(c, bg) > 100) samples.push(c);
    }
  }
  return kMeans(samples, 10);
}

/** Computes {@link ShopperMetrics} for one try-on from the input photo, its pose, the product photo and the output. */
export function shopperMetrics(photo: RgbImage, body: UpperBody, garment: RgbImage, output: RgbImage, parse: ParseMap = referenceParse(photo, body)): ShopperMetrics {
  const { width, height } = photo;
  const before = smooth(toLab(photo));
  const after = smooth(toLab(output));
  const palette = garmentPalette(garment);
  const labels = parse.labels;
  const sw = body.shoulderWidth;
  const shoulderMid = mid(body.shoulderLeft, body.shoulderRight);
  const hipMid = mid(body.hipLeft, body.hipRight);
  const forearm = (p: Point): boolean => segmentDistance(p, body.elbowLeft, body.wristLeft) < 0.14 * sw || segmentDistance(p, body.elbowRight, body.wristRight) < 0.14 * sw;
  const isNew = (i: number): boolean => nearestDistance(labAt(after, i), palette, 0.5) <= GARMENT_MATCH;
  const colours = parseColours(before, labels);
  const isGarmentNotSkin = (i: number): boolean => {
    const c = labAt(after, i);
    const toProduct = nearestDistance(c, palette, 0.5);
    return toProduct <= GARMENT_MATCH && (colours.skin.length === 0 || toProduct < nearestDistance(c, colours.skin, 0.5));
  };
  // Torso core: shoulder line + 0.25 sw (below any neckline) to 75 % of the way to the hips, ±0.35 sw around the axis.
  const torsoCore = (x: number, y: number): boolean => {
    const t = (y - shoulderMid.y) / Math.max(1, hipMid.y - shoulderMid.y);
    if (y < shoulderMid.y + 0.25 * sw || t > 0.75) return false;
    const cx = shoulderMid.x + (hipMid.x - shoulderMid.x) * Math.min(1, Math.max(0, t));
    return Math.abs(x - cx) <= 0.35 * sw;
  };
  const core: number[] = [];
  const torso: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const label = labels[i]!;
      if (label === PARSE.background || label === PARSE.hair || forearm({ x, y })) continue;
      if (torsoCore(x, y) && label !== PARSE.lower) core.push(i);
      const t = (y - shoulderMid.y) / Math.max(1, hipMid.y - shoulderMid.y);
      const halfTop = 0.6 * sw;
      const cx = shoulderMid.x + (hipMid.x - shoulderMid.x) * Math.min(1, Math.max(0, t));
      if (y >= shoulderMid.y - 0.05 * sw && t <= 1 && Math.abs(x - cx) <= halfTop && label !== PARSE.lower) torso.push(i);
    }
  }
  const coreStep = Math.max(1, Math.floor(core.length / 6000));
  const deltas: number[] = [];
  for (let k = 0; k < core.length; k += coreStep) {
    const c = labAt(after, core[k]!);
    let best = Infinity;
    for (const q of palette) best = Math.min(best, ciede2000({ L: c[0], a: c[1], b: c[2] }, { L: q[0], a: q[1], b: q[2] }));
    deltas.push(best);
  }
  const upper = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === PARSE.upper) upper.push(i);
  const stillOld = oldLooking(before, after, labels, sw, palette, colours);
  let residue = 0;
  for (const i of upper) if (stillOld(i) && !isNew(i)) residue++;
  const covered = torso.filter(isGarmentNotSkin).length;
  return {
    garmentDeltaE: median(deltas),
    oldGarmentResidue: upper.length ? residue / upper.length : 0,
    showThrough: textureCorrelation(before, after, core, sw),
    lowerBodySsim: lowerSsim(photo, output, parse, body, isNew),
    headSsim: headSsim(photo, output, parse, body),
    torsoCoverage: torso.length ? covered / torso.length : 0,
    ...lookMetrics({ before, after, labels, body, isNew, isGarment: isGarmentNotSkin, stillOld, skin: colours.skin, background: colours.background, palette }),
  };
}

/** How far in from the old garment's outline (to the background or skin), in shoulder widths, its edge is. Default 0.01. */
export const OUTLINE_WIDTH = 0.01;

/**
 * Whether an output pixel of the old garment still looks like it: unchanged (within {@link UNCHANGED}), or, on the
 * garment's outline ({@link OUTLINE_WIDTH} from the background or skin), nearer to its colour in the photo than to the
 * photo's background colour, every skin and lower-garment colour of the parse (what a repaint puts there) and every
 * product colour: an old top's edge blended only part of the way into a repaint stays a thin outline of the old
 * sleeve or shoulder that the unchanged test alone does not count.
 */
function oldLooking(before: LabImage, after: LabImage, labels: Uint8Array, sw: number, palette: LabTriple[], colours: ParseColours): (i: number) => boolean {
  const { width, height } = before;
  const references = [...colours.skin, ...colours.lower, ...palette, ...colours.background];
  // The outline: garment pixels with background or skin within OUTLINE_WIDTH.
  const beside = floatImage(width, height);
  for (let i = 0; i < labels.length; i++) if (labels[i] === PARSE.background || labels[i] === PARSE.skin) beside.data[i] = 1;
  const near = boxBlur(beside, Math.max(2, Math.round(OUTLINE_WIDTH * sw)), 1).data;
  return (i) => {
    const now = labAt(after, i);
    const own = labDistance2(now, labAt(before, i));
    return own < UNCHANGED * UNCHANGED || (near[i]! > 0 && own < nearestDistance(now, references) ** 2);
  };
}

/** The input photo's own colours per parse class: its skin and lower-garment colours (k-means, k = 3) and the background's median. */
interface ParseColours {
  skin: LabTriple[];
  lower: LabTriple[];
  /** Empty when the parse found no background. */
  background: LabTriple[];
}

function parseColours(before: LabImage, labels: Uint8Array): ParseColours {
  const step = Math.max(1, Math.floor(labels.length / 40000));
  const skinSamples: LabTriple[] = [];
  const lowerSamples: LabTriple[] = [];
  const backgroundSamples: LabTriple[] = [];
  for (let i = 0; i < labels.length; i += step) {
    if (labels[i] === PARSE.skin) skinSamples.push(labAt(before, i));
    else if (labels[i] === PARSE.lower) lowerSamples.push(labAt(before, i));
    else if (labels[i] === PARSE.background) backgroundSamples.push(labAt(before, i));
  }
  const med = (k: number): number => median(backgroundSamples.map((c) => c[k]!));
  return {
    skin: kMeans(skinSamples, 3),
    lower: kMeans(lowerSamples, 3),
    background: backgroundSamples.length > 0 ? [[med(0), med(1), med(2)]] : [],
  };
}

/** Lightness detail (L* units) below which texture is not visible. Default 1. */
export const VISIBLE_DETAIL = 1;

/** Correlation of band-passed lightness (each value shrunk towards 0 by {@link VISIBLE_DETAIL}) (minus its blur over 0.08 shoulder widths) of photo and output over `pixels`. */
function textureCorrelation(before: LabImage, after: LabImage, pixels: number[], sw: number): number {
  const r = Math.max(2, Math.round(0.08 * sw));
  const detail = (lab: LabImage): Float32Array => {
    const base = boxBlur({ width: lab.width, height: lab.height, data: lab.L }, r, 2).data;
    // Detail under one lightness unit is invisible: a dead zone keeps a flat output's rounding from correlating.
    return lab.L.map((v, i) => {
      const d = v - base[i]!;
      return Math.sign(d) * Math.max(0, Math.abs(d) - VISIBLE_DETAIL);
    });
  };
  const x = detail(before);
  const y = detail(after);
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (const i of pixels) {
    const a = x[i]!;
    const b = y[i]!;
    sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b;
  }
  const n = Math.max(1, pixels.length);
  const cov = sxy / n - (sx / n) * (sy / n);
  const vx = sxx / n - (sx / n) ** 2;
  const vy = syy / n - (sy / n) ** 2;
  return vx > 1e-6 && vy > 1e-6 ? cov / Math.sqrt(vx * vy) : 0;
}

/**
 * The new hem, found in the output: going down the torso axis (±0.3 shoulder widths) from the shoulders, the last row
 * where at least half the pixels are in the product's colours. The lower-body garment is compared from 0.1 shoulder
 * widths below it (the hem's shadow line) down.
 */
function lowerSsim(photo: RgbImage, output: RgbImage, parse: ParseMap, body: UpperBody, isNew: (i: number) => boolean): number {
  const { width, height } = photo;
  const sw = body.shoulderWidth;
  const shoulderMid = mid(body.shoulderLeft, body.shoulderRight);
  const hipMid = mid(body.hipLeft, body.hipRight);
  let hem = Math.round(shoulderMid.y);
  for (let y = Math.round(shoulderMid.y + 0.3 * sw); y < Math.min(height, hipMid.y + 1.5 * sw); y++) {
    const t = Math.min(1, (y - shoulderMid.y) / Math.max(1, hipMid.y - shoulderMid.y));
    const cx = shoulderMid.x + (hipMid.x - shoulderMid.x) * t;
    let n = 0, hit = 0;
    for (let x = Math.max(0, Math.round(cx - 0.3 * sw)); x <= Math.min(width - 1, Math.round(cx + 0.3 * sw)); x += 2) {
      n++;
      if (isNew(y * width + x)) hit++;
    }
    if (hit >= 0.5 * n) hem = y;
  }
  const include = floatImage(width, height);
  const from = Math.min(height, Math.round(hem + 0.1 * sw));
  for (let i = from * width; i < include.data.length; i++) if (parse.labels[i] === PARSE.lower) include.data[i] = 1;
  let total = 0;
  for (let c = 0; c < 3; c++) total += ssim(channel(photo, c), channel(output, c), include);
  return total / 3;
}

/** SSIM of the head: skin above the neck (0.1 shoulder widths above the neck point) and every hair pixel. */
function headSsim(photo: RgbImage, output: RgbImage, parse: ParseMap, body: UpperBody): number {
  const { width, height } = photo;
  const include = floatImage(width, height);
  const neckLimit = body.neck.y - 0.1 * body.shoulderWidth;
  for (let i = 0; i < include.data.length; i++) {
    const label = parse.labels[i]!;
    if (label === PARSE.hair || (label === PARSE.skin && i / width < neckLimit)) include.data[i] = 1;
  }
  return ssim(channel(photo, -1), channel(output, -1), include);
}

/** One channel (0–2) of an RGB image, or its Rec. 601 luma (-1), as a float image. */
function channel(img: RgbImage, c: number): FloatImage {
  const out = floatImage(img.width, img.height);
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = c >= 0 ? img.data[i * 3 + c]! : 0.299 * img.data[i * 3]! + 0.587 * img.data[i * 3 + 1]! + 0.114 * img.data[i * 3 + 2]!;
  }
  return out;
}

function smooth(lab: LabImage): LabImage {
  const plane = (data: Float32Array): Float32Array => boxBlur({ width: lab.width, height: lab.height, data }, 1).data;
  return { width: lab.width, height: lab.height, L: plane(lab.L), a: plane(lab.a), b: plane(lab.b) };
}

function mid(a: Point, b: Point): Point {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((p, q) => p - q);
  return s[s.length >> 1]!;
}
