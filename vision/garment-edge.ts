import { decontaminatePixel, smoothstep } from './image/unmix.js';
import type { FloatImage, RgbImage } from './image/raster.js';
import { pushPullFills } from './push-pull.js';

/**
 * How many pixels inside the garment's outline are decontaminated: the product photo's anti-aliased edge and the
 * near-white band a JPEG's ringing can leave inside the cut-out (the background fill stops at its luma steps). Default 6.
 */
export const EDGE_DEPTH = 6;
/**
 * Deepest the band reaches where the background's colour goes on further in than {@link EDGE_DEPTH}: a sheer or light
 * garment's cut-out keeps blobs of the studio background up to about 8 px inside its outline (a white rim once worn).
 * The band goes on past {@link EDGE_DEPTH} only through pixels within {@link BACKGROUND_LIKE} of the background. Default 14.
 */
export const MAX_EDGE_DEPTH = 14;
/** RGB distance from the background colour within which a pixel past {@link EDGE_DEPTH} is still the background's. Default 30. */
export const BACKGROUND_LIKE = 30;
/** RGB distance from the background colour at and above which a band pixel is clearly the garment's own colour. Default 60. */
export const GARMENT_CONTRAST = 60;
/** Width in pixels of the ring just inside the decontaminated band whose colours stand for the garment there. Default 2. */
export const SOURCE_RING = 2;

/**
 * The product photo's colours with the background taken out of the garment's edge (the light fringe a cut-out carries
 * from a white studio background), only in the edge band: the soft matte's outer pixels (`alpha` > 0 off the hard
 * mask) and {@link EDGE_DEPTH} pixels inside the outline. Each band pixel's garment colour is the colour of the ring
 * just inside the band and of the band's pixels clearly unlike the background ({@link GARMENT_CONTRAST}), filled out
 * to it by a push–pull fill; its own matte is estimated from colour (how far it lies
 * from the background towards that garment colour, trusted where the two differ, as the product-image cut-out does)
 * and the background's share is removed ({@link decontaminatePixel}). The work is a pass to find the outline and the
 * band's pixels; the rest of the photo is copied.
 */
export function decontaminateEdge(image: RgbImage, hard: FloatImage, alpha: FloatImage, background: readonly number[]): RgbImage {
  const { width, height } = image;
  const out: RgbImage = { width, height, data: new Uint8Array(image.data) };
  const depth = edgeDepths(image, hard, alpha, background);
  if (!depth) return out;
  const { band, box } = depth;
  const [x0, y0, x1, y1] = box;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  // The band's pixels as targets and the ring as the fill's source, in the band's box.
  const inBox = (i: number): number => (((i / width) | 0) - y0) * bw + (i % width) - x0;
  const source = garmentSource(image, hard, depth, background, inBox, bw * bh);
  const targets = band.map(inBox);
  const [interior] = pushPullFills({ data: image.data, row: width, start: y0 * width + x0 }, source, 1, bw, bh, targets);
  if (!interior) return out;
  const pixel = new Float32Array(3);
  const garment = new Float32Array(3);
  const colour = new Float32Array(3);
  for (let t = 0; t < band.length; t++) {
    const i = band[t]!;
    const p = i * 3;
    let dot = 0;
    let norm = 0;
    for (let c = 0; c < 3; c++) {
      pixel[c] = image.data[p + c]!;
      garment[c] = interior[t * 3 + c]!;
      const fb = garment[c]! - background[c]!;
      dot += (pixel[c]! - background[c]!) * fb;
      norm += fb * fb;
    }
    const fromColour = norm > 0 ? Math.min(1, Math.max(0, dot / norm)) : 0;
    // Trust colour in proportion to how far the garment's colour is from the background's (RGB distance 25 → 60);
    // elsewhere (white on white) the geometric matte.
    const trust = smoothstep(25, 60, Math.sqrt(norm));
    const geometric = hard.data[i]! >= 0.5 ? 1 : alpha.data[i]!;
    decontaminatePixel(pixel, trust * fromColour + (1 - trust) * geometric, background, garment, colour);
    out.data[p] = colour[0]!;
    out.data[p + 1] = colour[1]!;
    out.data[p + 2] = colour[2]!;
  }
  return out;
}

/** The edge band's and the source ring's pixels (photo indices) and the box (x0, y0, x1, y1) around both. */
interface EdgeDepths {
  /** Steps inward from the outline (1: on it; 0: not reached); the ring's last step is {@link RING_END}. */
  steps: Uint8Array;
  band: Int32Array;
  ring: Int32Array;
  box: [number, number, number, number];
}

/** Step number given to the ring's last step (the walk stops there). */
const RING_END = 255;

/**
 * A breadth-first walk inward from the outline (garment pixels with a background 4-neighbour): the band is the outer
 * soft-matte pixels, the first {@link EDGE_DEPTH} steps and, up to {@link MAX_EDGE_DEPTH}, the pixels still of the
 * background's colour ({@link BACKGROUND_LIKE}) reached through the band; the ring the {@link SOURCE_RING} steps after
 * the band. Undefined when the garment has no outline.
 */
