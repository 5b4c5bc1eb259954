import type { NeckWindowPlace } from './garment-neck.js';
import type { FloatImage, RgbImage } from './image/raster.js';
import { boxBlurInPlace } from './image/raster.js';
import { histogramMedian } from './skin-tone.js';
import { floodFromBorder } from './image/flood.js';

/** How far the window looked in reaches either side of the garment's centre, in body-panel widths. Default 0.35. */
export const BACK_WINDOW_HALF_WIDTH = 0.35;
/** How far down from the garment's top the window reaches, in body-panel widths (a deep V-neck's opening). Default 0.6. */
export const BACK_WINDOW_DEPTH = 0.6;
/** Where the inside of the back is looked for first: the centre ± this many body-panel widths, … Default 0.05. */
export const BACK_SEED_HALF_WIDTH = 0.05;
/** … down to this many body-panel widths below the garment's top. Default 0.25. */
export const BACK_SEED_DEPTH = 0.25;
/** Largest luma step between neighbouring (smoothed) pixels inside one region: a neckline's edge is a larger one. Default 4. */
export const BACK_LUMA_STEP = 4;
/** Largest RGB step between neighbouring (smoothed) pixels inside one region. Default 6. */
export const BACK_COLOUR_STEP = 6;
/** Largest hue difference (degrees, opponent colour) from the seed's: a lining of another shade is not the front. Default 8. */
export const BACK_HUE_STEP = 8;
/** The region's luma stays within this factor of the seed's (either way). Default 0.4. */
export const BACK_LUMA_RANGE = 0.4;
/** Smallest inside of the back taken out, in body-panel widths squared (a collar's shadow or a button's is smaller). Default 0.004. */
export const BACK_MIN_AREA = 0.004;
/** How far the region's edge may still grow towards colours nearer its own than the front's, in body-panel widths. Default 0.012. */
export const BACK_EDGE_REACH = 0.012;
/** The inside of the back lies right under the back collar: its top is at most this far below the garment's top edge, in body-panel widths. Default 0.06. */
export const BACK_COLLAR_DEPTH = 0.06;
/** The inside of the back is in shade (its mean luma at most this share of the rest of the window's median), … Default 0.8. */
export const BACK_DARKER = 0.8;
/** … or of another hue than the rest of the window (degrees, opponent colour; a lining). Default 5. */
export const BACK_OTHER_HUE = 5;

/**
 * Takes the inside of the garment's back out of a product photo's neck opening. A flat product photo shows, through
 * the neck opening, the inside of the back (a V-neck's lining, a crew neck's shaded back collar): a region at the top
 * centre, enclosed by the front's neckline below and the back collar above, darker than the front (it lies in the
 * garment's shade) and often of another shade. Worn, it lies behind the neck; warped onto the body it was drawn across
 * the chest as a band (the velvet wrap top's teal lining, the red tee's dark red crescent). It is found by growing a
 * region from the darkest pixel at the top centre ({@link BACK_SEED_HALF_WIDTH}, {@link BACK_SEED_DEPTH}) through small
 * steps of colour and luma (the neckline's edge stops it) and of nearly the seed's hue, in a window of
 * {@link BACK_WINDOW_HALF_WIDTH} × {@link BACK_WINDOW_DEPTH} body-panel widths; it counts when it stays inside the
 * window (a region that reaches the window's sides or bottom is the front itself), is at least {@link BACK_MIN_AREA}
 * and darker than the rest of the window ({@link BACK_DARKER}). That region, its holes (a label's fill) and the back
 * collar above it are taken out of the matte (`alpha`, modified; softened over one pixel), so the person's own neck
 * and chest show through the neck opening. Returns how many pixels were taken out.
 */
