import { TryOnInputError } from './errors.js';
import { decontaminateEdge } from './garment-edge.js';
import { findHangingSleeves } from './garment-hanging.js';
import { fillLeakedHoles } from './garment-holes.js';
import { removeInnerBack } from './garment-back.js';
import { removeNeckLabel } from './garment-neck.js';
import type { FloatImage, RgbImage } from './image/raster.js';
import { boxBlur, floatImage } from './image/raster.js';
import type { Point } from './geometry/tps.js';

/** A garment cut out of its product photo: the soft matte and the landmarks the warp anchors on (photo pixels). */
export interface GarmentCutout {
  /** The garment's colours: the product photo with the background taken out of the edge band ({@link decontaminateEdge}). */
  image: RgbImage;
  /** The product photo as decoded (what the shopper's-eye metrics compare against). */
  photo: RgbImage;
  /** 0–1 matte: 1 on the garment, 0 on the background. */
  alpha: FloatImage;
  landmarks: GarmentLandmarks;
}

/** Garment landmarks in product-photo pixels; "left" means the left of the image (the wearer's right). */
export interface GarmentLandmarks {
  neck: Point;
  shoulderLeft: Point;
  shoulderRight: Point;
  /** Where the sleeve meets the body under the arm; undefined for sleeveless garments. */
  armpitLeft?: Point;
  armpitRight?: Point;
  /** Centre of the sleeve opening (cuff); undefined for sleeveless garments. */
  sleeveLeft?: Point;
  sleeveRight?: Point;
  /**
   * Where the sleeve's centre line meets the body: on the line from the cuff through the middle (centroid) of the
   * sleeve's pixels, the point nearest the armhole's middle (between shoulder and armpit), for long sleeves (see
   * {@link LONG_SLEEVE}); the armhole's middle for short ones. A hanging long sleeve's axis runs along the sleeve, not along
   * its inner edge. Undefined for sleeveless garments.
   */
  sleeveRootLeft?: Point;
  sleeveRootRight?: Point;
  hemLeft: Point;
  hemRight: Point;
  /**
   * Last row of a bodysuit's crotch: the body panel going on below the hem, centred and narrowing to a gusset. Worn,
   * it is tucked into the lower-body garment, so it is not drawn. Undefined for tops.
   */
  crotchBottom?: number;
  /** Body (torso) column range: source pixels left of `bodyLeft` or right of `bodyRight` are sleeve. */
  bodyLeft: number;
  bodyRight: number;
}

/** Share of a garment's pixels within twice the tolerance of the background's colour from which leaks are looked for ({@link fillLeakedHoles}). Default 0.02. */
export const LEAK_PRONE_SHARE = 0.02;

/** Upper bound of the background tolerance (RGB distance, 0–441). Default 30. */
export const MAX_BACKGROUND_TOLERANCE = 30;

/**
 * Cuts the garment out of a product photo on a light, plain background: the background colour is the median of the
 * border pixels, and background is everything connected to the border whose colour stays within a tolerance of it
 * (a flood fill, so light parts inside the garment are kept). The tolerance adapts to the background's own noise:
 * 1.5 × the 90th percentile of the border pixels' distance to the background colour + 5, at most
 * {@link MAX_BACKGROUND_TOLERANCE} (studio backgrounds are flat, so off-white garments on white still separate). Throws `no_garment` when nothing garment-sized remains.
 * A bodysuit's crotch is taken off the matte (it is worn tucked in) unless `keepCrotch` (product images show all of it).
 */
