import type { UpperBody } from './body.js';
import type { FloatImage } from './image/raster.js';
import { WEAR } from './wardrobe.js';

/**
 * Columns this close to the middle of the neck (in shoulder widths) are the neckline's: a garment is never grown up
 * there (a scoop, V or boat neck stays open). Default 0.2.
 */
export const NECKLINE_CLEARANCE = 0.2;
/**
 * Past the neckline's clearance, how far out (in shoulder widths) the garment's edge is raised by less than the whole
 * way (from nothing to all of it): its top edge slopes from the neckline up to the shoulder instead of stepping. Default 0.12.
 */
export const NECKLINE_TAPER = 0.12;
/** Farthest a garment's top edge is grown up to the shoulders' outline, in shoulder widths. Default 0.16. */
export const MAX_SHOULDER_REACH = 0.16;
/** The warped garment's matte at or above this is its solid fabric (below it, the frayed or blended outline). Default 0.9. */
export const SOLID_MATTE = 0.9;
/** Columns this far past a shoulder joint (in shoulder widths) still belong to the shoulder. Default 0.22. */
export const SHOULDER_OUTSET = 0.22;

/** The warped garment in the composite's crop: matte (`raw`, crop-sized) and its garment source per photo pixel. */
export interface WarpedGarment {
  raw: Float32Array;
  sourceX: Float32Array;
  sourceY: Float32Array;
  /** The crop's origin in the photo and its size. */
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/**
 * Grows the warped garment's top edge over the shoulders up to the person's outline. A sleeve is placed from the
 * shoulder joint and a garment's shoulder line slopes down to it, so between the neckline and the arm the garment
 * often ends below the shoulder's top; the old top there was repainted as skin, and the shopper saw a gap on the
 * shoulder (the garment hanging off it). In every column over a shoulder (from {@link NECKLINE_CLEARANCE} out from
 * the neck to {@link SHOULDER_OUTSET} past the joint), person pixels above the garment's topmost pixel, up to
 * {@link MAX_SHOULDER_REACH} shoulder widths, take the garment mirrored about that edge (when the outline is within that reach; within {@link NECKLINE_TAPER}
 * of the neckline's clearance only part of the way, so the edge slopes up from the neckline); hair and the head
 * stay in front, and the photo's shading is applied later as everywhere else. The old top is grown over; with
 * `overSkin` (a garment with sleeves, whose shoulder seams lie on top of the shoulders) bare skin is too, up to the
 * outline or hair, but not skin that goes on up to the head (the neck): on a shopper in a sleeveless top only the
 * straps were grown over, so pieces of the garment stood up where the straps were with bare skin between them.
 * A sleeveless garment (`overSkin` false, the default) leaves bare shoulders bare: its straps lie inside them. Grown
 * columns are opaque from the outline down to the garment's solid fabric ({@link SOLID_MATTE}). Returns how many pixels were added.
 */
export function reachShoulderOutline(garment: WarpedGarment, personMask: FloatImage, labels: Uint8Array, body: UpperBody, overSkin = false): number {
  const { raw, sourceX, sourceY, x0, y0, width: cw, height: ch } = garment;
  const W = personMask.width;
  const sw = body.shoulderWidth;
  const reach = Math.round(MAX_SHOULDER_REACH * sw);
  const inset = Math.max(2, Math.round(0.01 * sw));
  const hx = body.head.x;
  const hy = body.head.y;
  const hr2 = body.head.radius * body.head.radius;
  // Rows where a shoulder's garment edge may be: from well above the neck's base to below the shoulder joints.
  const top = Math.max(0, Math.floor(Math.min(body.neck.y, body.shoulderLeft.y, body.shoulderRight.y) - 0.45 * sw) - y0);
  const bottom = Math.min(ch - 1, Math.ceil(Math.max(body.shoulderLeft.y, body.shoulderRight.y) + 0.35 * sw) - y0);
  let added = 0;
  for (const shoulder of [body.shoulderLeft, body.shoulderRight]) {
    const side = Math.sign(shoulder.x - body.neck.x) || 1;
    const near = body.neck.x + side * NECKLINE_CLEARANCE * sw;
    const far = shoulder.x + side * SHOULDER_OUTSET * sw;
    const from = Math.max(0, Math.round(Math.min(near, far)) - x0);
    const to = Math.min(cw - 1, Math.round(Math.max(near, far)) - x0);
    for (let x = from; x <= to; x++) {
      let edge = -1;
      for (let y = top; y <= bottom; y++) {
        if (raw[y * cw + x]! >= 0.5) { edge = y; break; }
      }
      if (edge < 0) continue;
      // The source inside the edge, where the fabric is solid: a product photo's matte frays along its outline (fuzz,
      // JPEG noise), and that ragged, half-transparent band mirrored upwards left pale spikes over the shoulder.
      let inner = edge;
      const deepest = Math.min(ch - 1, edge + reach);
      while (inner < deepest && raw[inner * cw + x]! < SOLID_MATTE) inner++;
      if (raw[inner * cw + x]! < SOLID_MATTE) continue;
      for (let k = 0; k < inset && inner + 1 < ch && raw[(inner + 1) * cw + x]! >= SOLID_MATTE; k++) inner++;
      const px = x + x0;
      if (Number.isNaN(sourceX[(inner + y0) * W + px]!)) continue;
      // Only where the shoulder's outline (or hair, or the head) is within reach: an armhole or a low neckline that
      // ends far below the outline stays as it is.
      let stop = -1;
      let bare = false;
      for (let y = edge - 1; y >= Math.max(0, edge - reach); y--) {
        const py = y + y0;
        const p = py * W + px;
        const label = labels[y * cw + x];
        const head = (px - hx) * (px - hx) + (py - hy) * (py - hy) <= hr2;
        if (overSkin && label === WEAR.skin && personMask.data[p]! > 0.5 && !head) { bare = true; continue; }
        if (personMask.data[p]! <= 0.5 || (label !== WEAR.top && label !== WEAR.other) || head) {
          // Across bare skin only up to the outline or hair: skin that goes on up to the head is the neck.
          if (!(bare && head)) stop = y;
          break;
        }
      }
      if (stop < 0) continue;
      // Each added pixel, and the frayed band between the edge and the solid fabric, takes the garment as far inside
      // the solid fabric as it lies above it (mirrored), so the fabric's texture goes on rather than one pixel's colour
      // drawn out into a streak, and is opaque (the outline is feathered against the person's mask later).
      let mirror = inner;
      const t = Math.max(0, Math.min(1, (Math.abs(x + x0 - body.neck.x) - NECKLINE_CLEARANCE * sw) / (NECKLINE_TAPER * sw)));
      const lift = Math.round((edge - stop - 1) * t * t * (3 - 2 * t));
      if (lift <= 0) continue;
      for (let y = inner - 1; y >= edge - lift; y--) {
        const below = inner + (inner - 1 - y);
        if (below < ch && raw[below * cw + x]! >= SOLID_MATTE && !Number.isNaN(sourceX[(below + y0) * W + px]!)) mirror = below;
        const from = (mirror + y0) * W + px;
        const p = (y + y0) * W + px;
        raw[y * cw + x] = 1;
        sourceX[p] = sourceX[from]!;
        sourceY[p] = sourceY[from]!;
        if (y < edge) added++;
      }
    }
  }
  return added;
}