export function removeInnerBack(image: RgbImage, alpha: FloatImage, place: NeckWindowPlace): number {
  const { width, height, data } = image;
  const bw = place.bodyWidth;
  const x0 = Math.max(0, Math.floor(place.centre - BACK_WINDOW_HALF_WIDTH * bw));
  const x1 = Math.min(width - 1, Math.ceil(place.centre + BACK_WINDOW_HALF_WIDTH * bw));
  const y0 = Math.max(0, Math.floor(place.top));
  const y1 = Math.min(height - 1, Math.ceil(place.top + BACK_WINDOW_DEPTH * bw));
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  if (w < 16 || h < 16) return 0;
  const n = w * h;
  // Colours smoothed over 5×5 pixels (JPEG noise and a velvet's pile are not edges).
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  const rgb = [r, g, b] as const;
  const garment = new Uint8Array(n);
  const any = new Uint8Array(n);
  for (let y = 0, d = 0; y < h; y++) {
    for (let x = 0, i = (y + y0) * width + x0; x < w; x++, d++, i++) {
      r[d] = data[i * 3]!;
      g[d] = data[i * 3 + 1]!;
      b[d] = data[i * 3 + 2]!;
      if (alpha.data[i]! > 0.99) garment[d] = 1;
      if (alpha.data[i]! > 0) any[d] = 1;
    }
  }
  for (const channel of rgb) boxBlurInPlace(channel, w, h, 2, 1);
  const luma = new Float32Array(n);
  for (let d = 0; d < n; d++) luma[d] = 0.299 * r[d]! + 0.587 * g[d]! + 0.114 * b[d]!;
  const seed = darkestSeed(luma, garment, w, h, place.centre - x0, bw);
  if (seed < 0) return 0;
  const region = growRegion(rgb, luma, garment, w, h, seed);
  const size = region.count;
  if (region.touchesEdge || size < BACK_MIN_AREA * bw * bw) return 0;
  if (!underTheCollar(region.inside, any, w, h, BACK_COLLAR_DEPTH * bw)) return 0;
  const colours = meanAndFront(rgb, luma, region.inside, garment, size);
  if (!colours || !otherThanTheFront(colours.own, colours.front)) return 0;
  // Its edge: the shaded pixels along the neckline nearer its colour than the front's, then gaps closed.
  const reach = Math.max(2, Math.round(BACK_EDGE_REACH * bw));
  growToNearer(rgb, luma, region.inside, garment, w, h, colours, reach, region.lumaRange);
  const cut = withHolesAndCollar(closed(region.inside, w, h, reach), any, w, h, BACK_COLLAR_DEPTH * bw);
  // Out of the matte, its edge softened over a pixel (the warp samples the matte bilinearly).
  const soft = new Float32Array(n);
  for (let d = 0; d < n; d++) soft[d] = cut[d]!;
  boxBlurInPlace(soft, w, h, 1, 1);
  let removed = 0;
  for (let y = 0, d = 0; y < h; y++) {
    for (let x = 0, i = (y + y0) * width + x0; x < w; x++, d++, i++) {
      const keep = cut[d] ? 0 : 1 - soft[d]!;
      if (keep >= alpha.data[i]!) continue;
      alpha.data[i] = keep;
      removed++;
    }
  }
  return removed;
}

/** Whether the region's top lies within `depth` pixels below the garment's top edge (the back collar) in some column. */
function underTheCollar(inside: Uint8Array, matte: Uint8Array, w: number, h: number, depth: number): boolean {
  for (let x = 0; x < w; x++) {
    let first = -1;
    for (let y = 0; y < h; y++) if (inside[y * w + x]) { first = y; break; }
    if (first < 0) continue;
    let top = first;
    while (top > 0 && matte[(top - 1) * w + x]) top--;
    if (first - top <= depth) return true;
  }
  return false;
}

/** A region's mean colour and the median colour of the rest of the window's garment (the front): r, g, b, luma. */
interface RegionColours {
  own: [number, number, number, number];
  front: [number, number, number, number];
}

function meanAndFront(rgb: readonly [Float32Array, Float32Array, Float32Array], luma: Float32Array, inside: Uint8Array, garment: Uint8Array, size: number): RegionColours | undefined {
  const hists = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const sums = [0, 0, 0, 0];
  let rest = 0;
  for (let d = 0; d < luma.length; d++) {
    const values = [rgb[0][d]!, rgb[1][d]!, rgb[2][d]!, luma[d]!];
    if (inside[d]) {
      for (let c = 0; c < 4; c++) sums[c]! += values[c]!;
      continue;
    }
    if (!garment[d]) continue;
    for (let c = 0; c < 4; c++) hists[c]![Math.min(255, Math.round(values[c]!))]!++;
    rest++;
  }
  if (rest === 0) return undefined;
  return {
    own: sums.map((v) => v / size) as RegionColours['own'],
    front: hists.map((hc) => histogramMedian(hc, rest)) as RegionColours['front'],
  };
}

