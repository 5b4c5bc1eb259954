import type { FloatImage } from './image/raster.js';

/**
 * Share of the widest row by which a sleeve's end must stand apart from the body panel (outside the centre run, with
 * background in between) in some row of the garment's lower half for sleeves to be taken as hanging along the body.
 * Default 0.05.
 */
export const HANGING_CUFF_SEPARATION = 0.05;

/**
 * Slope (rows per column, outward) of the top outline at and beyond which the outline has left the shoulder line for a
 * hanging sleeve's cap. Default 1 (45°).
 */
export const SLEEVE_CAP_SLOPE = 1;

/** Where long sleeves hanging down along the body panel meet it: the shoulder seams' columns. */
export interface HangingSleeves {
  seamLeft: number;
  seamRight: number;
}

/** What {@link findHangingSleeves} reads off the silhouette: its rows, the body's centre column and the hem row. */
export interface SilhouetteRows {
  top: number;
  bottom: number;
  hemY: number;
  centre: number;
  /** First and last garment column of every row (-1 when empty). */
  left: Int32Array;
  right: Int32Array;
}

/**
 * Long sleeves hanging down along the body panel and touching it all the way (no background between sleeve and body
 * until near the cuff), so the silhouette is one blob growing wider from the collar down. They are told by the sleeve's
 * end: in some row of the lower half (down to the hem), on at least one side, garment pixels stand apart from the
 * run through the centre by at least {@link HANGING_CUFF_SEPARATION} of the widest row — the cuff, ending beside the
 * body panel (an A-line body flaring to its hem, or a curved hem, stays one run). The shoulder seams are where the top
 * outline, going out from the neckline, turns down steeply ({@link SLEEVE_CAP_SLOPE}) over the sleeve's cap. Undefined
 * when there is no such separate cuff, or no such seam on either side.
 */
export function findHangingSleeves(mask: FloatImage, rows: SilhouetteRows): HangingSleeves | undefined {
  const { top, bottom, hemY, centre, left, right } = rows;
  const h = bottom - top;
  let widest = 0;
  for (let y = top; y <= bottom; y++) if (left[y]! >= 0) widest = Math.max(widest, right[y]! - left[y]!);
  const apart = HANGING_CUFF_SEPARATION * widest;
  const c = Math.round(centre);
  let cuff = false;
  for (let y = Math.round(top + 0.5 * h); y <= hemY && !cuff; y++) {
    const row = y * mask.width;
    if (mask.data[row + c]! <= 0.5) continue;
    let l = c;
    let r = c;
    while (l > 0 && mask.data[row + l - 1]! > 0.5) l--;
    while (r < mask.width - 1 && mask.data[row + r + 1]! > 0.5) r++;
    if (l - left[y]! >= apart || right[y]! - r >= apart) cuff = true;
  }
  if (!cuff) return undefined;
  // The top outline: the first garment row of every column.
  const outline = new Int32Array(mask.width).fill(-1);
  for (let x = 0; x < mask.width; x++) {
    for (let y = top; y <= bottom; y++) if (mask.data[y * mask.width + x]! > 0.5) { outline[x] = y; break; }
  }
  const step = Math.max(2, Math.round(0.03 * widest));
  const seam = (sign: 1 | -1): number | undefined => {
    // Out from past the neckline, the first column where the outline drops at least SLEEVE_CAP_SLOPE over a step.
    for (let x = Math.round(centre + sign * 0.2 * widest); x - sign * step >= 0 && x + sign * step < mask.width; x += sign) {
      const here = outline[x]!;
      const beyond = outline[x + sign * step]!;
      if (here < 0) return undefined;
      if (beyond < 0 || beyond - here >= SLEEVE_CAP_SLOPE * step) return x;
    }
    return undefined;
  };
  const seamLeft = seam(-1);
  const seamRight = seam(1);
  if (seamLeft === undefined || seamRight === undefined) return undefined;
  // The sleeves must lie outside the seams: the silhouette's sides, below the shoulders, well beyond them.
  if (seamLeft - Math.min(...Array.from(left.subarray(top, hemY + 1)).filter((v) => v >= 0)) < 0.1 * widest) return undefined;
  if (Math.max(...Array.from(right.subarray(top, hemY + 1))) - seamRight < 0.1 * widest) return undefined;
  return { seamLeft, seamRight };
}
