import type { UpperBody } from './body.js';
import type { Point } from './geometry/tps.js';
import type { RgbImage } from './image/raster.js';
import { boxBlurInPlace } from './image/raster.js';
import { shadeAt, type ShadingField } from './shading.js';
import { WEAR, type Wardrobe } from './wardrobe.js';
import { pushPullFills } from './push-pull.js';
import { bodyRoundness, GRAIN_TEXTURE, grainAt, skinTone, type SkinTone } from './skin-tone.js';
import { FILL, lowerMirror } from './lower-mirror.js';
import { ARM_RADII, nearLimb } from './geometry/arms.js';
import { armLimbs } from './arm-width.js';
import { armLights, shadeArms } from './arm-light.js';
import { cleanSkin, SKIN_CONTINUE, SKIN_EDGE_BAND, skinBeside, type SkinBeside } from './skin-beside.js';
import { handsBesideTorso } from './geometry/hands.js';

/** How much of the photo's shading (luma over the fabric's own luma) the repainted skin and lower garment keep. Default 0.6. */
export const REPAINT_SHADING = 0.6;

/** How much of the photo's shading (see {@link REPAINT_SHADING}) repainted skin keeps: all of it. Default 1. */
export const SKIN_SHADING = 1;

/** Share of a repainted skin pixel's brightness taken from the nearby skin's fill (the rest from all visible skin's). Default 0.7. */
export const SKIN_FROM_FILL = 0.7;

/** How far (in shoulder widths) the continued lower garment's mirror line is smoothed across columns ({@link lowerMirror}). Default 0.05. */
export const MIRROR_SMOOTHING = 0.05;

/** Below this garment opacity the photo under the garment shows, so the old top there is repainted. Default 0.98. */
export const COVERED = 0.98;
/** How far above the base of the neck an old top's collar is still taken off, in shoulder widths. Default 0.05. */
export const NECK_MARGIN = 0.05;
/**
 * Repainted shoulders follow a round outline, not the old top's (a boxy tee's shoulders): skin within this many
 * shoulder widths of the line from the side of the neck to each shoulder joint. Default 0.16.
 */
export const SHOULDER_RADIUS = 0.16;
/** Where that line starts: this far out from the middle of the neck, in shoulder widths. Default 0.12. */
export const SHOULDER_NECK_OFFSET = 0.12;
/** Half the neck's width, in shoulder widths: exposed old top above the shoulders within it is the neck's skin. Default 0.14. */
export const NECK_HALF_WIDTH = 0.14;
/**
 * How far into the skin beside the exposed old top the repaint reaches, in shoulder widths: the old top's shadow on
 * the skin and its blended edge pixels, read as skin, are repainted too. Default 0.02.
 */
export const SKIN_EDGE = 0.02;
/**
 * How far out from the exposed old top, over the pixels outside the person (segmentation mask ≤ 0.5), the repaint
 * reaches, in shoulder widths: the old top's outer edge blended with the background lies partly outside the mask and
 * stayed as a thin outline of the old sleeve or shoulder beside the new garment. Default 0.02.
 */
export const BACKGROUND_EDGE = 0.02;
/**
 * Pixels read as the lower garment more than this far above the waist (in shoulder widths) are the old top: a dark
 * top's shaded side between arm and torso matched dark jeans and stayed as dark blobs. Default 0.05.
 */
export const LOWER_ABOVE_WAIST = 0.05;
/** Margin around the exposed old top from which the fill takes its colours, in shoulder widths. Default 0.3. */
export const FILL_MARGIN = 0.3;

/**
 * Takes the old upper garment off where the new one does not cover it (`cover` < {@link COVERED}, crop-sized): those
 * pixels (and a ring of a few pixels around them) are repainted, in `out` (full photo), from the photo's own pixels by
 * a push–pull fill — as skin on the neck, chest, shoulders and arms and on a midriff above the waist, as the lower
 * garment continued below the waist where one is worn, and as background outside the body — with the photo's shading
 * (`shade`, crop-sized, luma over the fabric's own luma, smoothed) and soft transitions between the three. The work is
 * done in the exposed area's box and a margin of {@link FILL_MARGIN} shoulder widths. Returns how many pixels were repainted.
 */