function edgeDepths(image: RgbImage, hard: FloatImage, alpha: FloatImage, background: readonly number[]): EdgeDepths | undefined {
  const { width, height } = hard;
  const h = hard.data;
  const n = width * height;
  const steps = new Uint8Array(n);
  // The walk's queue grows with the outline (a few pixels deep), not with the photo.
  const queue: number[] = [];
  const outer: number[] = [];
  const a = alpha.data;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (h[i]! < 0.5) {
        if (a[i]! > 0) outer.push(i);
        continue;
      }
      if ((x > 0 && h[i - 1]! < 0.5) || (x < width - 1 && h[i + 1]! < 0.5) || (y > 0 && h[i - width]! < 0.5) || (y < height - 1 && h[i + width]! < 0.5)) {
        steps[i] = 1;
        queue.push(i);
      }
    }
  }
  if (queue.length === 0) return undefined;
  // Ring pixels count their own steps past the band (in `ringStep`); band pixels are those with ringStep 0.
  const ringStep = new Uint8Array(n);
  const like2 = BACKGROUND_LIKE * BACKGROUND_LIKE;
  const [br, bg, bb] = background as [number, number, number];
  const d = image.data;
  const backgroundLike = (i: number): boolean => {
    const dr = d[i * 3]! - br, dg = d[i * 3 + 1]! - bg, db = d[i * 3 + 2]! - bb;
    return dr * dr + dg * dg + db * db <= like2;
  };
  // A garment neighbour not reached yet, `next` steps in, from a pixel `r` steps into the ring (0: band).
  const visit = (j: number, next: number, r: number): void => {
    if (steps[j] || h[j]! < 0.5) return;
    steps[j] = next;
    // Still band: within EDGE_DEPTH, or the background's colour going on from the band up to MAX_EDGE_DEPTH.
    const band = r === 0 && (next <= EDGE_DEPTH || (next <= MAX_EDGE_DEPTH && backgroundLike(j)));
    ringStep[j] = band ? 0 : r + 1;
    queue.push(j);
  };
  let head = 0;
  while (head < queue.length) {
    const i = queue[head++]!;
    const s = steps[i]!;
    const r = ringStep[i]!;
    if (r >= SOURCE_RING) continue;
    const x = i % width;
    const next = s + 1;
    if (x > 0) visit(i - 1, next, r);
    if (x < width - 1) visit(i + 1, next, r);
    if (i >= width) visit(i - width, next, r);
    if (i < n - width) visit(i + width, next, r);
  }
  const band: number[] = [...outer];
  const ring: number[] = [];
  for (const i of queue) {
    if (ringStep[i] === 0) band.push(i);
    else {
      ring.push(i);
      if (ringStep[i] === SOURCE_RING) steps[i] = RING_END;
    }
  }
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  const grow = (i: number): void => {
    const x = i % width;
    const y = (i - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  };
  band.forEach(grow);
  ring.forEach(grow);
  return { steps, band: Int32Array.from(band), ring: Int32Array.from(ring), box: [x0, y0, x1, y1] };
}

/**
 * The push–pull fill's source in the band's box (`inBox` maps a photo index there): the ring and the band's pixels
 * clearly unlike the background ({@link GARMENT_CONTRAST}), less those next to a pixel that is neither (a blurred
 * edge's half-mixed pixels would tint the garment's colour towards the background's).
 */
function garmentSource(image: RgbImage, hard: FloatImage, depth: EdgeDepths, background: readonly number[], inBox: (i: number) => number, size: number): Uint8Array {
  const { width, height, data } = image;
  const { steps, band, ring } = depth;
  const contrast2 = GARMENT_CONTRAST * GARMENT_CONTRAST;
  const [br, bg, bb] = background as [number, number, number];
  // Candidates: the ring, the band's pixels of the garment's own colour, and (unmarked) every garment pixel deeper in.
  const candidate = new Uint8Array(width * height);
  for (let k = 0; k < ring.length; k++) candidate[ring[k]!] = 1;
  for (let k = 0; k < band.length; k++) {
    const i = band[k]!;
    if (hard.data[i]! < 0.5) continue;
    const p = i * 3;
    const dr = data[p]! - br, dg = data[p + 1]! - bg, db = data[p + 2]! - bb;
    if (dr * dr + dg * dg + db * db >= contrast2) candidate[i] = 1;
  }
  const isCandidate = (i: number): boolean => candidate[i] === 1 || (steps[i] === 0 && hard.data[i]! >= 0.5);
  const source = new Uint8Array(size);
  for (const list of [band, ring]) {
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if (!candidate[i]) continue;
      const x = i % width;
      const y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) continue;
      if (steps[i]! !== RING_END && !(isCandidate(i - 1) && isCandidate(i + 1) && isCandidate(i - width) && isCandidate(i + width))) continue;
      source[inBox(i)] = 1;
    }
  }
  return source;
}
