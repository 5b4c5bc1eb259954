import { floatImage, type FloatImage } from '../image/raster.js';
import { ssim } from './ssim.js';

function pattern(width: number, height: number, f: (x: number, y: number) => number): FloatImage {
  const img = floatImage(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) img.data[y * width + x] = f(x, y);
  return img;
}

describe('SSIM', () => {
  const base = pattern(64, 48, (x, y) => 128 + 80 * Math.sin(x / 3) * Math.cos(y / 5));

  it('is 1 for identical images', () => {
    expect(ssim(base, base)).toBeCloseTo(1, 6);
  });

  it('drops with noise, more noise dropping it further', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const light = pattern(64, 48, (x, y) => base.data[y * 64 + x]! + 20 * rand());
    const heavy = pattern(64, 48, (x, y) => base.data[y * 64 + x]! + 80 * rand());
    const a = ssim(base, light);
    const b = ssim(base, heavy);
    expect(a).toBeLessThan(0.99);
    expect(b).toBeLessThan(a);
  });

  it('only averages the included pixels', () => {
    const changed = pattern(64, 48, (x, y) => (x < 32 ? base.data[y * 64 + x]! : 255 - base.data[y * 64 + x]!));
    const leftOnly = pattern(64, 48, (x) => (x < 24 ? 1 : 0));
    expect(ssim(base, changed, leftOnly)).toBeCloseTo(1, 6);
    expect(ssim(base, changed)).toBeLessThan(0.7);
  });
});