/**
 * Whether the region is other than the rest of the window's garment (the front around the opening): darker
 * ({@link BACK_DARKER}) or of another hue ({@link BACK_OTHER_HUE}) than the rest's median colour.
 */
function otherThanTheFront(own: RegionColours['own'], front: RegionColours['front']): boolean {
  if (own[3] <= BACK_DARKER * front[3]) return true;
  const a = hueOf(own[0], own[1], own[2]);
  const b = hueOf(front[0], front[1], front[2]);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  const diff = Math.abs(a - b);
  return Math.min(diff, 2 * Math.PI - diff) >= (BACK_OTHER_HUE * Math.PI) / 180;
}

/**
 * Grows the region (in place) up to `reach` pixels through garment pixels whose colour is nearer the region's mean
 * than the front's median, with a luma in the region's `range` (a neckline's light piping stays): the inside's shaded rim along the neckline, which the small steps of {@link growRegion} stop short of.
 */
function growToNearer(rgb: readonly [Float32Array, Float32Array, Float32Array], luma: Float32Array, inside: Uint8Array, garment: Uint8Array, w: number, h: number, colours: RegionColours, reach: number, range: [number, number]): void {
  const { own, front } = colours;
  const nearer = (d: number): boolean => {
    if (luma[d]! < range[0] || luma[d]! > range[1]) return false;
    let toOwn = 0, toFront = 0;
    for (let c = 0; c < 3; c++) {
      const v = rgb[c]![d]!;
      toOwn += (v - own[c]!) ** 2;
      toFront += (v - front[c]!) ** 2;
    }
    return toOwn < toFront;
  };
  let frontier: number[] = [];
  for (let d = 0; d < inside.length; d++) if (inside[d]) frontier.push(d);
  for (let step = 0; step < reach && frontier.length > 0; step++) {
    const next: number[] = [];
    for (const d of frontier) {
      const x = d % w;
      for (const q of [x > 0 ? d - 1 : -1, x < w - 1 ? d + 1 : -1, d >= w ? d - w : -1, d + w < w * h ? d + w : -1]) {
        if (q < 0 || inside[q] || !garment[q] || !nearer(q)) continue;
        inside[q] = 1;
        next.push(q);
      }
    }
    frontier = next;
  }
}

/** Morphological closing (dilate then erode, square of radius `r`): fills the region's narrow gaps and notches. */
function closed(inside: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const m = new Float32Array(inside.length);
  for (let d = 0; d < m.length; d++) m[d] = inside[d]!;
  boxBlurInPlace(m, w, h, r, 1);
  for (let d = 0; d < m.length; d++) m[d] = m[d]! > 1e-4 ? 0 : 1;
  // The dilation's complement, dilated: what the erosion takes back.
  boxBlurInPlace(m, w, h, r, 1);
  const out = new Uint8Array(inside.length);
  for (let d = 0; d < m.length; d++) out[d] = inside[d] || m[d]! <= 1e-4 ? 1 : 0;
  return out;
}

/** The darkest garment pixel of the top-centre strip (window coordinates), or −1. */
function darkestSeed(luma: Float32Array, garment: Uint8Array, w: number, h: number, centre: number, bw: number): number {
  const sx0 = Math.max(0, Math.round(centre - BACK_SEED_HALF_WIDTH * bw));
  const sx1 = Math.min(w - 1, Math.round(centre + BACK_SEED_HALF_WIDTH * bw));
  const sy1 = Math.min(h - 1, Math.round(BACK_SEED_DEPTH * bw));
  let seed = -1;
  let best = Infinity;
  for (let y = 0; y <= sy1; y++) {
    for (let x = sx0; x <= sx1; x++) {
      const d = y * w + x;
      if (garment[d] && luma[d]! < best) { best = luma[d]!; seed = d; }
    }
  }
  return seed;
}

