import type { UpperBody } from './body.js';
import { fabricLumas } from './fabric-light.js';
import type { FloatImage, RgbImage } from './image/raster.js';
import { skinFringeOfLower } from './wardrobe-fringe.js';
import { DEEP_SHADE, DEEP_SHADE_DISTANCE, shadeOfTheTop } from './wardrobe-shade.js';
import { WEAR } from './wear.js';

export { WEAR } from './wear.js';

/** A rectangle of the photo (the person's upper body and a margin) that the try-on works in. */
export interface Crop {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** The shopper's clothes read from the photo, inside a {@link Crop}: one {@link WEAR} label per crop pixel. */
export interface Wardrobe {
  crop: Crop;
  labels: Uint8Array;
  /**
   * Luma (0–255) of the colour model each person pixel belongs to (its fabric or skin without light and shade); the
   * pixel's own luma when it belongs to none. Dividing the photo's luma by it leaves the shading.
   */
  albedo: Float32Array;
  /** Whether a lower-body garment (trousers, skirt) was seen below the hips. */
  hasLower: boolean;
  /** Mean colour (RGB) of the person's skin, from the face. */
  skinColour: [number, number, number];
}

/**
 * The part of the photo the try-on can touch: across the arms and shoulders (± half a shoulder width), from above the
 * head down to a shoulder width below the hips.
 */
export function personCrop(body: UpperBody, width: number, height: number): Crop {
  const sw = body.shoulderWidth;
  const xs = [body.shoulderLeft.x, body.shoulderRight.x, body.elbowLeft.x, body.elbowRight.x, body.wristLeft.x, body.wristRight.x, body.hipLeft.x, body.hipRight.x];
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - 0.5 * sw));
  const x1 = Math.min(width, Math.ceil(Math.max(...xs) + 0.5 * sw));
  const y0 = Math.max(0, Math.floor(body.head.y - 1.3 * body.head.radius));
  const bottom = Math.max(body.hipLeft.y, body.hipRight.y, body.wristLeft.y, body.wristRight.y) + 1.0 * sw;
  const y1 = Math.min(height, Math.ceil(bottom));
  return { x0, y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/** Weight of the luma difference in the colour distance (shading changes luma most). Default 0.5. */
export const LUMA_WEIGHT = 0.5;
/** A person pixel farther than this from every colour model is `other`. Default 40 (opponent-colour units, 0–255 scale). */
export const OTHER_DISTANCE = 40;
/**
 * Where hair may fall, an unmatched pixel nearer the old top's colours than to skin, hair and the lower garment, and
 * within this distance of them, is the top in shadow (not a hair end). Default 80 (twice {@link OTHER_DISTANCE}).
 */
export const TOP_SHADE_DISTANCE = 80;
/** Half width of the front of the neck, below the chin, through which hair is not joined to the head's, in shoulder widths. Default 0.2. */
export const THROAT_HALF_WIDTH = 0.2;
/** A torso or thigh sample this close to a skin colour is skin, not fabric. Default 22. */
export const SKIN_SAMPLE_DISTANCE = 22;

/** Opponent colour of an RGB triple: luma, red–green, yellow–blue (written into `out` at `o`). */
function opponent(r: number, g: number, b: number, out: Float32Array, o: number): void {
  out[o] = 0.299 * r + 0.587 * g + 0.114 * b;
  out[o + 1] = r - g;
  out[o + 2] = 0.5 * (r + g) - b;
}

/** Squared weighted distance between two opponent colours stored in arrays. */
function dist2(a: Float32Array, i: number, b: Float32Array, j: number): number {
  const dl = (a[i]! - b[j]!) * LUMA_WEIGHT;
  const da = a[i + 1]! - b[j + 1]!;
  const db = a[i + 2]! - b[j + 2]!;
  return dl * dl + da * da + db * db;
}

/**
 * k-means (k-means++ seeding from a fixed-seed generator) on opponent colours stored three to a sample; returns the
 * centres (three numbers each) of clusters holding at least 3 % of the samples.
 */
export function clusterColours(samples: Float32Array, k: number, iterations = 8, counts?: number[]): Float32Array {
  const n = samples.length / 3;
  if (n === 0) return new Float32Array(0);
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const kk = Math.min(k, n);
  const centres = new Float32Array(kk * 3);
  const first = Math.floor(random() * n);
  centres.set(samples.subarray(first * 3, first * 3 + 3), 0);
  const nearest = new Float64Array(n).fill(Infinity);
  let count = 1;
  while (count < kk) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, dist2(samples, i * 3, centres, (count - 1) * 3));
      total += nearest[i]!;
    }
    if (total === 0) break;
    let pick = random() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      pick -= nearest[i]!;
      if (pick <= 0) { chosen = i; break; }
    }
    centres.set(samples.subarray(chosen * 3, chosen * 3 + 3), count * 3);
    count++;
  }
  const assign = new Int32Array(n);
  const sums = new Float64Array(count * 4);
  for (let it = 0; it < iterations; it++) {
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < count; c++) {
        const d = dist2(samples, i * 3, centres, c * 3);
        if (d < bestD) { bestD = d; best = c; }
      }
      assign[i] = best;
      sums[best * 4]! += samples[i * 3]!;
      sums[best * 4 + 1]! += samples[i * 3 + 1]!;
      sums[best * 4 + 2]! += samples[i * 3 + 2]!;
      sums[best * 4 + 3]! += 1;
    }
    for (let c = 0; c < count; c++) {
      const m = sums[c * 4 + 3]!;
      if (m > 0) for (let j = 0; j < 3; j++) centres[c * 3 + j] = sums[c * 4 + j]! / m;
    }
  }
  const kept: number[] = [];
  for (let c = 0; c < count; c++) if (sums[c * 4 + 3]! >= 0.03 * n) kept.push(c);
  const out = new Float32Array(kept.length * 3);
  kept.forEach((c, j) => out.set(centres.subarray(c * 3, c * 3 + 3), j * 3));
  if (counts) for (const c of kept) counts.push(sums[c * 4 + 3]!);
  return out;
}

