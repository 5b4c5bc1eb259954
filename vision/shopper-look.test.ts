import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences } from './geometry/fit.js';
import { capsuleMask, fillConvexPolygon } from './geometry/shapes.js';
import { floatImage, type FloatImage, type RgbImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';
import { personCrop, readWardrobe, WEAR } from './wardrobe.js';

// Defects a shopper saw on real photos, each on a synthetic shopper (the pose of frontPerson()): dark marks on the old
// top read as hair and drawn over the new garment, a flat garment without the photo's light, and repainted shoulders in
// the outline of a boxy old top.
const width = 768;
const height = 1024;
const SKIN = [205, 160, 130] as const;
const HAIR = [62, 42, 30] as const;
const BLUE = [40, 60, 160] as const;
const GREY = [128, 128, 128] as const;
const GREEN = [40, 150, 90] as const;
const body = upperBodyFrom([frontPerson()], width, height);

/** The shopper: grey studio, skin head, neck and hands, a top of `topColour(x, y)` over the torso and arms, blue trousers. */
function shopper(topColour: (x: number, y: number) => readonly number[], extraTop?: FloatImage): { photo: RgbImage; mask: FloatImage } {
  const torso = floatImage(width, height);
  fillConvexPolygon(torso, [{ x: 230, y: 285 }, { x: 538, y: 285 }, { x: 500, y: 700 }, { x: 268, y: 700 }]);
  const sleeves = capsuleMask(width, height, [
    { a: body.shoulderLeft, b: body.elbowLeft, radius: 34 }, { a: body.elbowLeft, b: body.wristLeft, radius: 30 },
    { a: body.shoulderRight, b: body.elbowRight, radius: 34 }, { a: body.elbowRight, b: body.wristRight, radius: 30 },
  ]);
  const hands = capsuleMask(width, height, [{ a: body.wristLeft, b: { x: 195, y: 740 }, radius: 24 }, { a: body.wristRight, b: { x: 573, y: 740 }, radius: 24 }]);
  const head = capsuleMask(width, height, [{ a: { x: 384, y: 150 }, b: { x: 384, y: 160 }, radius: 70 }, { a: { x: 384, y: 200 }, b: { x: 384, y: 290 }, radius: 34 }]);
  const legs = floatImage(width, height);
  fillConvexPolygon(legs, [{ x: 268, y: 690 }, { x: 500, y: 690 }, { x: 510, y: 1023 }, { x: 258, y: 1023 }]);
  const mask = floatImage(width, height);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = (p - x) / width;
    let colour: readonly number[] = GREY;
    if (legs.data[p]) colour = BLUE;
    if (head.data[p] || hands.data[p]) colour = SKIN;
    if (torso.data[p] || sleeves.data[p] || extraTop?.data[p]) colour = topColour(x, y);
    if (colour !== GREY) mask.data[p] = 1;
    photo.data.set(colour, p * 3);
  }
  return { photo, mask };
}

const rgbAt = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
const distance = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const luma = (c: readonly number[]): number => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
const tank = cutOutGarment(drawGarment({ shape: 'tank-top', colour: [...GREEN] }));

const TOP = [150, 40, 50] as const;