/** Hue angle (radians) of a colour in opponent space; NaN when it has too little chroma for a hue to mean anything. */
function hueOf(r: number, g: number, b: number): number {
  const a = r - g;
  const yb = 0.5 * (r + g) - b;
  return Math.hypot(a, yb) > 12 ? Math.atan2(yb, a) : Number.NaN;
}

/**
 * The region grown from `seed` (4-neighbours, garment pixels only) through steps of at most {@link BACK_LUMA_STEP}
 * in luma and {@link BACK_COLOUR_STEP} in RGB, with the luma within {@link BACK_LUMA_RANGE} of the seed's and the hue
 * within {@link BACK_HUE_STEP} of the seed's (where both have a hue).
 */
function growRegion(rgb: readonly [Float32Array, Float32Array, Float32Array], luma: Float32Array, garment: Uint8Array, w: number, h: number, seed: number): { inside: Uint8Array; count: number; touchesEdge: boolean; lumaRange: [number, number] } {
  const [r, g, b] = rgb;
  const inside = new Uint8Array(w * h);
  const queue = new Int32Array(w * h);
  const seedLuma = luma[seed]!;
  const lo = seedLuma * (1 - BACK_LUMA_RANGE);
  const hi = seedLuma / (1 - BACK_LUMA_RANGE) + 10;
  const seedHue = hueOf(r[seed]!, g[seed]!, b[seed]!);
  const maxHue = (BACK_HUE_STEP * Math.PI) / 180;
  let tail = 0;
  inside[seed] = 1;
  queue[tail++] = seed;
  let touchesEdge = false;
  const step2 = BACK_COLOUR_STEP * BACK_COLOUR_STEP;
  for (let head = 0; head < tail; head++) {
    const d = queue[head]!;
    const x = d % w;
    const y = (d - x) / w;
    if (x === 0 || x === w - 1 || y === h - 1) touchesEdge = true;
    for (const q of [x > 0 ? d - 1 : -1, x < w - 1 ? d + 1 : -1, y > 0 ? d - w : -1, y < h - 1 ? d + w : -1]) {
      if (q < 0 || inside[q] || !garment[q]) continue;
      const l = luma[q]!;
      if (l < lo || l > hi || Math.abs(l - luma[d]!) >= BACK_LUMA_STEP) continue;
      const dr = r[q]! - r[d]!, dg = g[q]! - g[d]!, db = b[q]! - b[d]!;
      if (dr * dr + dg * dg + db * db >= step2) continue;
      const hue = hueOf(r[q]!, g[q]!, b[q]!);
      if (!Number.isNaN(hue) && !Number.isNaN(seedHue)) {
        const diff = Math.abs(hue - seedHue);
        if (Math.min(diff, 2 * Math.PI - diff) > maxHue) continue;
      }
      inside[q] = 1;
      queue[tail++] = q;
    }
  }
  return { inside, count: tail, touchesEdge, lumaRange: [lo, hi] };
}

/**
 * The region with its holes (pixels it encloses: a label's fill, specks of print) and, in each of its columns, the
 * garment above it up to the garment's top (`matte`: any opacity) where that is at most `collarDepth` deep: the back
 * collar, which is worn behind the neck too.
 */
function withHolesAndCollar(inside: Uint8Array, matte: Uint8Array, w: number, h: number, collarDepth: number): Uint8Array {
  const n = w * h;
  // Outside: reached from the window's border without crossing the region.
  const outside = floodFromBorder(w, h, (d) => !inside[d]);
  const cut = new Uint8Array(n);
  for (let d = 0; d < n; d++) if (!outside[d]) cut[d] = 1;
  for (let x = 0; x < w; x++) {
    let first = -1;
    for (let y = 0; y < h; y++) if (cut[y * w + x]) { first = y; break; }
    if (first < 0) continue;
    // The garment above the region in this column up to its top edge, when that is a collar's depth (not the front
    // going on up to the shoulder beside a V's opening).
    let top = first;
    while (top > 0 && matte[(top - 1) * w + x]) top--;
    if (first - top > collarDepth) continue;
    for (let y = top; y < first; y++) cut[y * w + x] = 1;
  }
  return cut;
}