/** Smallest squared distance from the colour at `colour[o]` to any centre, and that centre's index (in `found`). */
function nearestCentre(colour: Float32Array, o: number, centres: Float32Array, found: Int32Array): number {
  let best = Infinity;
  for (let c = 0; c < centres.length; c += 3) {
    const d = dist2(colour, o, centres, c);
    if (d < best) { best = d; found[0] = c; }
  }
  return best;
}

/**
 * Reads the shopper's clothes from the photo inside `crop`: colour models (k-means in an opponent colour space) for
 * skin from the face, hair from above the face, the upper garment from the middle of the torso and the upper arms,
 * and the lower garment from the thighs, placed with the pose keypoints; every person pixel (segmentation mask > 0.5)
 * takes the nearest model within {@link OTHER_DISTANCE}, each class limited to where it can be (no lower garment
 * above the waist, hair only around the head and falling over the shoulders).
 */
export function readWardrobe(photo: RgbImage, mask: FloatImage, body: UpperBody, crop: Crop): Wardrobe {
  const { width: cw, height: ch } = crop;
  const W = photo.width;
  const data = photo.data;
  const sw = body.shoulderWidth;
  const smx = (body.shoulderLeft.x + body.shoulderRight.x) / 2;
  const smy = (body.shoulderLeft.y + body.shoulderRight.y) / 2;
  const hmx = (body.hipLeft.x + body.hipRight.x) / 2;
  const hmy = (body.hipLeft.y + body.hipRight.y) / 2;
  const step = Math.max(1, Math.round(sw / 60));
  const scratch = new Float32Array(3);
  const sample = (points: number[], skin?: Float32Array): Float32Array => {
    const out: number[] = [];
    const found = new Int32Array(1);
    for (let k = 0; k < points.length; k += 2) {
      const x = Math.round(points[k]!);
      const y = Math.round(points[k + 1]!);
      if (x < 0 || y < 0 || x >= W || y >= photo.height || mask.data[y * W + x]! <= 0.5) continue;
      const p = (y * W + x) * 3;
      opponent(data[p]!, data[p + 1]!, data[p + 2]!, scratch, 0);
      if (skin && skin.length && nearestCentre(scratch, 0, skin, found) < SKIN_SAMPLE_DISTANCE ** 2) continue;
      out.push(scratch[0]!, scratch[1]!, scratch[2]!);
    }
    return Float32Array.from(out);
  };
  const disc = (cx: number, cy: number, r: number, s: number, keep: (y: number) => boolean = () => true): number[] => {
    const out: number[] = [];
    for (let dy = -r; dy <= r; dy += s) for (let dx = -r; dx <= r; dx += s) if (dx * dx + dy * dy <= r * r && keep(cy + dy)) out.push(cx + dx, cy + dy);
    return out;
  };
  const faceSamples = sample(disc(body.head.x, body.head.y + 0.05 * sw, 0.07 * sw, step));
  const skinCounts: number[] = [];
  const skin = clusterColours(faceSamples, 2, 8, skinCounts);
  const torso: number[] = [];
  const ax = hmx - smx;
  const ay = hmy - smy;
  const ux = (body.shoulderRight.x - body.shoulderLeft.x) / sw;
  const uy = (body.shoulderRight.y - body.shoulderLeft.y) / sw;
  for (let t = 0.25; t <= 0.6; t += 0.025) for (let s = -0.22; s <= 0.22; s += 0.025) torso.push(smx + ax * t + ux * s * sw, smy + ay * t + uy * s * sw);
  const sleevePts: number[] = [];
  for (const [s, e] of [[body.shoulderLeft, body.elbowLeft], [body.shoulderRight, body.elbowRight]] as const) {
    for (let t = 0.15; t <= 0.45; t += 0.03) for (let o = -0.06; o <= 0.06; o += 0.03) sleevePts.push(s.x + (e.x - s.x) * t + o * sw, s.y + (e.y - s.y) * t);
  }
  const torsoSamples = sample(torso, skin);
  const sleeveSamples = sample(sleevePts, skin);
  const topSamples = new Float32Array(torsoSamples.length + (sleeveSamples.length >= 0.3 * sleevePts.length * 1.5 ? sleeveSamples.length : 0));
  topSamples.set(torsoSamples, 0);
  if (topSamples.length > torsoSamples.length) topSamples.set(sleeveSamples, torsoSamples.length);
  const topCounts: number[] = [];
  const top = clusterColours(topSamples, 5, 8, topCounts);
  const thighs: number[] = [];
  for (const hip of [body.hipLeft, body.hipRight]) {
    for (let dy = 0.3; dy <= 0.75; dy += 0.025) for (let dx = -0.1; dx <= 0.1; dx += 0.025) thighs.push(hip.x + dx * sw, hip.y + dy * sw);
  }
  const lowerSamples = sample(thighs, skin);
  const lowerCounts: number[] = [];
  const lower = lowerSamples.length >= 0.25 * (thighs.length / 2) ? clusterColours(lowerSamples, 3, 8, lowerCounts) : new Float32Array(0);
  const hairCounts: number[] = [];
  const hairSamples = sample(disc(body.head.x, body.head.y, 0.7 * sw, step * 2, (y) => y < body.head.y - 0.18 * sw), skin);
  const hair = hairSamples.length >= 120 ? clusterColours(hairSamples, 3, 8, hairCounts) : new Float32Array(0);
  const torsoLength = Math.hypot(ax, ay);
  const lowerTop = smy + 0.45 * torsoLength;
  const topTop = body.neck.y - 0.25 * sw;
  const topBottom = hmy + 0.9 * sw;
  const hairBottom = smy + 1.3 * sw;
  const labels = new Uint8Array(cw * ch);
  const albedo = new Float32Array(cw * ch);
  // Colours are classified once per 5-bit-per-channel cell and per set of classes allowed at the pixel (a lookup
  // table filled on demand): a photo has far fewer distinct cells than pixels.
  const models: [number, Float32Array, Float32Array][] = [[WEAR.hair, hair, fabricLumas(hair, hairCounts)], [WEAR.top, top, fabricLumas(top, topCounts)], [WEAR.lower, lower, fabricLumas(lower, lowerCounts)]];
  const skinLumas = fabricLumas(skin, skinCounts);
  const lutLabel = new Uint8Array(8 << 15).fill(255);
  const lutAlbedo = new Float32Array(8 << 15);
  const colour = new Float32Array(3);
  const found = new Int32Array(1);
  const other2 = OTHER_DISTANCE * OTHER_DISTANCE;
  const topShade2 = TOP_SHADE_DISTANCE * TOP_SHADE_DISTANCE;
  const deepShade2 = DEEP_SHADE_DISTANCE * DEEP_SHADE_DISTANCE;
  const classify = (key: number): void => {
    const allowed = key >> 15;
    const q = key & 0x7fff;
    opponent(((q >> 10) << 3) + 4, (((q >> 5) & 31) << 3) + 4, ((q & 31) << 3) + 4, colour, 0);
    let best: number = WEAR.other;
    let bestD = other2;
    let bestLuma = colour[0]!;
    // Each model's distance (Infinity where it is not allowed or empty): skin, hair, top, lower.
    const modelD = [Infinity, Infinity, Infinity, Infinity];
    if (skin.length) {
      const d = nearestCentre(colour, 0, skin, found);
      modelD[0] = d;
      if (d < bestD) { bestD = d; best = WEAR.skin; bestLuma = skinLumas[found[0]! / 3]!; }
    }
    for (let m = 0; m < 3; m++) {
      const [label, centres, lumas] = models[m]!;
      if (!(allowed & (1 << m)) || centres.length === 0) continue;
      const d = nearestCentre(colour, 0, centres, found);
      modelD[m + 1] = d;
      if (d < bestD) { bestD = d; best = label; bestLuma = lumas[found[0]! / 3]!; }
    }
    // The old top's shadows, seams and print match no model well: unmatched pixels where a top is worn are the top.
    // Where hair may fall (the ends of the hair match no model either) only a deep shade of the top's own colours is:
    // the top's model nearest, within TOP_SHADE_DISTANCE (a saturated top's shaded side, e.g. an orange tank's).
    if (best === WEAR.other && allowed & 2 && top.length) {
      const dTop = modelD[2]!;
      const shade = dTop < topShade2 && dTop < modelD[0]! && dTop < modelD[1]! && dTop < modelD[3]!;
      if (!(allowed & 1) || shade) { best = WEAR.top; bestLuma = colour[0]!; }
      // Darker still, nearest the top's colours: the top in deep shadow or a hair end, told apart by what it joins.
      else if (dTop < deepShade2 && dTop < modelD[0]! && dTop < modelD[1]! && dTop < modelD[3]!) { best = DEEP_SHADE; bestLuma = colour[0]!; }
    }
    lutLabel[key] = best;
    lutAlbedo[key] = Math.max(8, bestLuma);
  };
  labelPixels(photo, mask, crop, { headX: body.head.x, sw, hairRowEnd: smy - 0.1 * sw, hairBottom, topTop, topBottom, lowerTop }, lutLabel, lutAlbedo, classify, labels, albedo);
  const skinColour: [number, number, number] = [0, 0, 0];
  const faceN = faceSamples.length / 3;
  if (faceN > 0) {
    // Back from opponent colour to RGB: mean luma, red–green and yellow–blue of the face.
    let l = 0, a = 0, b = 0;
    for (let k = 0; k < faceSamples.length; k += 3) { l += faceSamples[k]!; a += faceSamples[k + 1]!; b += faceSamples[k + 2]!; }
    l /= faceN; a /= faceN; b /= faceN;
    const solve = solveRgb(l, a, b);
    skinColour[0] = solve[0]; skinColour[1] = solve[1]; skinColour[2] = solve[2];
  }
  shadeOfTheTop(labels, cw, ch);
  const smoothed = majority(labels, cw, ch);
  skinFringeOfLower(smoothed, cw, ch, sw);
  hairFromTheHead(smoothed, cw, ch, Math.round(body.head.y + body.head.radius) - crop.y0, Math.round(topTop) - crop.y0, Math.round(topBottom) - crop.y0, { x: body.neck.x - crop.x0, halfWidth: THROAT_HALF_WIDTH * sw });
  return { crop, labels: smoothed, albedo, hasLower: lower.length > 0, skinColour };
}

