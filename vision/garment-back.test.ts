import { removeInnerBack } from './garment-back.js';
import { floatImage, type FloatImage, type RgbImage } from './image/raster.js';

describe('taking the inside of the back out of a product photo\'s neck opening', () => {
  // A 400×400 product photo: a blue garment (x 80–320, y 40 on; body 240 wide, centre 200) on white, its top 8 rows
  // a lighter back collar.
  const width = 400;
  const height = 400;
  const blue = [30, 90, 170];
  const make = (opening: (x: number, y: number) => boolean, inside: number[] = [14, 42, 52]): { image: RgbImage; alpha: FloatImage } => {
    const image: RgbImage = { width, height, data: new Uint8Array(width * height * 3).fill(246) };
    const alpha = floatImage(width, height);
    for (let y = 40; y < height; y++) {
      for (let x = 80; x <= 320; x++) {
        const i = y * width + x;
        alpha.data[i] = 1;
        // The lining darkens a little towards the tip (a real inside is in the garment's shade), the front is blue.
        const colour = y < 48 ? [60, 130, 200] : opening(x, y) ? inside.map((v) => v + Math.round((y - 48) / 12)) : blue;
        image.data.set(colour, i * 3);
      }
    }
    return { image, alpha };
  };
  // A V-neck's opening: from x 140–260 under the collar down to its tip at (200, 170).
  const vNeck = (x: number, y: number): boolean => y >= 48 && y <= 170 && Math.abs(x - 200) <= (60 * (170 - y)) / 122;
  const place = { centre: 200, top: 40, bodyWidth: 240 };
  const at = (alpha: FloatImage, x: number, y: number): number => alpha.data[y * width + x]!;

  it('takes the dark lining inside a V-neck and the back collar above it out of the matte', () => {
    const { image, alpha } = make(vNeck);
    expect(removeInnerBack(image, alpha, place)).toBeGreaterThan(5000);
    for (const [x, y] of [[200, 60], [200, 150], [160, 60], [240, 60], [200, 43]] as const) expect(at(alpha, x, y)).toBe(0);
    // The front beside and below the opening, and the collar beyond it, stay.
    for (const [x, y] of [[120, 60], [280, 60], [200, 200], [200, 300], [90, 43]] as const) expect(at(alpha, x, y)).toBe(1);
  });

  it('takes a lining of the front\'s own light but another hue out too', () => {
    const { image, alpha } = make(vNeck, [20, 95, 110]);
    expect(removeInnerBack(image, alpha, place)).toBeGreaterThan(5000);
    expect(at(alpha, 200, 100)).toBe(0);
  });

  it('keeps a dark print on the chest (not under the collar) and a garment without an opening', () => {
    const print = (x: number, y: number): boolean => y >= 90 && y <= 140 && Math.abs(x - 200) <= 30;
    const printed = make(print);
    expect(removeInnerBack(printed.image, printed.alpha, place)).toBe(0);
    expect(at(printed.alpha, 200, 110)).toBe(1);
    const plain = make(() => false);
    expect(removeInnerBack(plain.image, plain.alpha, place)).toBe(0);
  });

  it('keeps a dark front that fills the window (no enclosed opening)', () => {
    const { image, alpha } = make((x, y) => y >= 48);
    expect(removeInnerBack(image, alpha, place)).toBe(0);
  });
});
