import { decontaminateEdge, EDGE_DEPTH, MAX_EDGE_DEPTH } from './garment-edge.js';
import { boxBlur, floatImage, type RgbImage } from './image/raster.js';

const W = 120;
const H = 100;
const BACKGROUND = [246, 246, 246] as const;

/** A garment rectangle (x 30–89, y 20–79) in `colour` on the studio background, its outline `fringe` pixels deep blended with the background. */
function product(colour: readonly number[], fringe: number, fringeShare = 0.15): { image: RgbImage; hard: ReturnType<typeof floatImage> } {
  const image: RgbImage = { width: W, height: H, data: new Uint8Array(W * H * 3) };
  const hard = floatImage(W, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const inside = x >= 30 && x < 90 && y >= 20 && y < 80;
      const depth = Math.min(x - 30, 89 - x, y - 20, 79 - y);
      // Pixels within `fringe` of the outline are mostly background (a JPEG's halo the background fill stopped at).
      const a = !inside ? 0 : depth < fringe ? fringeShare : 1;
      for (let c = 0; c < 3; c++) image.data[i * 3 + c] = Math.round(a * colour[c]! + (1 - a) * BACKGROUND[c]!);
      hard.data[i] = inside ? 1 : 0;
    }
  }
  return { image, hard };
}

/** Pixels past a rim that the edge work may still touch (the source ring and the fill's reach). */
const SOURCE_RING_GUARD = 6;
const rgb = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));
const distance = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

describe('garment edge decontamination', () => {
  it('takes a light fringe inside a red garment\'s outline back to the garment\'s red, and leaves the rest alone', () => {
    const RED = [210, 30, 35];
    const { image, hard } = product(RED, 3);
    const out = decontaminateEdge(image, hard, boxBlur(hard, 1, 1), BACKGROUND);
    for (const [x, y] of [[30, 50], [31, 50], [32, 50], [60, 20], [89, 60], [60, 79]] as const) {
      expect(distance(rgb(image, x, y), RED)).toBeGreaterThan(150);
      expect(distance(rgb(out, x, y), RED)).toBeLessThan(25);
    }
    // The garment's middle and the background away from it are untouched.
    expect(rgb(out, 60, 50)).toEqual(rgb(image, 60, 50));
    expect(rgb(out, 5, 5)).toEqual([...BACKGROUND]);
    expect(rgb(out, 60, 20 + EDGE_DEPTH + 5)).toEqual(rgb(image, 60, 20 + EDGE_DEPTH + 5));
  });

  it('takes the studio background out of a rim deeper than the usual band (a sheer blouse keeps ~8 px of it), to the garment\'s colour', () => {
    const PEACH = [236, 178, 150];
    const fringe = 9;
    expect(fringe).toBeGreaterThan(EDGE_DEPTH);
    expect(fringe).toBeLessThanOrEqual(MAX_EDGE_DEPTH);
    // The rim is the background's colour (a = 0.05), not a blend the band's colour model could tell.
    const { image, hard } = product(PEACH, fringe, 0.05);
    const out = decontaminateEdge(image, hard, boxBlur(hard, 1, 1), BACKGROUND);
    let widest = 0;
    for (const y of [40, 50, 60]) {
      // How many pixels in from the left outline are still nearer the background than the garment.
      let rim = 0;
      while (rim < 30 && distance(rgb(out, 30 + rim, y), BACKGROUND) < distance(rgb(out, 30 + rim, y), PEACH)) rim++;
      widest = Math.max(widest, rim);
    }
    expect(widest).toBe(0);
    for (const [x, y] of [[30 + fringe - 1, 50], [60, 20 + fringe - 1], [89 - fringe + 1, 60]] as const) expect(distance(rgb(out, x, y), PEACH)).toBeLessThan(25);
    // Past the rim the garment is untouched.
    expect(rgb(out, 60, 20 + fringe + SOURCE_RING_GUARD)).toEqual(rgb(image, 60, 20 + fringe + SOURCE_RING_GUARD));
  });

  it('leaves a white garment on a white background as it is (its edge cannot be told from the background)', () => {
    const { image, hard } = product([252, 252, 252], 2);
    const out = decontaminateEdge(image, hard, boxBlur(hard, 1, 1), BACKGROUND);
    for (const [x, y] of [[30, 50], [31, 50], [60, 21], [60, 50]] as const) expect(distance(rgb(out, x, y), rgb(image, x, y))).toBeLessThan(3);
  });

  it('returns the colours unchanged when there is no garment', () => {
    const image: RgbImage = { width: W, height: H, data: new Uint8Array(W * H * 3).fill(246) };
    const none = floatImage(W, H);
    expect(decontaminateEdge(image, none, none, BACKGROUND).data).toEqual(image.data);
  });
});