/**
 * Hair is only hair when it grows from the head: hair pixels not joined (4-neighbours, through hair) to the hair
 * above `seedRow` (the chin) are something dark on the clothes — an old top's neckline or seam, a print's dark outline
 * — and become the old top where a top may be (rows `topTop`–`topBottom`), else `other`. Hair falling over the
 * shoulders and chest stays hair: it is joined to the head's. With `throat` (crop column and half width), hair below
 * the chin is not joined through the front of the neck (its shadow matches dark hair).
 */
export function hairFromTheHead(labels: Uint8Array, cw: number, ch: number, seedRow: number, topTop: number, topBottom: number, throat?: { x: number; halfWidth: number }): void {
  const hair = WEAR.hair;
  // Below the chin, hair does not grow down the front of the neck: the neck's shadow there matches dark hair and
  // joined an old top's dark neckline to the head.
  const blocked = new Uint8Array(cw * ch);
  if (throat) {
    const from = Math.max(0, Math.ceil(throat.x - throat.halfWidth));
    const to = Math.min(cw - 1, Math.floor(throat.x + throat.halfWidth));
    for (let y = Math.max(0, seedRow); y < ch; y++) if (to >= from) blocked.fill(1, y * cw + from, y * cw + to + 1);
  }
  const reached = new Uint8Array(cw * ch);
  const queue = new Int32Array(cw * ch);
  let tail = 0;
  const seedEnd = Math.min(ch, Math.max(0, seedRow)) * cw;
  for (let i = 0; i < seedEnd; i++) if (labels[i] === hair) { reached[i] = 1; queue[tail++] = i; }
  const n = cw * ch;
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    const x = i % cw;
    if (x > 0 && !reached[i - 1] && !blocked[i - 1] && labels[i - 1] === hair) { reached[i - 1] = 1; queue[tail++] = i - 1; }
    if (x < cw - 1 && !reached[i + 1] && !blocked[i + 1] && labels[i + 1] === hair) { reached[i + 1] = 1; queue[tail++] = i + 1; }
    if (i >= cw && !reached[i - cw] && !blocked[i - cw] && labels[i - cw] === hair) { reached[i - cw] = 1; queue[tail++] = i - cw; }
    if (i + cw < n && !reached[i + cw] && !blocked[i + cw] && labels[i + cw] === hair) { reached[i + cw] = 1; queue[tail++] = i + cw; }
  }
  for (let y = 0, i = 0; y < ch; y++) {
    const onTop = y > topTop && y < topBottom;
    for (let x = 0; x < cw; x++, i++) if (labels[i] === hair && !reached[i]) labels[i] = onTop ? WEAR.top : WEAR.other;
  }
}

