import type { FloatImage, RgbImage } from './image/raster.js';
import { pushPullFill } from './push-pull.js';

/** How far the neck window reaches either side of the body panel's centre, in body-panel widths. Default 0.2. */
export const NECK_WINDOW_HALF_WIDTH = 0.2;
/** How far down from the garment's top the neck window reaches, in body-panel widths. Default 0.3. */
export const NECK_WINDOW_DEPTH = 0.3;
/** RGB distance from the neck window's own colour past which a pixel may be a label or a shadowed inside. Default 70. */
export const LABEL_CONTRAST = 70;
/** A label is compact: its box is at most this share of the neck window's width (a contrasting collar or trim spans it). Default 0.8. */
export const LABEL_MAX_WIDTH = 0.8;
/** A label's groups fill at least this share of their box (lines such as a collar's outline do not). Default 0.2. */
export const LABEL_SOLIDITY = 0.2;
/** A label's groups are at least this size squared, in body-panel widths (specks of a print are smaller). Default 0.015. */
export const LABEL_MIN_SIZE = 0.015;
/** Margin around a label's box that is filled too, in body-panel widths. Default 0.02. */
export const LABEL_MARGIN = 0.02;

/** Where the neck window is: the garment's top centre and its body panel's width (product-photo pixels). */
export interface NeckWindowPlace {
  centre: number;
  top: number;
  bodyWidth: number;
}

/**
 * Takes the care label (and the dark inside of the back it is sewn on) out of a product photo's neck opening. A flat
 * product photo shows the inside of the back through the neck opening, with its label; worn, that part lies behind
 * the neck, but the warp lays it on the chest just under the neck, where a shopper saw a dark patch or a yoke (the
 * polo's navy label, the logo tee's black-framed label). In a window at the top centre of the garment, compact groups
 * of pixels far (> {@link LABEL_CONTRAST}) from the window's median colour, touching neither side of the window and
 * narrower than {@link LABEL_MAX_WIDTH} of it (a contrasting collar or trim runs across it and is kept), mark the
 * label: their joint box (a label's print makes several groups) and a margin of {@link LABEL_MARGIN} are filled from
 * the garment's colours around it (push–pull). Modifies `image`; returns how many
 * pixels were filled.
 */
export function removeNeckLabel(image: RgbImage, alpha: FloatImage, place: NeckWindowPlace): number {
  const { width, height, data } = image;
  const half = NECK_WINDOW_HALF_WIDTH * place.bodyWidth;
  const x0 = Math.max(0, Math.floor(place.centre - half));
  const x1 = Math.min(width - 1, Math.ceil(place.centre + half));
  const y0 = Math.max(0, Math.floor(place.top));
  const y1 = Math.min(height - 1, Math.ceil(place.top + NECK_WINDOW_DEPTH * place.bodyWidth));
  const w = x1 - x0 + 1;
  const h = y1 - y0 + 1;
  if (w < 8 || h < 8) return 0;
  // The window's own colour: the per-channel median of its garment pixels.
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * width + x;
      if (alpha.data[i]! < 0.99) continue;
      for (let c = 0; c < 3; c++) hist[c]![data[i * 3 + c]!]!++;
      count++;
    }
  }
  if (count < 0.2 * w * h) return 0;
  const median = hist.map((hc) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += hc[v]!) * 2 >= count) return v;
    return 255;
  });
  const far = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y + y0) * width + x + x0;
      if (alpha.data[i]! < 0.5) continue;
      const dr = data[i * 3]! - median[0]!, dg = data[i * 3 + 1]! - median[1]!, db = data[i * 3 + 2]! - median[2]!;
      if (dr * dr + dg * dg + db * db > LABEL_CONTRAST * LABEL_CONTRAST) far[y * w + x] = 1;
    }
  }
  // Compact groups of far pixels (8-connected) that touch neither side of the window: their boxes.
  const group = new Uint8Array(w * h);
  const boxes: [number, number, number, number][] = [];
  const stack: number[] = [];
  const minSize = Math.max(12, (LABEL_MIN_SIZE * place.bodyWidth) ** 2);
  for (let s = 0; s < w * h; s++) {
    if (!far[s] || group[s]) continue;
    let size = 0;
    let gx0 = w, gy0 = h, gx1 = -1, gy1 = -1;
    group[s] = 1;
    stack.push(s);
    while (stack.length) {
      const q = stack.pop()!;
      size++;
      const qx = q % w;
      const qy = (q - qx) / w;
      if (qx < gx0) gx0 = qx;
      if (qx > gx1) gx1 = qx;
      if (qy < gy0) gy0 = qy;
      if (qy > gy1) gy1 = qy;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = qx + dx, ny = qy + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const n = ny * w + nx;
          if (far[n] && !group[n]) { group[n] = 1; stack.push(n); }
        }
      }
    }
    // Not a line (a collar's outline, a seam: thin across its box) nor a speck of print: a label or its lettering.
    const boxArea = (gx1 - gx0 + 1) * (gy1 - gy0 + 1);
    if (gx0 === 0 || gx1 === w - 1 || gx1 - gx0 + 1 > LABEL_MAX_WIDTH * w || size < minSize || size < LABEL_SOLIDITY * boxArea) continue;
    boxes.push([gx0, gy0, gx1, gy1]);
  }
  if (boxes.length === 0) return 0;
  // A label is a rectangle whose print makes several groups: their joint box, when it is still label-sized, else each
  // group's own; with a margin (the label's edge, its stitching and shadow go too).
  const joint = boxes.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
  const labelBoxes = joint[2] - joint[0] + 1 <= LABEL_MAX_WIDTH * w && joint[3] - joint[1] + 1 <= 0.6 * h ? [joint] : boxes;
  const margin = Math.max(2, Math.round(LABEL_MARGIN * place.bodyWidth));
  const inLabel = new Uint8Array(w * h);
  for (const [bx0, by0, bx1, by1] of labelBoxes) {
    for (let y = Math.max(0, by0 - margin); y <= Math.min(h - 1, by1 + margin); y++) inLabel.fill(1, y * w + Math.max(0, bx0 - margin), y * w + Math.min(w - 1, bx1 + margin) + 1);
  }
  const targets: number[] = [];
  const known = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = y * w + x;
      const i = (y + y0) * width + x + x0;
      if (alpha.data[i]! <= 0) continue;
      if (inLabel[d]) targets.push(d);
      else if (alpha.data[i]! >= 0.99 && !far[d]) known[d] = 1;
    }
  }
  if (targets.length === 0) return 0;
  const colour = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) colour[(y * w + x) * 3 + c] = data[((y + y0) * width + x + x0) * 3 + c]!;
  }
  const list = Int32Array.from(targets);
  const filled = new Float32Array(list.length * 3);
  pushPullFill(colour, known, w, h, list, filled);
  for (let t = 0; t < list.length; t++) {
    const d = list[t]!;
    const x = d % w;
    const i = ((d - x) / w + y0) * width + x + x0;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(filled[t * 3 + c]!);
  }
  return list.length;
}