export function cutOutGarment(image: RgbImage, options: { keepCrotch?: boolean } = {}): GarmentCutout {
  const { width, height } = image;
  const { colour: bg, noise } = borderStatistics(image);
  const tolerance = Math.min(MAX_BACKGROUND_TOLERANCE, 1.5 * noise + 5);
  const t2 = tolerance * tolerance;
  const isBackground = backgroundFill(image, bg, t2);
  const hard = floatImage(width, height);
  let area = 0;
  // Garment pixels of nearly the background's colour: only through those can the fill have leaked into the garment.
  const like2 = 4 * t2;
  let backgroundLike = 0;
  for (let i = 0, p = 0; i < hard.data.length; i++, p += 3) {
    if (isBackground[i]) continue;
    hard.data[i] = 1;
    area++;
    const dr = image.data[p]! - bg[0], dg = image.data[p + 1]! - bg[1], db = image.data[p + 2]! - bg[2];
    if (dr * dr + dg * dg + db * db <= like2) backgroundLike++;
  }
  if (area < 0.03 * width * height) {
    throw new TryOnInputError('no_garment', 'No garment could be found in the product image (it needs a plain, light background).');
  }
  // A white ruffle on a white background: the fill leaked into the garment through its pores; give that back (a
  // garment with next to nothing of the background's colour has no pores to leak through: skipped, it costs ~50 ms).
  if (backgroundLike >= LEAK_PRONE_SHARE * area) fillLeakedHoles(hard);
  const landmarks = findLandmarks(hard);
  if (landmarks.crotchBottom !== undefined && !options.keepCrotch) {
    // The crotch is worn inside the trousers: take it off the matte (the centre run of every row below the hem).
    const centre = (landmarks.bodyLeft + landmarks.bodyRight) / 2;
    const hemY = Math.round(Math.max(landmarks.hemLeft.y, landmarks.hemRight.y));
    for (let y = hemY + 1; y <= landmarks.crotchBottom; y++) {
      const run = centreRun(hard, y, centre);
      if (run) hard.data.fill(0, y * width + run.left, y * width + run.right + 1);
    }
  }
  const alpha = boxBlur(hard, 1, 1);
  const colours = decontaminateEdge(image, hard, alpha, bg);
  // The label inside the back of the neck is not worn on the chest.
  const neckWindow = { centre: landmarks.neck.x, top: landmarks.neck.y, bodyWidth: landmarks.bodyRight - landmarks.bodyLeft };
  removeNeckLabel(colours, alpha, neckWindow);
  // Nor is the inside of the back seen through the neck opening (it lies behind the neck).
  removeInnerBack(colours, alpha, neckWindow);
  return { image: colours, photo: image, alpha, landmarks };
}

/**
 * The background: pixels within `t2` (squared RGB distance) of the background colour `bg` connected to the border
 * without crossing an edge wall ({@link edgeWalls}), then the background-coloured pixels next to it peeled off twice.
 */
function backgroundFill(image: RgbImage, bg: [number, number, number], t2: number): Uint8Array {
  const { width, height, data } = image;
  const n = width * height;
  // Background-coloured pixels (1) and, of those, the ones the fill may enter (2: not on an edge wall).
  const walls = edgeWalls(image);
  const open = new Uint8Array(n);
  const [br, bgG, bb] = bg;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const dr = data[p]! - br;
    const dg = data[p + 1]! - bgG;
    const db = data[p + 2]! - bb;
    if (dr * dr + dg * dg + db * db <= t2) open[i] = walls[i] ? 1 : 2;
  }
  const isBackground = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const push = (i: number): void => {
    if (isBackground[i] || open[i] !== 2) return;
    isBackground[i] = 1;
    queue[tail++] = i;
  };
  for (let x = 0; x < width; x++) { push(x); push((height - 1) * width + x); }
  for (let y = 0; y < height; y++) { push(y * width); push(y * width + width - 1); }
  const lastRow = width * (height - 1);
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % width;
    if (x > 0 && !isBackground[i - 1] && open[i - 1] === 2) { isBackground[i - 1] = 1; queue[tail++] = i - 1; }
    if (x < width - 1 && !isBackground[i + 1] && open[i + 1] === 2) { isBackground[i + 1] = 1; queue[tail++] = i + 1; }
    if (i >= width && !isBackground[i - width] && open[i - width] === 2) { isBackground[i - width] = 1; queue[tail++] = i - width; }
    if (i < lastRow && !isBackground[i + width] && open[i + width] === 2) { isBackground[i + width] = 1; queue[tail++] = i + width; }
  }
  // The edge walls keep the fill one or two pixels off the outline: peel those background-coloured pixels off again.
  for (let pass = 0; pass < 2; pass++) {
    let peeled = 0;
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        if (isBackground[i] || !open[i]) continue;
        if ((x > 0 && isBackground[i - 1]) || (x < width - 1 && isBackground[i + 1]) || (y > 0 && isBackground[i - width]) || (y < height - 1 && isBackground[i + width])) queue[peeled++] = i;
      }
    }
    for (let k = 0; k < peeled; k++) isBackground[queue[k]!] = 1;
  }
  return isBackground;
}