export function removeOldTop(photo: RgbImage, out: RgbImage, wardrobe: Wardrobe, cover: Float32Array, body: UpperBody, shade: ShadingField): number {
  const { crop, labels } = wardrobe;
  const cw = crop.width;
  const W = photo.width;
  const sw = body.shoulderWidth;
  // The exposed old top's box in the crop.
  const [ex0, ey0, ex1, ey1] = exposedTopBox(labels, cover, cw, crop.height);
  if (ex1! < 0) return 0;
  const ring = Math.max(2, Math.round(sw / 100));
  const margin = Math.round(FILL_MARGIN * sw);
  // The domain: that box and a margin, in crop coordinates (dx0, dy0) – (dx0 + dw, dy0 + dh).
  const dx0 = Math.max(0, ex0! - margin);
  const dy0 = Math.max(0, ey0! - margin);
  const dw = Math.min(cw, ex1! + margin + 1) - dx0;
  const dh = Math.min(crop.height, ey1! + margin + 1) - dy0;
  const n = dw * dh;
  // Exposed old top, grown by a ring (the old garment's blended edge pixels go too), never where the garment covers.
  const exposed = new Float32Array(n);
  const neckRow = body.neck.y - NECK_MARGIN * sw - crop.y0 - dy0;
  // The waist (crop row) where the lower garment starts.
  const shoulderMid = { x: (body.shoulderLeft.x + body.shoulderRight.x) / 2 - crop.x0, y: (body.shoulderLeft.y + body.shoulderRight.y) / 2 - crop.y0 };
  const hipMid = { x: (body.hipLeft.x + body.hipRight.x) / 2 - crop.x0, y: (body.hipLeft.y + body.hipRight.y) / 2 - crop.y0 };
  const waistInCrop = wardrobe.hasLower ? waistRow(wardrobe, shoulderMid.x, hipMid.x, shoulderMid.y, hipMid.y, sw) : Infinity;
  markExposed(labels, cover, cw, dx0, dy0, dw, dh, ring, neckRow, exposed, {
    skinEdge: Math.max(1, Math.round(SKIN_EDGE * sw)), backgroundEdge: Math.max(1, Math.round(BACKGROUND_EDGE * sw)), lowerFrom: waistInCrop - dy0 - LOWER_ABOVE_WAIST * sw,
    hands: handsBesideTorso(body, crop.x0 + dx0, crop.y0 + dy0, dw, dh),
  });
  const targetBox = new Int32Array(4);
  const targets = collectTargets(labels, cover, cw, dx0, dy0, dw, dh, exposed, targetBox);
  const [tx0, ty0, tx1, ty1] = targetBox as unknown as [number, number, number, number];
  // What each target becomes, from the body's geometry (domain coordinates).
  const ox = crop.x0 + dx0;
  const oy = crop.y0 + dy0;
  const smx = (body.shoulderLeft.x + body.shoulderRight.x) / 2 - ox;
  const smy = (body.shoulderLeft.y + body.shoulderRight.y) / 2 - oy;
  const hmx = (body.hipLeft.x + body.hipRight.x) / 2 - ox;
  const hmy = (body.hipLeft.y + body.hipRight.y) / 2 - oy;
  const hipHalf = Math.hypot(body.hipRight.x - body.hipLeft.x, body.hipRight.y - body.hipLeft.y) / 2;
  const waist = waistInCrop - dy0;
  // The shoulders' round outline: from the side of the neck to each shoulder joint and on down the arms.
  const neckSide = (s: Point): Point => ({ x: body.neck.x + SHOULDER_NECK_OFFSET * sw * Math.sign(s.x - body.neck.x), y: body.neck.y });
  // Arms taper from the shoulder to the wrist (an old sleeve's straight, wider outline is not the arm's).
  // Each upper arm at its own width where it is seen bare below the old sleeve; the shoulders' round outline no wider.
  const seg = armLimbs(wardrobe, body, ARM_RADII, { neckSide, radius: SHOULDER_RADIUS }, ox, oy);
  const neckX = body.neck.x - ox;
  const kind = new Uint8Array(n).fill(255);
  const want = [false, false, false];
  for (let t = 0; t < targets.length; t++) {
    const d = targets[t]!;
    const x = d % dw;
    const y = (d - x) / dw;
    const f = Math.min(1, Math.max(0, (y - smy) / Math.max(1, hmy - smy)));
    const cx = smx + (hmx - smx) * f;
    // The torso's half width: the shoulders' near the top, the hips' (with flesh) at the hip line.
    const half = (0.5 - 0.5 * f) * sw + f * 1.3 * hipHalf;
    let k: number = FILL.background;
    if (Math.abs(x - cx) <= half && y <= hmy + 0.6 * sw) k = y >= waist ? FILL.lower : FILL.skin;
    else if (y < smy && Math.abs(x - neckX) <= NECK_HALF_WIDTH * sw) k = FILL.skin;
    else if (nearLimb(seg, x, y)) k = FILL.skin;
    if (k === FILL.lower && !wardrobe.hasLower) k = FILL.skin;
    // Skin beside the old top (its shadow, its blended edge: see SKIN_EDGE) is skin, wherever it is (a hand below an old cuff);
    // outside the person above the waist (the old top's edge blended with the background: see BACKGROUND_EDGE) it is background.
    const label = labels[(y + dy0) * cw + x + dx0];
    if (label === WEAR.skin) k = FILL.skin;
    else if (label === WEAR.background && y < waist) k = FILL.background;
    kind[d] = k;
    want[k] = true;
  }
  const headX = body.head.x - ox;
  const headY = body.head.y - oy;
  const headR2 = (1.1 * body.head.radius) ** 2;
  // Which fill each domain pixel gives its colour to (1 + the fill; 0: none), in one pass for all three.
  const fillOf = new Uint8Array(6);
  fillOf[WEAR.skin] = want[FILL.skin] ? FILL.skin + 1 : 0;
  fillOf[WEAR.lower] = want[FILL.lower] ? FILL.lower + 1 : 0;
  fillOf[WEAR.background] = want[FILL.background] ? FILL.background + 1 : 0;
  const source = fillSources(labels, exposed, fillOf, cw, dx0, dy0, dw, dh, { x: headX, y: headY, r2: headR2, row: smy + 0.3 * sw, sw });
  const fills = pushPullFills({ data: photo.data, row: W, start: oy * W + ox }, source, 3, dw, dh, targets);
  if (!fills[FILL.skin] && !fills[FILL.background]) return 0;
  // Soft borders between what the targets become: each kind's indicator blurred a little (one kind: no blur needed).
  const kinds = fills.filter((f, k) => f && want[k]).length;
  // Blurred in the targets' box grown by the blur's reach (all zeros beyond it, so the same as blurring the domain).
  const sx0 = Math.max(0, tx0 - ring - 1);
  const sy0 = Math.max(0, ty0 - ring - 1);
  const sbw = Math.min(dw, tx1 + ring + 2) - sx0;
  const sbh = Math.min(dh, ty1 + ring + 2) - sy0;
  const soft = fills.map((fill, k) => {
    if (!fill || kinds < 2) return undefined;
    const m = new Float32Array(sbw * sbh);
    for (let t = 0; t < targets.length; t++) {
      const d = targets[t]!;
      if (kind[d] !== k) continue;
      const x = d % dw;
      m[((d - x) / dw - sy0) * sbw + x - sx0] = 1;
    }
    boxBlurInPlace(m, sbw, sbh, ring, 1);
    return m;
  });
  const round = fills[FILL.skin] ? bodyRoundness(wardrobe, dx0, dy0, dw, dh, sw) : undefined;
  // A repainted upper arm takes the light across the bare arm below the old sleeve (round, lit from its side).
  if (round) shadeArms(round, dw, dh, ox, oy, armLights(photo, wardrobe, body));
  // The visible skin beside the repaint goes on into it (SKIN_CONTINUE).
  const reach = Math.max(1, SKIN_CONTINUE * sw);
  const beside = fills[FILL.skin] ? skinBeside(photo, labels, exposed, cw, { dx0, dy0, dw, dh, ox, oy, box: targetBox }, targets, reach, Math.max(2, SKIN_EDGE_BAND * sw)) : undefined;
  const mirror = fills[FILL.lower] ? lowerMirror(wardrobe, W, targets, kind, dw, dx0, dy0, Math.max(1, Math.round(MIRROR_SMOOTHING * sw))) : undefined;
  blendFills(photo, out, { targets, kind, exposed, fills, soft, round, beside, mirror, dw, dx0, dy0, ox, oy, sx0, sy0, sbw }, shade, skinTone(photo, wardrobe));
  return targets.length;
}

