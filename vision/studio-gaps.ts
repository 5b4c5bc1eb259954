import type { FloatImage, RgbImage } from './image/raster.js';
import type { Crop } from './wardrobe.js';

/** Person-mask value at or below which a pixel is outside the person (where the garment is clipped). Default 0.3. */
export const OUTSIDE_PERSON = 0.3;
/** Smallest and largest RGB distance from the studio's colour still read as the studio (from its own spread). Defaults 12, 24. */
export const STUDIO_TOLERANCE = [12, 24] as const;

/**
 * The studio background the person mask takes in (1 per crop pixel; 0 elsewhere): pixels inside the mask in the
 * background's colour (within a tolerance of the median colour of the crop's pixels outside the mask, from that
 * colour's own spread: {@link STUDIO_TOLERANCE}) and joined to the outside of the mask through such pixels
 * (4-neighbours). The segmentation model's mask, at its coarse resolution, fills the gap between an arm hanging away
 * from the body and the torso; a garment clipped to it was drawn there over the studio (a polo's hem, a blouse's
 * sleeve, a bodysuit's side, wider than the body). A region of the background's colour enclosed by the person (a
 * pale print) is not joined to the outside and stays the person's.
 */
export function studioInMask(photo: RgbImage, mask: FloatImage, crop: Crop): Uint8Array {
  const { x0, y0, width: cw, height: ch } = crop;
  const W = photo.width;
  const data = photo.data;
  const result = new Uint8Array(cw * ch);
  // The studio's colour: the median of the crop's pixels outside the mask, sampled every third row and column.
  const samples: number[][] = [[], [], []];
  for (let y = 0; y < ch; y += 3) {
    for (let x = 0; x < cw; x += 3) {
      const p = (y + y0) * W + x + x0;
      if (mask.data[p]! <= OUTSIDE_PERSON) for (let k = 0; k < 3; k++) samples[k]!.push(data[p * 3 + k]!);
    }
  }
  if (samples[0]!.length < 100) return result;
  const median = (v: number[]): number => Float64Array.from(v).sort()[v.length >> 1]!;
  const [sr, sg, sb] = samples.map(median) as [number, number, number];
  const spread: number[] = [];
  for (let s = 0; s < samples[0]!.length; s += 7) spread.push(Math.hypot(samples[0]![s]! - sr, samples[1]![s]! - sg, samples[2]![s]! - sb));
  spread.sort((a, b) => a - b);
  const tolerance = Math.min(STUDIO_TOLERANCE[1], Math.max(STUDIO_TOLERANCE[0], 2 * spread[Math.floor(0.9 * (spread.length - 1))]! + 6));
  const t2 = tolerance * tolerance;
  // 1: outside the mask, 2: inside it in the studio's colour, 0: the person. Flooded from the outside through 1 and 2.
  const kind = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0, i = y * cw, p = (y + y0) * W + x0; x < cw; x++, i++, p++) {
      if (mask.data[p]! <= OUTSIDE_PERSON) { kind[i] = 1; continue; }
      const dr = data[p * 3]! - sr;
      const dg = data[p * 3 + 1]! - sg;
      const db = data[p * 3 + 2]! - sb;
      if (dr * dr + dg * dg + db * db <= t2) kind[i] = 2;
    }
  }
  const queue = new Int32Array(cw * ch);
  let tail = 0;
  for (let i = 0; i < kind.length; i++) if (kind[i] === 1) queue[tail++] = i;
  const n = kind.length;
  for (let head = 0; head < tail; head++) {
    const i = queue[head]!;
    const x = i % cw;
    for (let side = 0; side < 4; side++) {
      const j = side === 0 ? (x > 0 ? i - 1 : -1) : side === 1 ? (x < cw - 1 ? i + 1 : -1) : side === 2 ? i - cw : i + cw;
      if (j < 0 || j >= n || kind[j] !== 2) continue;
      kind[j] = 3;
      result[j] = 1;
      queue[tail++] = j;
    }
  }
  return result;
}
