import { removeNeckLabel } from './garment-neck.js';
import { floatImage, type RgbImage } from './image/raster.js';

describe('taking the label out of a product photo\'s neck opening', () => {
  // A white garment (x 50–350, y 20 on), centre 200, body 300 wide: a neck window of x 140–260, y 20–110.
  const width = 400;
  const height = 300;
  const make = (): { image: RgbImage; alpha: ReturnType<typeof floatImage> } => {
    const image: RgbImage = { width, height, data: new Uint8Array(width * height * 3).fill(245) };
    const alpha = floatImage(width, height);
    for (let y = 20; y < height; y++) for (let x = 50; x <= 350; x++) alpha.data[y * width + x] = 1;
    const paint = (x0: number, y0: number, x1: number, y1: number, rgb: number[]): void => {
      for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) image.data.set(rgb, (y * width + x) * 3);
    };
    // A navy trim across the neck (it runs past both sides of the window).
    paint(60, 24, 340, 27, [30, 40, 90]);
    // A black-framed label with a beige middle and dark lettering.
    paint(180, 40, 220, 70, [20, 20, 20]);
    paint(184, 44, 216, 66, [225, 215, 195]);
    paint(190, 52, 210, 55, [40, 40, 40]);
    // A collar's thin outline running down diagonally.
    for (let k = 0; k < 30; k++) paint(150 + k, 75 + k, 151 + k, 75 + k, [30, 40, 90]);
    return { image, alpha };
  };
  const at = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));

  it('fills the label, frame and lettering, with the garment\'s colour around it', () => {
    const { image, alpha } = make();
    expect(removeNeckLabel(image, alpha, { centre: 200, top: 20, bodyWidth: 300 })).toBeGreaterThan(0);
    for (const [x, y] of [[180, 40], [200, 53], [220, 70], [186, 60]] as const) {
      for (const v of at(image, x, y)) expect(v).toBeGreaterThan(225);
    }
  });

  it('keeps a trim that runs across the neck, a collar\'s outline and everything outside the window', () => {
    const { image, alpha } = make();
    removeNeckLabel(image, alpha, { centre: 200, top: 20, bodyWidth: 300 });
    expect(at(image, 200, 25)).toEqual([30, 40, 90]);
    expect(at(image, 165, 90)).toEqual([30, 40, 90]);
    expect(at(image, 300, 200)).toEqual([245, 245, 245]);
  });
});