/** Which fill each domain pixel gives its colour to (1 + the fill; 0: none); skin not from the face or where hair falls. */
function fillSources(labels: Uint8Array, exposed: Float32Array, fillOf: Uint8Array, cw: number, dx0: number, dy0: number, dw: number, dh: number, head: { x: number; y: number; r2: number; row: number; sw: number }): Uint8Array {
  const source = new Uint8Array(dw * dh);
  const { x: headX, y: headY, r2: headR2, sw } = head;
  const skin = FILL.skin + 1;
  for (let y = 0, d = 0; y < dh; y++) {
    // Skin is taken from the neck, shoulders and arms, not from the face or where hair falls (fair hair reads as skin).
    const hairZone = y < head.row;
    for (let x = 0, i = (y + dy0) * cw + dx0; x < dw; x++, d++, i++) {
      if (exposed[d]! > 0) continue;
      const f = fillOf[labels[i]!]!;
      if (f === 0) continue;
      // Skin only where its neighbours two pixels away are skin too: no pixel blended with hair, clothes or background.
      if (f === skin && !cleanSkin(labels, i, cw)) continue;
      if (hairZone && f === skin) {
        const ax = Math.abs(x - headX);
        if ((ax > 0.12 * sw && ax < 0.55 * sw) || (ax * ax + (y - headY) ** 2 < headR2)) continue;
      }
      source[d] = f;
    }
  }
  return source;
}