/** Rows and columns where each class may be (photo coordinates): see {@link readWardrobe}. */
interface ClassZones {
  headX: number; sw: number; hairRowEnd: number; hairBottom: number; topTop: number; topBottom: number; lowerTop: number;
}

/** Labels (and albedo) every person pixel of the crop through the lookup tables, classifying new colours on demand. */
function labelPixels(photo: RgbImage, mask: FloatImage, crop: Crop, z: ClassZones, lutLabel: Uint8Array, lutAlbedo: Float32Array, classify: (key: number) => void, labels: Uint8Array, albedo: Float32Array): void {
  const { x0, y0, width: cw, height: ch } = crop;
  const W = photo.width;
  const data = photo.data;
  const mk = mask.data;
  const { headX, sw, hairRowEnd, hairBottom, topTop, topBottom, lowerTop } = z;
  for (let y = 0; y < ch; y++) {
    const py = y + y0;
    const hairRow = py < hairRowEnd;
    const hairFall = py < hairBottom;
    const rowBits = (py > topTop && py < topBottom ? 2 : 0) | (py > lowerTop ? 4 : 0);
    let i = py * W + x0;
    let c = y * cw;
    for (let x = 0; x < cw; x++, i++, c++) {
      if (mk[i]! <= 0.5) continue; // background (0)
      const dx = Math.abs(x + x0 - headX);
      const bits = rowBits | ((hairRow && dx < 0.9 * sw) || (hairFall && dx < 0.5 * sw) ? 1 : 0);
      const p = i * 3;
      const key = (bits << 15) | ((data[p]! >> 3) << 10) | ((data[p + 1]! >> 3) << 5) | (data[p + 2]! >> 3);
      if (lutLabel[key] === 255) classify(key);
      labels[c] = lutLabel[key]!;
      albedo[c] = lutAlbedo[key]!;
    }
  }
}

