import type { RgbImage } from './image/raster.js';
import { chamferDistance } from './image/chamfer.js';
import { pushPullFills } from './push-pull.js';
import { WEAR } from './wear.js';

/**
 * How far (in shoulder widths) repainted skin goes on in the colour of the visible skin beside it (the fill's own
 * colour, fading into the synthesised skin tone): the neck's skin and its shading run on down the chest, with no seam
 * where the repaint starts. Default 0.2.
 */
export const SKIN_CONTINUE = 0.2;
/** The visible skin that goes on ({@link SKIN_CONTINUE}) is the skin within this many shoulder widths of the repaint. Default 0.05. */
export const SKIN_EDGE_BAND = 0.05;

/** The visible skin beside the repaint, for each target: its colour (filled from it) and how near it is. */
export interface SkinBeside {
  /** The push–pull fill of the visible skin's colours, three numbers for each target within reach of it. */
  fill: Float32Array;
  /** Per target, where its colour is in `fill` (−1: out of reach). */
  slot: Int32Array;
  /** Per target: 1 at the visible skin, falling to 0 at `reach` pixels from it. */
  near: Float32Array;
}

/**
 * The clean visible skin within `edgeBand` pixels of the targets (not exposed; the neck in the hair zone included, so
 * the neck's own skin goes on under an old collar) filled over the targets within `reach` of it, in the targets' box
 * grown by `reach`, and how near it is. Undefined when no skin is within reach.
 */
export function skinBeside(photo: RgbImage, labels: Uint8Array, exposed: Float32Array, cw: number, at: { dx0: number; dy0: number; dw: number; dh: number; ox: number; oy: number; box: Int32Array }, targets: Int32Array, reach: number, edgeBand: number): SkinBeside | undefined {
  const { dx0, dy0, dw, dh, ox, oy, box } = at;
  const r = Math.ceil(reach);
  const bx0 = Math.max(0, box[0]! - r), by0 = Math.max(0, box[1]! - r);
  const bw = Math.min(dw, box[2]! + r + 1) - bx0, bh = Math.min(dh, box[3]! + r + 1) - by0;
  if (bw <= 0 || bh <= 0) return undefined;
  const visible = new Uint8Array(bw * bh);
  for (let y = 0, b = 0; y < bh; y++) {
    for (let x = 0, d = (y + by0) * dw + bx0, i = (y + by0 + dy0) * cw + bx0 + dx0; x < bw; x++, b++, d++, i++) if (exposed[d]! <= 0 && labels[i] === WEAR.skin && cleanSkin(labels, i, cw)) visible[b] = 1;
  }
  // Only the visible skin along the repaint's edge gives its colour (the neck's just above an old collar, not the
  // face's or the chin's shadow further up, which a fill from all visible skin mixes in a few pixels into the repaint).
  const isTarget = new Uint8Array(bw * bh);
  for (let t = 0; t < targets.length; t++) {
    const d = targets[t]!;
    const x = d % dw;
    isTarget[((d - x) / dw - by0) * bw + x - bx0] = 1;
  }
  const fromTargets = chamferDistance(isTarget, bw, bh, edgeBand + 1);
  for (let b = 0; b < visible.length; b++) if (fromTargets[b]! > edgeBand) visible[b] = 0;
  const distance = chamferDistance(visible, bw, bh, reach);
  // Only the targets within reach of the visible skin take its colour: the fill is made for them alone.
  const near = new Float32Array(targets.length);
  const slot = new Int32Array(targets.length).fill(-1);
  const within = new Int32Array(targets.length);
  let count = 0;
  for (let t = 0; t < targets.length; t++) {
    const d = targets[t]!;
    const x = d % dw;
    const b = ((d - x) / dw - by0) * bw + x - bx0;
    near[t] = 1 - distance[b]! / reach;
    if (near[t]! > 0) { slot[t] = count; within[count++] = b; }
  }
  if (count === 0) return undefined;
  const fill = pushPullFills({ data: photo.data, row: photo.width, start: (oy + by0) * photo.width + ox + bx0 }, visible, 1, bw, bh, within.subarray(0, count))[0];
  if (!fill) return undefined;
  return { fill, slot, near };
}

/** Whether the crop pixel `i` and its neighbours two pixels away (where inside the crop) are all skin. */
export function cleanSkin(labels: Uint8Array, i: number, cw: number): boolean {
  const skin = WEAR.skin;
  const n = labels.length;
  return (i < 2 || labels[i - 2] === skin) && (i + 2 >= n || labels[i + 2] === skin) && (i < 2 * cw || labels[i - 2 * cw] === skin) && (i + 2 * cw >= n || labels[i + 2 * cw] === skin);
}