/** What {@link blendFills} paints: the targets (domain indices), their kinds, fills and soft borders, and where the domain is. */
interface Repaint {
  targets: Int32Array;
  kind: Uint8Array;
  exposed: Float32Array;
  fills: (Float32Array | undefined)[];
  soft: (Float32Array | undefined)[];
  /** The body's roundness over the domain ({@link bodyRoundness}), when skin is repainted. */
  round: Float32Array | undefined;
  /** The visible skin beside the repaint, continued ({@link skinBeside}), when skin is repainted. */
  beside: SkinBeside | undefined;
  /** Per target, the photo pixel (index) the continued lower garment is copied from ({@link lowerMirror}); −1: the fill's. */
  mirror: Int32Array | undefined;
  /** Domain width, its origin in the crop (dx0, dy0) and in the photo (ox, oy). */
  dw: number; dx0: number; dy0: number; ox: number; oy: number;
  /** The soft borders' box: origin in the domain and width. */
  sx0: number; sy0: number; sbw: number;
}

/**
 * Paints the targets into `out`: their kinds' fills, mixed by the soft borders, shaded, with grain. Skin is synthesised
 * from the person's own visible skin (`tone`): its colour (chroma) at a brightness taken mostly from the nearby skin's
 * fill and partly from all visible skin's, times the photo's light and shade, with grain as fine as the skin's own.
 */
