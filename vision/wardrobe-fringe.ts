import { boxBlurInPlace } from './image/raster.js';
import { WEAR } from './wear.js';

/**
 * An arm's outline against the background blends skin with the backdrop, and that blend can match the lower garment's
 * colours (pale skin on a grey backdrop reads as light-blue jeans): the arm then carries a thin band of "lower garment"
 * from the waist down, which the repaint takes for the old top and paints over, leaving a light halo along the arm.
 * A lower garment is a body of cloth, not a band a few pixels wide: lower-garment pixels whose neighbourhood
 * ({@link FRINGE_RADIUS}) is mostly not lower garment, with skin beside them, are skin. Mutates `labels`; returns how many
 * pixels changed.
 */

/** Half the side of the neighbourhood, in shoulder widths. Default 0.03. */
export const FRINGE_RADIUS = 0.03;
/** Share of lower-garment pixels in the neighbourhood under which a lower-garment pixel is a fringe. Default 0.4. */
export const FRINGE_SHARE = 0.4;

/** Relabels thin bands of lower garment beside skin as skin (see the module comment). */
export function skinFringeOfLower(labels: Uint8Array, width: number, height: number, shoulderWidth: number): number {
  const radius = Math.max(2, Math.round(FRINGE_RADIUS * shoulderWidth));
  const lower = new Float32Array(labels.length);
  const skin = new Float32Array(labels.length);
  let any = false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === WEAR.lower) { lower[i] = 1; any = true; }
    else if (labels[i] === WEAR.skin) skin[i] = 1;
  }
  if (!any) return 0;
  boxBlurInPlace(lower, width, height, radius, 1);
  boxBlurInPlace(skin, width, height, radius, 1);
  let changed = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== WEAR.lower || lower[i]! >= FRINGE_SHARE || skin[i]! <= 0) continue;
    labels[i] = WEAR.skin;
    changed++;
  }
  return changed;
}
