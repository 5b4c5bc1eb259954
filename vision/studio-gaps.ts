import { floodFromBorder } from './image/flood.js';
import type { FloatImage, RgbImage } from './image/raster.js';
import type { Crop } from './wardrobe.js';

/** Person-mask value at or below which a pixel is outside the person (where the garment is clipped). Default 0.3. */
export const OUTSIDE_PERSON = 0.3;
/** Smallest and largest RGB distance from the studio's colour still read as the studio (from its own spread). Defaults 12, 24. */
export const STUDIO_TOLERANCE = [12, 24] as const;

/**
 * The studio background the person mask takes in (1 per crop pixel; 0 elsewhere): pixels inside the mask in the
 * background's colour (within a tolerance of the median colour of the crop's pixels outside the mask, from that
 * colour's own spread: {@link STUDIO_TOLERANCE}) and joined to the box's border through such pixels and pixels
 * outside the mask (4-neighbours). The segmentation model's mask, at its coarse resolution, fills the gap between an arm hanging away
 * from the body and the torso; a garment clipped to it was drawn there over the studio (a polo's hem, a blouse's
 * sleeve, a bodysuit's side, wider than the body). A region of the background's colour enclosed by the person (a
 * pale print) is not joined to the outside and stays the person's. Only `box` (photo coordinates; the garment's box,
 * where it can be drawn; default the whole crop) is looked at.
 */
export function studioInMask(photo: RgbImage, mask: FloatImage, crop: Crop, box: StudioBox = { x0: crop.x0, y0: crop.y0, x1: crop.x0 + crop.width - 1, y1: crop.y0 + crop.height - 1 }): Uint8Array {
  const { x0: cx0, y0: cy0, width: cw, height: ch } = crop;
  const W = photo.width;
  const data = photo.data;
  const result = new Uint8Array(cw * ch);
  // The part of the crop looked at (crop coordinates, inclusive) and its size.
  const bx0 = Math.max(0, box.x0 - cx0);
  const by0 = Math.max(0, box.y0 - cy0);
  const bw = Math.min(cw - 1, box.x1 - cx0) - bx0 + 1;
  const bh = Math.min(ch - 1, box.y1 - cy0) - by0 + 1;
  if (bw <= 0 || bh <= 0) return result;
  const ox = cx0 + bx0;
  const oy = cy0 + by0;
  // The studio's colour: the median of the pixels outside the mask (every third row and column), per channel.
  const histogram = [new Int32Array(256), new Int32Array(256), new Int32Array(256)];
  let count = 0;
  for (let y = 0; y < bh; y += 3) {
    for (let x = 0; x < bw; x += 3) {
      const p = (y + oy) * W + x + ox;
      if (mask.data[p]! > OUTSIDE_PERSON) continue;
      for (let k = 0; k < 3; k++) histogram[k]![data[p * 3 + k]!]!++;
      count++;
    }
  }
  if (count < 100) return result;
  const median = (h: Int32Array): number => {
    for (let v = 0, seen = 0; v < 256; v++) if ((seen += h[v]!) > count >> 1) return v;
    return 255;
  };
  const [sr, sg, sb] = histogram.map(median) as [number, number, number];
  // Its spread: the 90th percentile of the sampled pixels' distance from it.
  const spread: number[] = [];
  for (let y = 0; y < bh; y += 9) {
    for (let x = 0; x < bw; x += 9) {
      const p = (y + oy) * W + x + ox;
      if (mask.data[p]! <= OUTSIDE_PERSON) spread.push(Math.hypot(data[p * 3]! - sr, data[p * 3 + 1]! - sg, data[p * 3 + 2]! - sb));
    }
  }
  spread.sort((a, b) => a - b);
  const p90 = spread.length > 0 ? spread[Math.floor(0.9 * (spread.length - 1))]! : 0;
  const tolerance = Math.min(STUDIO_TOLERANCE[1], Math.max(STUDIO_TOLERANCE[0], 2 * p90 + 6));
  const t2 = tolerance * tolerance;
  // 1: outside the mask, 2: inside it in the studio's colour, 0: the person.
  const kind = new Uint8Array(bw * bh);
  for (let y = 0, i = 0; y < bh; y++) {
    for (let x = 0, p = (y + oy) * W + ox; x < bw; x++, i++, p++) {
      if (mask.data[p]! <= OUTSIDE_PERSON) { kind[i] = 1; continue; }
      const dr = data[p * 3]! - sr;
      const dg = data[p * 3 + 1]! - sg;
      const db = data[p * 3 + 2]! - sb;
      if (dr * dr + dg * dg + db * db <= t2) kind[i] = 2;
    }
  }
  // Reached from the box's border through pixels outside the mask or in the studio's colour: a hole in the mask
  // enclosed by the person (between an arm held against the body and the torso) is no way in.
  const reached = floodFromBorder(bw, bh, (i) => kind[i] !== 0);
  for (let y = 0, i = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++, i++) if (kind[i] === 2 && reached[i]) result[(y + by0) * cw + x + bx0] = 1;
  }
  return result;
}

/** A box of the photo (inclusive pixel coordinates). */
export interface StudioBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