/** Luma step between neighbours at and above which a pixel is an edge the background fill may not cross. Default 6. */
export const EDGE_STEP = 6;

/**
 * Edge pixels (luma step to the right or below of at least {@link EDGE_STEP}), grown by one pixel so the fill cannot
 * slip through one-pixel gaps: a garment's outline stops the background fill even where the fabric is nearly the
 * background's colour (white on off-white).
 */
function edgeWalls(image: RgbImage): Uint8Array {
  const { width, height, data } = image;
  const luma = new Float32Array(width * height);
  for (let i = 0; i < luma.length; i++) luma[i] = 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!;
  const edge = new Uint8Array(width * height);
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      const i = y * width + x;
      if (Math.abs(luma[i]! - luma[i + 1]!) >= EDGE_STEP || Math.abs(luma[i]! - luma[i + width]!) >= EDGE_STEP) edge[i] = 1;
    }
  }
  const walls = new Uint8Array(width * height);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      if (edge[i] || edge[i - 1] || edge[i + 1] || edge[i - width] || edge[i + width]) walls[i] = 1;
    }
  }
  return walls;
}

function borderStatistics(image: RgbImage): { colour: [number, number, number]; noise: number } {
  const { width, height, data } = image;
  const samples: number[] = [];
  for (let x = 0; x < width; x += 2) samples.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y += 2) samples.push(y * width, y * width + width - 1);
  const colour = [0, 1, 2].map((c) => median(samples.map((i) => data[i * 3 + c]!))) as [number, number, number];
  const distances = samples.map((i) => Math.hypot(data[i * 3]! - colour[0], data[i * 3 + 1]! - colour[1], data[i * 3 + 2]! - colour[2]));
  distances.sort((a, b) => a - b);
  return { colour, noise: distances[Math.floor(0.9 * (distances.length - 1))]! };
}

/** A body panel going on below the hem for at least this fraction of the garment's height is a crotch. Default 0.08. */
export const CROTCH_MIN_LENGTH = 0.08;

/** A sleeve longer than this many body-panel widths (armhole middle to cuff) is a long sleeve. Default 0.8. */
export const LONG_SLEEVE = 0.8;

/** Row extents (first and last garment column) of a hard mask; -1 when the row is empty. */
function rowExtents(mask: FloatImage): { left: Int32Array; right: Int32Array } {
  const { width, height } = mask;
  const left = new Int32Array(height).fill(-1);
  const right = new Int32Array(height).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (mask.data[y * width + x]! > 0.5) { if (left[y] === -1) left[y] = x; right[y] = x; }
  }
  return { left, right };
}

/** One horizontal run of garment pixels in a row. */
interface Run { left: number; right: number }

function centreRun(mask: FloatImage, y: number, cx: number): Run | undefined {
  const row = y * mask.width;
  const c = Math.round(cx);
  if (mask.data[row + c]! <= 0.5) return undefined;
  let left = c;
  let right = c;
  while (left > 0 && mask.data[row + left - 1]! > 0.5) left--;
  while (right < mask.width - 1 && mask.data[row + right + 1]! > 0.5) right++;
  return { left, right };
}

/**
 * Landmarks from the silhouette of a front-facing flat garment. The body panel is the run of pixels through the
 * centre column: its median extents over the middle rows (45–85 % of the height) are the body columns, and the hem is
 * the last row, going down from 45 % of the height, where that run is still at least 60 % that wide (so ties, straps
 * and a bodysuit's crotch below are ignored). Shoulders are the first rows,
 * going down, with garment near the body columns; sleeves are the garment pixels outside the body columns between
 * shoulder and hem (their farthest part from the sleeve root is the cuff, whether sleeves stick out or hang down), and
 * the armpit is where the body panel's outline returns to the body column below the shoulder. Long sleeves hanging
 * down along the body and touching it ({@link findHangingSleeves}) are told apart from the body panel by their cuffs:
 * the body columns are then the shoulder seams', and the sleeves lie beyond the lines from the seams down to the hem.
 */