function blendFills(photo: RgbImage, out: RgbImage, rp: Repaint, shade: ShadingField, tone: SkinTone | undefined): void {
  const { targets, kind, exposed, fills, soft, round, beside, mirror, dw, dx0, dy0, ox, oy, sx0, sy0, sbw } = rp;
  const W = photo.width;
  // The skin's grain: the same fine-texture spread as the visible skin's.
  const skinGrain = tone ? tone.texture / GRAIN_TEXTURE : 0;
  let seed = 0x9e3779b9;
  for (let t = 0; t < targets.length; t++) {
    const d = targets[t]!;
    const dxx = d % dw;
    const dyy = (d - dxx) / dw;
    const sh = shadeAt(shade, dxx + dx0, dyy + dy0);
    const sd = (dyy - sy0) * sbw + dxx - sx0;
    let total = 0;
    let r = 0, g = 0, b = 0;
    let skinShare = 0;
    for (let k = 0; k < 3; k++) {
      const fill = fills[k];
      if (!fill) continue;
      const sk = soft[k];
      const wk = sk ? sk[sd]! : kind[d] === k ? 1 : 0;
      if (wk <= 0) continue;
      // Skin and the continued lower garment keep the photo's light and shade; the background stays as it is.
      const from = k === FILL.lower && mirror ? mirror[t]! : -1;
      // The lower garment continued from its own visible pixels (weave, wash and light included), else the fill's colour.
      const s = k === FILL.background || from >= 0 ? 1 : 1 + REPAINT_SHADING * (sh - 1);
      const fr = from >= 0 ? photo.data[from * 3]! : fill[t * 3]!;
      const fg = from >= 0 ? photo.data[from * 3 + 1]! : fill[t * 3 + 1]!;
      const fb = from >= 0 ? photo.data[from * 3 + 2]! : fill[t * 3 + 2]!;
      if (k === FILL.skin && tone) {
        // The person's own skin colour at the nearby skin's brightness, partly evened out towards all visible skin's
        // (a fill from the neck alone would carry the chin's shadow down the chest), in the photo's light and shade
        // and darker towards the body's outline (its roundness).
        const light = (1 + SKIN_SHADING * (sh - 1)) * (round ? round[d]! : 1);
        const luma = (SKIN_FROM_FILL * (0.299 * fr + 0.587 * fg + 0.114 * fb) + (1 - SKIN_FROM_FILL) * tone.luma) * light;
        // Next to the visible skin, that skin's own colour and light (the fill's) go on, fading into the synthesised tone.
        const c = beside ? beside.near[t]! : 0;
        const j = c > 0 ? beside!.slot[t]! * 3 : -1;
        const bf = beside?.fill;
        const br = j >= 0 ? bf![j]! : 0, bg = j >= 0 ? bf![j + 1]! : 0, bb = j >= 0 ? bf![j + 2]! : 0;
        r += wk * (c * br + (1 - c) * tone.chroma[0] * luma); g += wk * (c * bg + (1 - c) * tone.chroma[1] * luma); b += wk * (c * bb + (1 - c) * tone.chroma[2] * luma);
        skinShare += wk;
      } else {
        r += wk * fr * s; g += wk * fg * s; b += wk * fb * s;
      }
      total += wk;
    }
    if (total < 1e-3) {
      const fallback = fills[FILL.skin] ?? fills[FILL.background]!;
      r = fallback[t * 3]!; g = fallback[t * 3 + 1]!; b = fallback[t * 3 + 2]!; total = 1;
    }
    const x = d % dw;
    const y = (d - x) / dw;
    // Grain, so the repaint is not a flat, plastic block: the skin's own fine texture on skin (in its colour), a
    // photo's faint noise elsewhere.
    seed = (seed * 1664525 + 1013904223) >>> 0;
    const noise = ((seed >>> 8) / 16777216 - 0.5) * 3;
    const share = skinShare / total;
    const pores = share > 0 ? grainAt(x + ox, y + oy) * skinGrain * share : 0;
    const e = Math.min(1, exposed[d]! * 1.5);
    const o = ((y + oy) * W + x + ox) * 3;
    const rest = (1 - share) * noise;
    out.data[o] = clamp(photo.data[o]! * (1 - e) + (r / total + rest + pores * (tone?.chroma[0] ?? 1)) * e);
    out.data[o + 1] = clamp(photo.data[o + 1]! * (1 - e) + (g / total + rest + pores * (tone?.chroma[1] ?? 1)) * e);
    out.data[o + 2] = clamp(photo.data[o + 2]! * (1 - e) + (b / total + rest + pores * (tone?.chroma[2] ?? 1)) * e);
  }
}

