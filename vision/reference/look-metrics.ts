import type { UpperBody } from '../body.js';
import type { Point } from '../geometry/tps.js';
import { boxBlurInPlace } from '../image/raster.js';
import { labAt, labDistance2, nearestDistance, type LabImage, type LabTriple } from './lab.js';
import { PARSE } from './parse.js';

/**
 * Failures a shopper sees at once that the area-wide shopper's-eye medians average away, measured, like them, against
 * the reference parse of the input photo and the product's colours, never against the pipeline's own masks.
 */
export interface LookMetrics {
  /**
   * The largest connected patch (8-neighbours) of the old garment still visible outside the new one, solid over
   * {@link PATCH_CORE} shoulder widths around each pixel (its core, in square shoulder widths): an old collar's points or a polo's collar left beside the new neckline are small in the residue's share of
   * the whole old top but one solid patch (target ≤ 0.002).
   */
  largestResiduePatch: number;
  /**
   * Output pixels outside the person in the photo (the parse's background) that were changed into the product's
   * colours, in square shoulder widths: a hem corner, tie or sleeve drawn beyond the arms or the body (target ≤ 0.005).
   */
  garmentBeyondBody: number;
  /**
   * Share of the upper arms' cross-sections with the new garment on the arm's line (a sleeve) where, on the arm's outer
   * side, more than {@link SLEEVE_GAP} shoulder widths of something other than the garment or the background (bare arm
   * or the old sleeve) lie between the sleeve's edge and the background (target ≤ 0.1).
   */
  sleeveGap: number;
  /**
   * Spread (standard deviation) of the repainted skin's shading (lightness minus its own mean over 0.25 shoulder
   * widths) over the same spread of the person's own skin below the chin: near 1 when the repaint is shaded like the
   * person's body, near 0 for a flat patch. NaN when no skin was repainted (a garment that covers the old top).
   */
  repaintedSkinSpread: number;
}

/** A strip beside a sleeve wider than this, in shoulder widths, counts as a gap. Default 0.03. */
export const SLEEVE_GAP = 0.03;
/** A residue patch counts where it is solid this far, in shoulder widths, around a pixel (thinner outlines do not). Default 0.01. */
export const PATCH_CORE = 0.01;
/** Fewer repainted skin pixels than this share of a square shoulder width: too few to judge their shading. Default 0.01. */
export const MIN_REPAINT_AREA = 0.01;

/** What {@link lookMetrics} reads: the smoothed photo and output, the parse, and the tests the shopper's-eye metrics use. */
export interface LookInputs {
  before: LabImage;
  after: LabImage;
  labels: Uint8Array;
  body: UpperBody;
  /** Whether an output pixel is in the product's colours. */
  isNew: (i: number) => boolean;
  /** Whether it is in the product's colours and nearer to them than to the person's skin (a white garment's palette matches fair skin too). */
  isGarment: (i: number) => boolean;
  /** Whether an output pixel of the old garment still looks like it. */
  stillOld: (i: number) => boolean;
  /** The person's skin colours and the background's (from the parse). */
  skin: LabTriple[];
  background: LabTriple[];
  palette: LabTriple[];
}

/** Computes {@link LookMetrics} (see {@link LookInputs}). */
export function lookMetrics(inputs: LookInputs): LookMetrics {
  const { before, after, labels, body, isNew, stillOld } = inputs;
  const sw2 = body.shoulderWidth * body.shoulderWidth;
  const residue = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] === PARSE.upper && stillOld(i) && !isNew(i)) residue[i] = 1;
  // Only solid patches: an outline a few pixels wide (an arm's edge the parse reads as the top) is eroded away.
  boxBlurInPlace(residue, before.width, before.height, Math.max(1, Math.round(PATCH_CORE * body.shoulderWidth)), 1);
  const solid = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (residue[i]! > 0.999) solid[i] = 1;
  let beyond = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === PARSE.background && isNew(i) && labDistance2(labAt(after, i), labAt(before, i)) > 64) beyond++;
  }
  return {
    largestResiduePatch: largestComponent(solid, before.width, before.height) / sw2,
    garmentBeyondBody: beyond / sw2,
    sleeveGap: sleeveGap(inputs),
    repaintedSkinSpread: repaintedSkinSpread(inputs),
  };
}

/** Size of the largest 8-connected component of a 0/1 mask. */
export function largestComponent(mask: Uint8Array, width: number, height: number): number {
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  let best = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    seen[start] = 1;
    stack.push(start);
    let size = 0;
    while (stack.length > 0) {
      const i = stack.pop()!;
      size++;
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (mask[j] && !seen[j]) { seen[j] = 1; stack.push(j); }
        }
      }
    }
    if (size > best) best = size;
  }
  return best;
}