export function findLandmarks(mask: FloatImage): GarmentLandmarks {
  const { left, right } = rowExtents(mask);
  let top = 0;
  while (top < mask.height && left[top] === -1) top++;
  let bottom = mask.height - 1;
  while (bottom > top && left[bottom] === -1) bottom--;
  const h = bottom - top;
  let cx = 0;
  let count = 0;
  for (let y = top; y <= bottom; y += 2) for (let x = 0; x < mask.width; x += 2) if (mask.data[y * mask.width + x]! > 0.5) { cx += x; count++; }
  cx = count ? cx / count : mask.width / 2;
  const runs = range(Math.round(top + 0.45 * h), Math.round(top + 0.85 * h)).map((y) => centreRun(mask, y, cx)).filter((r): r is Run => !!r);
  let bodyLeft = median(runs.map((r) => r.left));
  let bodyRight = median(runs.map((r) => r.right));
  let bodyW = Math.max(1, bodyRight - bodyLeft);
  const centre = (bodyLeft + bodyRight) / 2;
  // Going down from the middle of the body, the hem is the last row before the body panel stops or narrows below 60 %
  // of its width: straps, ties and a bodysuit's crotch hanging below do not lengthen the garment.
  let hemY = Math.round(top + 0.45 * h);
  for (let y = hemY; y <= bottom; y++) {
    const r = centreRun(mask, y, centre);
    if (!r || r.right - r.left < 0.6 * bodyW) break;
    hemY = y;
  }
  const hemRun = centreRun(mask, hemY, centre) ?? { left: bodyLeft, right: bodyRight };
  // A bodysuit: the panel goes on below the hem for a while, centred, and ends in a gusset (not a point, as a wrap's tip).
  const widths: number[] = [];
  for (let y = hemY + 1; y <= bottom; y++) {
    const r = centreRun(mask, y, centre);
    if (!r || Math.abs((r.left + r.right) / 2 - centre) > 0.1 * bodyW) break;
    widths.push(r.right - r.left);
  }
  // The gusset's width, a little above its rounded end.
  const gusset = widths[Math.floor(0.8 * (widths.length - 1))] ?? 0;
  const crotchBottom = widths.length >= CROTCH_MIN_LENGTH * h && gusset >= 0.12 * bodyW ? hemY + widths.length : undefined;
  let slack = 0.04 * bodyW;
  /**
   * One side's shoulder, armpit, cuff and sleeve root; `edge` is the body panel's side at a row (beyond it is sleeve):
   * the body column, or for sleeves hanging along the body (`hangs`) the line from the seam at the armpit down to the
   * hem's corner; such a sleeve's cap may lie within the margin near the top, so its rows do not end at an empty row.
   */
  const side = (sign: 1 | -1, body: number, edge: (y: number) => number = () => body, hangs = false) => {
    // First row with garment within 15 % of the body width of this side's body column.
    let shoulderY = top;
    const near = (y: number): boolean => {
      for (let x = Math.max(0, Math.round(body - 0.15 * bodyW)); x <= Math.min(mask.width - 1, Math.round(body + 0.15 * bodyW)); x++) {
        if (mask.data[y * mask.width + x]! > 0.5) return true;
      }
      return false;
    };
    while (shoulderY < hemY && !near(shoulderY)) shoulderY++;
    const shoulder = { x: body, y: shoulderY };
    // The armpit: where the body panel's outline, having gone out along an attached sleeve, comes back to the body
    // column. Sleeves that hang apart from the body never go out: assume a typical armhole depth then.
    let armpitY = shoulderY + Math.round(0.3 * bodyW);
    let wentOut = false;
    for (let y = shoulderY; y < hemY; y++) {
      const r = centreRun(mask, y, centre);
      const ext = r ? (sign === 1 ? r.left : r.right) : body;
      if (sign * (body - ext) > 0.1 * bodyW) wentOut = true;
      else if (wentOut && sign * (body - ext) <= slack) { armpitY = y; break; }
    }
    // Sleeve pixels: outside the body column (beyond the slack), between the shoulder and the hem.
    const pixels: Point[] = [];
    // Rows of sleeve run down from the shoulder until the first empty row below the armpit (a short sleeve ends at
    // the armpit, a hanging long sleeve goes on to its cuff; a flared hem further down is not a sleeve).
    for (let y = shoulderY; y <= hemY; y += 2) {
      let found = 0;
      const e = edge(y);
      for (let x = 0; x < mask.width; x += 2) if (sign * (e - x) > 0.1 * bodyW && mask.data[y * mask.width + x]! > 0.5) { pixels.push({ x, y }); found++; }
      if (found === 0 && y > armpitY && !hangs) break;
    }
    if (pixels.length * 4 < 0.02 * count * 4) return { shoulder };
    const armpit = { x: body, y: armpitY };
    const root = { x: body, y: (shoulderY + armpitY) / 2 };
    const dist = (p: Point): number => Math.hypot(p.x - root.x, p.y - root.y);
    const far = Math.max(...pixels.map(dist));
    const cuffPixels = pixels.filter((p) => dist(p) >= 0.9 * far);
    const sleeve = { x: avgOf(cuffPixels.map((p) => p.x)), y: avgOf(cuffPixels.map((p) => p.y)) };
    const centroid = { x: avgOf(pixels.map((p) => p.x)), y: avgOf(pixels.map((p) => p.y)) };
    const axis = { x: centroid.x - sleeve.x, y: centroid.y - sleeve.y };
    const k = ((root.x - sleeve.x) * axis.x + (root.y - sleeve.y) * axis.y) / Math.max(1, axis.x * axis.x + axis.y * axis.y);
    // Only long sleeves hang along the body with the armhole at their inner edge; a short sleeve's root stays mid-armhole.
    const long = Math.hypot(sleeve.x - root.x, sleeve.y - root.y) > LONG_SLEEVE * bodyW;
    const sleeveRoot = long ? { x: sleeve.x + axis.x * k, y: sleeve.y + axis.y * k } : root;
    return { shoulder, armpit, sleeve, sleeveRoot };
  };
  let l = side(1, bodyLeft);
  let r = side(-1, bodyRight);
  // No sleeve apart from the body: long sleeves may hang down along it, touching it, and the silhouette taken for the
  // body panel is body and sleeves. Then the body panel is as wide as the shoulders, and the sleeves lie beyond the
  // lines from the seams (at armpit depth) down to the hem's corners.
  const hanging = !l.armpit && !r.armpit ? findHangingSleeves(mask, { top, bottom, hemY, centre, left, right }) : undefined;
  if (hanging) {
    bodyLeft = hanging.seamLeft;
    bodyRight = hanging.seamRight;
    bodyW = Math.max(1, bodyRight - bodyLeft);
    slack = 0.04 * bodyW;
    const armholeDepth = 0.3 * bodyW;
    const innerEdge = (seam: number, corner: number, from: number) => (y: number): number => {
      const t = Math.min(1, Math.max(0, (y - from) / Math.max(1, hemY - from)));
      return seam + (corner - seam) * t;
    };
    const seamRow = (x: number): number => {
      let y = top;
      while (y < hemY && mask.data[y * mask.width + Math.round(x)]! <= 0.5) y++;
      return y + armholeDepth;
    };
    l = side(1, bodyLeft, innerEdge(bodyLeft, hemRun.left, seamRow(bodyLeft)), true);
    r = side(-1, bodyRight, innerEdge(bodyRight, hemRun.right, seamRow(bodyRight)), true);
  }
  return {
    neck: { x: centre, y: top },
    shoulderLeft: l.shoulder,
    shoulderRight: r.shoulder,
    armpitLeft: l.armpit,
    armpitRight: r.armpit,
    sleeveLeft: l.sleeve,
    sleeveRight: r.sleeve,
    sleeveRootLeft: l.sleeveRoot,
    sleeveRootRight: r.sleeveRoot,
    hemLeft: { x: hemRun.left, y: hemY },
    hemRight: { x: hemRun.right, y: hemY },
    crotchBottom,
    bodyLeft,
    bodyRight,
  };
}

function avgOf(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