/** Box (x0, y0, x1, y1; x1 = -1 when none) of the old top's pixels the garment does not cover, in the crop. */
function exposedTopBox(labels: Uint8Array, cover: Float32Array, cw: number, ch: number): Int32Array {
  let ex0 = cw, ey0 = ch, ex1 = -1, ey1 = -1;
  const top = WEAR.top;
  for (let y = 0; y < ch; y++) {
    for (let x = 0, i = y * cw; x < cw; x++, i++) {
      if (labels[i] !== top || cover[i]! >= COVERED) continue;
      if (x < ex0) ex0 = x;
      if (x > ex1) ex1 = x;
      if (y < ey0) ey0 = y;
      ey1 = y;
    }
  }
  return Int32Array.of(ex0, ey0, ex1, ey1);
}

/**
 * The exposed old top in the domain (`exposed`, dw×dh at dx0, dy0 of the crop) — with the pixels read as the lower
 * garment above the domain row `lowerFrom` ({@link LOWER_ABOVE_WAIST}) — the skin within `skinEdge` pixels of it
 * ({@link SKIN_EDGE}) and the pixels outside the person within `backgroundEdge` pixels of it above `lowerFrom`
 * ({@link BACKGROUND_EDGE}), grown by a ring (the old garment's blended edge pixels go too), never where the garment covers, never above `neckRow`.
 */
function markExposed(labels: Uint8Array, cover: Float32Array, cw: number, dx0: number, dy0: number, dw: number, dh: number, ring: number, neckRow: number, exposed: Float32Array, edges: { skinEdge: number; backgroundEdge: number; lowerFrom: number; hands?: Uint8Array } = { skinEdge: 0, backgroundEdge: 0, lowerFrom: -Infinity }): void {
  const top = WEAR.top;
  const other = WEAR.other;
  const lower = WEAR.lower;
  const { skinEdge, backgroundEdge, lowerFrom, hands } = edges;
  // Above the waist, the lower garment's colours are the old top's (a navy top's shaded side read as dark jeans); a
  // hand beside the body is never the old top (its shaded fingers read as an orange or pink top's colours).
  const isOld = (l: number, y: number, d: number): boolean => (l === top || (l === lower && y < lowerFrom)) && !(hands && hands[d]);
  for (let y = 0, d = 0; y < dh; y++) {
    for (let x = 0, i = (y + dy0) * cw + dx0; x < dw; x++, d++, i++) if (isOld(labels[i]!, y, d)) exposed[d] = 1;
  }
  // Seams, buttons, piping and deep folds of the old top match no colour model: "other" pixels amid the old top go too.
  const amid = new Float32Array(exposed);
  boxBlurInPlace(amid, dw, dh, 3 * ring, 1);
  // Nothing above the base of the neck is taken for the old top (dark hair reads like a dark top).
  for (let y = 0, d = 0; y < dh; y++) {
    if (y < neckRow) { d += dw; continue; }
    for (let x = 0, i = (y + dy0) * cw + dx0; x < dw; x++, d++, i++) {
      const l = labels[i]!;
      const old = isOld(l, y, d) || (l === other && amid[d]! > 0.3 && !(hands && hands[d]));
      exposed[d] = old && cover[i]! < COVERED ? 1 : 0;
    }
  }
  // The skin along the old top's edge goes too: its shadow on the skin and the pixels blended with it (read as skin)
  // stayed as a dark outline of the old neckline, collar or sleeves around the repaint.
  // So does the background along it: the old top's outer edge, blended with the background, lies partly outside the
  // person's mask and stayed as a thin outline of the old sleeve or shoulder.
  const edge = [[WEAR.skin, skinEdge], [WEAR.background, backgroundEdge]] as const;
  const near = edge.map(([, reach]) => {
    if (reach <= 0) return undefined;
    const m = new Float32Array(exposed);
    boxBlurInPlace(m, dw, dh, reach, 1);
    return m;
  });
  for (let y = Math.max(0, Math.ceil(neckRow)), d = y * dw; y < dh; y++) {
    for (let x = 0, i = (y + dy0) * cw + dx0; x < dw; x++, d++, i++) {
      const l = labels[i]!;
      for (let e = 0; e < edge.length; e++) {
        // Not beside the lower garment: its own outline is kept (the old top's edge lies above the waist).
        if (near[e] && near[e]![d]! > 0 && l === edge[e]![0] && cover[i]! < COVERED && (l !== WEAR.background || y < lowerFrom)) exposed[d] = 1;
      }
    }
  }
  boxBlurInPlace(exposed, dw, dh, ring, 1);
}