describe('hair is only hair where it grows from the head; repainted shoulders follow the body', () => {
  // Hair on the head and a lock falling over the left shoulder; hair-coloured marks on the old top (a print's outline in
  // the middle of the chest, a dark neckline under the neck), joined to no hair. The old top has high, square shoulders
  // (padding up to y = 250, wider than the arms).
  const boxy = floatImage(width, height);
  fillConvexPolygon(boxy, [{ x: 218, y: 250 }, { x: 550, y: 250 }, { x: 550, y: 300 }, { x: 218, y: 300 }]);
  const { photo, mask } = shopper(() => TOP, boxy);
  const paint = (x0: number, y0: number, x1: number, y1: number): void => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { photo.data.set(HAIR, (y * width + x) * 3); mask.data[y * width + x] = 1; }
  };
  for (let y = 40; y < 125; y++) for (let x = 290; x < 480; x++) if ((x - 384) ** 2 + (y - 130) ** 2 < 90 ** 2) { photo.data.set(HAIR, (y * width + x) * 3); mask.data[y * width + x] = 1; }
  paint(300, 100, 318, 400); // a lock from the head down over the shoulder and chest
  paint(360, 420, 410, 436); // a print's dark outline on the chest
  paint(350, 292, 420, 298); // a dark neckline
  const crop = personCrop(body, width, height);
  const wardrobe = readWardrobe(photo, mask, body, crop);
  const label = (x: number, y: number): number => wardrobe.labels[(y - crop.y0) * crop.width + x - crop.x0]!;
  const result = composite(photo, mask, body, tank, correspondences(tank.landmarks, body, mask));

  it('reads the hair on the head and the lock joined to it as hair, the marks on the old top as the top', () => {
    expect(label(384, 80)).toBe(WEAR.hair);
    expect(label(309, 380)).toBe(WEAR.hair);
    expect(label(385, 428)).toBe(WEAR.top);
    expect(label(385, 295)).toBe(WEAR.top);
  });

  it('draws the new garment over the marks (they were left in front of it as hair)', () => {
    expect(distance(rgbAt(result.image, 385, 428), GREEN)).toBeLessThan(60);
    expect(distance(rgbAt(result.image, 385, 428), HAIR)).toBeGreaterThan(60);
  });

  it('darkens the garment towards its outline (the torso turning away), evenly lit', () => {
    const y = 470;
    let edge = 384;
    while (edge > 0 && result.alpha.data[y * width + edge - 1]! >= 0.99) edge--;
    const middle = luma(rgbAt(result.image, 384, y));
    expect(384 - edge).toBeGreaterThan(60);
    expect(luma(rgbAt(result.image, edge + 3, y))).toBeLessThan(0.93 * middle);
    // And the middle is the garment's own colour, unshaded.
    expect(distance(rgbAt(result.image, 384, y), GREEN)).toBeLessThan(20);
  });

  it('makes the old top\'s square shoulder corners background and the shoulders\' round tops skin', () => {
    for (const [x, y] of [[226, 256], [542, 256]] as const) {
      expect(result.alpha.data[y * width + x]).toBeLessThan(0.05);
      expect(distance(rgbAt(result.image, x, y), GREY)).toBeLessThan(25);
    }
    for (const [x, y] of [[256, 290], [512, 290]] as const) {
      expect(result.alpha.data[y * width + x]).toBeLessThan(0.05);
      expect(distance(rgbAt(result.image, x, y), SKIN)).toBeLessThan(45);
    }
  });
});

describe('the garment takes the photo\'s light and the body\'s volume', () => {
  it('keeps the light falling across the old top (lit on one side, in shade on the other) on the new garment', () => {
    // One fabric in light and shade: the same colour, 1.2× at the left of the torso down to 0.6× at the right.
    const light = (x: number): number => 1.2 - (0.6 * Math.min(308, Math.max(0, x - 230))) / 308;
    const { photo, mask } = shopper((x) => [70, 90, 160].map((c) => Math.min(255, Math.round(c * light(x)))));
    const result = composite(photo, mask, body, tank, correspondences(tank.landmarks, body, mask));
    const lit = luma(rgbAt(result.image, 330, 450));
    const shaded = luma(rgbAt(result.image, 440, 450));
    // The photo is 0.78× as bright at x = 440 as at x = 330; a flat fill would be 1×.
    expect(shaded / lit).toBeLessThan(0.88);
    expect(distance(rgbAt(result.image, 330, 450), GREEN)).toBeLessThan(60);
  });
});

describe('the old top leaves no outline around the repaint', () => {
  it('repaints the old sleeve\'s shadow on the hand (read as skin) with the rest of the bared arm', () => {
    const { photo, mask } = shopper(() => TOP);
    // The old long sleeve ends at y 710 over the right wrist; its shadow on the hand is skin, a fifth darker, in the 5 rows below.
    const shadow = SKIN.map((c) => Math.round(0.8 * c));
    for (let y = 711; y < 716; y++) for (let x = 170; x <= 226; x++) if (mask.data[y * width + x] && distance(rgbAt(photo, x, y), SKIN) === 0) photo.data.set(shadow, (y * width + x) * 3);
    const result = composite(photo, mask, body, tank, correspondences(tank.landmarks, body, mask));
    expect(result.alpha.data[713 * width + 198]).toBeLessThan(0.05);
    // The line is gone: the repainted arm's colour, not the shadow's.
    expect(distance(rgbAt(result.image, 198, 713), SKIN)).toBeLessThan(0.5 * distance(shadow, SKIN));
  });

  it('repaints the old top where its shade matched the trousers (above the waist), not only where it read as the top', () => {
    // A patch of the old long sleeve on the forearm in the trousers' colour (a navy top's shaded side beside dark jeans).
    const { photo, mask } = shopper((x, y) => (x >= 195 && x <= 222 && y >= 520 && y <= 560 ? BLUE : TOP));
    const result = composite(photo, mask, body, tank, correspondences(tank.landmarks, body, mask));
    expect(result.alpha.data[540 * width + 208]).toBeLessThan(0.05);
    expect(distance(rgbAt(result.image, 208, 540), BLUE)).toBeGreaterThan(100);
    expect(distance(rgbAt(result.image, 208, 540), SKIN)).toBeLessThan(60);
  });
});
