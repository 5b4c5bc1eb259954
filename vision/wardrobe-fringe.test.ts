import { WEAR } from './wear.js';
import { skinFringeOfLower } from './wardrobe-fringe.js';

describe('a thin band of lower garment along the skin', () => {
  it('becomes skin, while the lower garment itself and a sliver of it between arm and body stay', () => {
    const width = 200;
    const height = 200;
    const labels = new Uint8Array(width * height).fill(WEAR.background);
    const paint = (x0: number, x1: number, y0: number, y1: number, label: number): void => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) labels[y * width + x] = label;
    };
    paint(60, 80, 0, 140, WEAR.skin); // an arm
    paint(80, 82, 0, 140, WEAR.lower); // its outline against the backdrop, read as jeans
    paint(20, 140, 140, 200, WEAR.lower); // the jeans
    paint(40, 50, 60, 140, WEAR.lower); // jeans seen between arm and body: 10 px wide
    paint(30, 40, 60, 140, WEAR.skin);
    const changed = skinFringeOfLower(labels, width, height, 200);
    expect(labels[70 * width + 81]).toBe(WEAR.skin);
    expect(labels[170 * width + 80]).toBe(WEAR.lower);
    expect(labels[100 * width + 45]).toBe(WEAR.lower);
    expect(changed).toBeGreaterThanOrEqual(2 * 130);
    expect(changed).toBeLessThan(2 * 140 + 40);
  });

  it('changes nothing without skin beside it or without a lower garment', () => {
    const labels = new Uint8Array(100 * 100).fill(WEAR.background);
    for (let y = 0; y < 100; y++) labels[y * 100 + 50] = WEAR.lower;
    expect(skinFringeOfLower(labels, 100, 100, 200)).toBe(0);
    expect(skinFringeOfLower(new Uint8Array(100 * 100).fill(WEAR.skin), 100, 100, 200)).toBe(0);
  });
});