/** The domain pixels to repaint (exposed, not covered, not hair), and their box (x0, y0, x1, y1) into `box`. */
function collectTargets(labels: Uint8Array, cover: Float32Array, cw: number, dx0: number, dy0: number, dw: number, dh: number, exposed: Float32Array, box: Int32Array): Int32Array {
  const list = new Int32Array(dw * dh);
  let count = 0;
  let tx0 = dw, ty0 = dh, tx1 = -1, ty1 = -1;
  const hair = WEAR.hair;
  for (let y = 0, d = 0; y < dh; y++) {
    for (let x = 0, i = (y + dy0) * cw + dx0; x < dw; x++, d++, i++) {
      if (!(exposed[d]! > 0.01 && cover[i]! < COVERED && labels[i] !== hair)) continue;
      list[count++] = d;
      if (x < tx0) tx0 = x;
      if (x > tx1) tx1 = x;
      if (y < ty0) ty0 = y;
      ty1 = y;
    }
  }
  box[0] = tx0; box[1] = ty0; box[2] = tx1; box[3] = ty1;
  return list.subarray(0, count);
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * The waist (crop row) where the lower garment starts: the first row, going down the torso axis from halfway to the
 * hips, where at least 40 % of the pixels within ±0.25 shoulder widths are lower garment; without one, a little above
 * the hip joints (trousers are worn there).
 */
function waistRow(wardrobe: Wardrobe, smx: number, hmx: number, smy: number, hmy: number, sw: number): number {
  const { labels, crop } = wardrobe;
  const cw = crop.width;
  const fallback = hmy - 0.15 * sw;
  for (let y = Math.max(0, Math.round(smy + 0.5 * (hmy - smy))); y < Math.min(crop.height, hmy + 0.5 * sw); y++) {
    const f = Math.min(1, Math.max(0, (y - smy) / Math.max(1, hmy - smy)));
    const cx = smx + (hmx - smx) * f;
    let n = 0, hit = 0;
    for (let x = Math.max(0, Math.round(cx - 0.25 * sw)); x <= Math.min(cw - 1, Math.round(cx + 0.25 * sw)); x += 2) {
      n++;
      if (labels[y * cw + x] === WEAR.lower) hit++;
    }
    if (n > 0 && hit >= 0.4 * n) return Math.min(y, fallback);
  }
  return fallback;
}