/** RGB from opponent colour (luma, r − g, (r + g)/2 − b), clamped to 0–255. */
function solveRgb(l: number, a: number, bb: number): [number, number, number] {
  // r = g + a; blue = (r + g)/2 − bb = g + a/2 − bb; luma = 0.299(g + a) + 0.587g + 0.114(g + a/2 − bb) = g + 0.356a − 0.114bb.
  const g = l - 0.356 * a + 0.114 * bb;
  const r = g + a;
  const b = g + a / 2 - bb;
  const clamp = (v: number): number => Math.min(255, Math.max(0, v));
  return [clamp(r), clamp(g), clamp(b)];
}

/** Majority label over each pixel's 3×3 neighbourhood sampled every other pixel (removes speckle at colour edges). */
function majority(labels: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(labels);
  const counts = new Int32Array(6);
  for (let y = 2; y < h - 2; y++) {
    for (let x = 2; x < w - 2; x++) {
      const i = y * w + x;
      const own = labels[i]!;
      // Fast path: all four diagonal neighbours agree with the pixel.
      if (labels[i - 2 * w - 2] === own && labels[i + 2 * w + 2] === own && labels[i - 2 * w + 2] === own && labels[i + 2 * w - 2] === own) continue;
      counts.fill(0);
      for (let dy = -2; dy <= 2; dy += 2) for (let dx = -2; dx <= 2; dx += 2) counts[labels[i + dy * w + dx]!]!++;
      let best = own;
      for (let c = 0; c < 6; c++) if (counts[c]! > counts[best]!) best = c;
      out[i] = best;
    }
  }
  return out;
}