/** See {@link LookMetrics.sleeveGap}. */
function sleeveGap(inputs: LookInputs): number {
  const sections = sleeveSections(inputs);
  return sections.length > 0 ? sections.filter((s) => s.strip > SLEEVE_GAP * inputs.body.shoulderWidth).length / sections.length : 0;
}

/** One cross-section of a sleeve: the pixel on the arm's line and how many pixels of something else lie beside the sleeve. */
export interface SleeveSection {
  axis: number;
  strip: number;
}

/**
 * The sleeves' cross-sections ({@link LookMetrics.sleeveGap}): walks out from each upper arm's line (20–80 % of the
 * way from shoulder to elbow, where the output is the new garment), perpendicular to it, on its outer side, through the
 * garment and then to the first background pixel (the parse's, or the output's in the background's colour).
 */
export function sleeveSections(inputs: Pick<LookInputs, 'after' | 'labels' | 'body' | 'isGarment' | 'background'>): SleeveSection[] {
  const { after, labels, body, isGarment: isNew, background } = inputs;
  const { width, height } = after;
  const sw = body.shoulderWidth;
  const looksLikeBackground = (i: number): boolean => labels[i] === PARSE.background || (background.length > 0 && nearestDistance(labAt(after, i), background) < 10);
  const centreX = (body.hipLeft.x + body.hipRight.x + body.shoulderLeft.x + body.shoulderRight.x) / 4;
  const sections: SleeveSection[] = [];
  for (const [s, e] of [[body.shoulderLeft, body.elbowLeft], [body.shoulderRight, body.elbowRight]] as [Point, Point][]) {
    const len = Math.hypot(e.x - s.x, e.y - s.y);
    if (len < 1) continue;
    let nx = -(e.y - s.y) / len;
    let ny = (e.x - s.x) / len;
    // The outer side: away from the torso's middle.
    if (nx * (s.x - centreX) < 0) { nx = -nx; ny = -ny; }
    for (let t = 0.2; t <= 0.8; t += 1 / len) {
      const px = s.x + (e.x - s.x) * t;
      const py = s.y + (e.y - s.y) * t;
      const at = (d: number): number => {
        const x = Math.round(px + nx * d);
        const y = Math.round(py + ny * d);
        return x < 0 || y < 0 || x >= width || y >= height ? -1 : y * width + x;
      };
      const axis = at(0);
      if (axis < 0 || !isNew(axis)) continue;
      let d = 0;
      let i = axis;
      while (d < 0.6 * sw && i >= 0 && isNew(i)) i = at(++d);
      let strip = 0;
      while (d < 0.6 * sw && i >= 0 && !looksLikeBackground(i)) {
        if (!isNew(i)) strip++;
        i = at(++d);
      }
      // No background within reach: the arm lies in front of something else; not judged.
      if (i < 0 || d >= 0.6 * sw) continue;
      sections.push({ axis, strip });
    }
  }
  return sections;
}

/** See {@link LookMetrics.repaintedSkinSpread}. */
function repaintedSkinSpread(inputs: LookInputs): number {
  const { before, after, labels, body, isNew, skin, palette, background } = inputs;
  const { width, height } = after;
  const sw = body.shoulderWidth;
  if (skin.length === 0) return Number.NaN;
  const chin = body.head.y + body.head.radius;
  const repainted = new Float32Array(labels.length);
  const own = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    if ((i / width) < chin) continue;
    const label = labels[i]!;
    if (label === PARSE.skin) {
      if (labDistance2(labAt(after, i), labAt(before, i)) < 64) own[i] = 1;
      continue;
    }
    if (label !== PARSE.upper || isNew(i)) continue;
    const c = labAt(after, i);
    const toSkin = nearestDistance(c, skin, 0.5);
    if (toSkin < 12 && toSkin < nearestDistance(c, palette, 0.5) && (background.length === 0 || toSkin < nearestDistance(c, background, 0.5))) repainted[i] = 1;
  }
  const spread = (mask: Float32Array): number => {
    // Lightness minus its mean over the same pixels within 0.25 shoulder widths (a normalised box blur).
    const r = Math.max(2, Math.round(0.25 * sw));
    const sum = new Float32Array(mask.length);
    for (let i = 0; i < mask.length; i++) sum[i] = mask[i]! * after.L[i]!;
    const weight = new Float32Array(mask);
    boxBlurInPlace(sum, width, height, r, 1);
    boxBlurInPlace(weight, width, height, r, 1);
    let n = 0, s = 0, s2 = 0;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i] || weight[i]! < 1e-3) continue;
      const v = after.L[i]! - sum[i]! / weight[i]!;
      n++; s += v; s2 += v * v;
    }
    return n > 0 ? Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) : Number.NaN;
  };
  let count = 0;
  for (let i = 0; i < repainted.length; i++) count += repainted[i]!;
  if (count < MIN_REPAINT_AREA * sw * sw) return Number.NaN;
  const reference = spread(own);
  return reference > 1e-3 ? spread(repainted) / reference : Number.NaN;
}
