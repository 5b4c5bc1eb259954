import type { RgbImage } from './image/raster.js';
import { bodyRoundness, GRAIN_TEXTURE, grainAt, ROUNDNESS_DEPTH, skinTone } from './skin-tone.js';
import { WEAR, type Wardrobe } from './wardrobe.js';

const W = 200;
const H = 160;

/** A photo whose left half (x < 100) is skin of `colour` with fine noise of ±`noise` luma, the rest background. */
function scene(colour: readonly number[], noise: number): { photo: RgbImage; wardrobe: Wardrobe } {
  const photo: RgbImage = { width: W, height: H, data: new Uint8Array(W * H * 3).fill(240) };
  const labels = new Uint8Array(W * H);
  let seed = 7;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < 100; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = (seed / 0x7fffffff - 0.5) * 2 * noise;
      for (let c = 0; c < 3; c++) photo.data[(y * W + x) * 3 + c] = Math.round(colour[c]! + n);
      labels[y * W + x] = WEAR.skin;
    }
  }
  return { photo, wardrobe: { crop: { x0: 0, y0: 0, width: W, height: H }, labels, albedo: new Float32Array(W * H), hasLower: false, skinColour: [0, 0, 0] } };
}

describe('the person\'s skin tone', () => {
  it('reads the visible skin\'s colour without its brightness, its luma and how fine-grained it is', () => {
    const SKIN = [150, 100, 80];
    const smooth = skinTone(scene(SKIN, 0).photo, scene(SKIN, 0).wardrobe)!;
    const luma = 0.299 * 150 + 0.587 * 100 + 0.114 * 80;
    expect(smooth.chroma[0]).toBeCloseTo(150 / luma, 2);
    expect(smooth.chroma[2]).toBeCloseTo(80 / luma, 2);
    expect(Math.abs(smooth.luma - luma)).toBeLessThanOrEqual(1);
    expect(smooth.texture).toBeLessThan(0.5);
    const grainy = skinTone(scene(SKIN, 8).photo, scene(SKIN, 8).wardrobe)!;
    expect(grainy.texture).toBeGreaterThan(2);
    // Pixels next to the background are left out (they blend with it).
    expect(grainy.pixels).toBeLessThan(100 * H);
  });

  it('finds no tone where no skin shows', () => {
    const { photo, wardrobe } = scene([150, 100, 80], 0);
    wardrobe.labels.fill(WEAR.top);
    expect(skinTone(photo, wardrobe)).toBeUndefined();
  });

  it('makes grain with a known fine texture, the same at the same place', () => {
    expect(GRAIN_TEXTURE).toBeGreaterThan(0.2);
    expect(GRAIN_TEXTURE).toBeLessThan(2);
    expect(grainAt(10, 20)).toBe(grainAt(10, 20));
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < 10000; i++) { const g = grainAt(i % 100, Math.floor(i / 100)); sum += g; sq += g * g; }
    expect(Math.abs(sum / 10000)).toBeLessThan(0.05);
    expect(sq / 10000).toBeGreaterThan(0.8);
    expect(sq / 10000).toBeLessThan(1.2);
  });

  it('darkens towards the body\'s outline, not inside it', () => {
    const { wardrobe } = scene([150, 100, 80], 0);
    const round = bodyRoundness(wardrobe, 0, 0, W, H, 300);
    expect(round[80 * W + 10]).toBeCloseTo(1, 5);
    expect(round[80 * W + 99]).toBeLessThan(1 - 0.5 * ROUNDNESS_DEPTH);
    expect(round[80 * W + 99]).toBeGreaterThanOrEqual(1 - ROUNDNESS_DEPTH - 1e-6);
  });
});
