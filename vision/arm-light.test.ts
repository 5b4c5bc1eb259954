import { armLights, shadeArms } from './arm-light.js';
import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences } from './geometry/fit.js';
import { capsuleMask, fillConvexPolygon } from './geometry/shapes.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';
import { personCrop, readWardrobe } from './wardrobe.js';

// A shopper in a red top with short sleeves (to 0.45 of the way down the upper arm), bare arms below them lit from the
// torso's side: each arm's skin 0.8× as bright at its outer edge as in its middle, 1.2× at its inner edge. A tank top
// leaves the upper arms bare: the skin repainted under the old sleeves was flat (00055's shoulders, a peach patch).
const width = 768;
const height = 1024;
const SKIN = [200, 160, 140] as const;
const TOP = [150, 40, 50] as const;
const GREY = [230, 230, 232] as const;
const body = upperBodyFrom([frontPerson()], width, height);
const arms = [[body.shoulderLeft, body.elbowLeft, body.wristLeft, -1], [body.shoulderRight, body.elbowRight, body.wristRight, 1]] as const;
const ARM = 30;
const mask = floatImage(width, height);
fillConvexPolygon(mask, [{ x: 230, y: 285 }, { x: 538, y: 285 }, { x: 500, y: 1023 }, { x: 268, y: 1023 }]);
const head = capsuleMask(width, height, [{ a: { x: 384, y: 150 }, b: { x: 384, y: 160 }, radius: 70 }, { a: { x: 384, y: 200 }, b: { x: 384, y: 290 }, radius: 34 }]);
const armMask = capsuleMask(width, height, arms.flatMap(([s, e, w]) => [{ a: s, b: e, radius: ARM }, { a: e, b: w, radius: ARM }]));
const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
const luma = (c: ArrayLike<number>): number => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
for (let p = 0; p < width * height; p++) {
  const x = p % width;
  const y = (p - x) / width;
  let colour: readonly number[] = GREY;
  if (mask.data[p]) colour = TOP;
  if (head.data[p]) colour = SKIN;
  if (armMask.data[p]) {
    // Across the arm: the offset from its line at this row, −1 at the outer edge, 1 at the inner one.
    const [s, e, , side] = y < body.elbowLeft.y ? arms[x < 384 ? 0 : 1] : arms[x < 384 ? 0 : 1];
    const lineX = s.x + ((e.x - s.x) * (y - s.y)) / (e.y - s.y);
    const across = Math.max(-1, Math.min(1, ((lineX - x) * side) / ARM));
    const sleeve = y < s.y + 0.45 * (e.y - s.y);
    colour = sleeve ? TOP : SKIN.map((c) => Math.min(255, Math.round(c * (1 + 0.2 * across))));
  }
  if (colour !== GREY) mask.data[p] = 1;
  photo.data.set(colour, p * 3);
}

describe('the light across a bare arm, seen below an old sleeve', () => {
  it('is read as brighter on the torso\'s side than at the outer edge', () => {
    const wardrobe = readWardrobe(photo, mask, body, personCrop(body, width, height));
    const lights = armLights(photo, wardrobe, body);
    expect(lights[0]).toBeDefined();
    expect(lights[1]).toBeDefined();
    // The profile's first bins lie on the negative side of the shoulder → elbow line's normal: the image-left arm's
    // inner side (its normal points away from the torso), the image-right arm's outer side.
    const left = lights[0]!.profile;
    const right = lights[1]!.profile;
    expect(left[1]! / left[left.length - 2]!).toBeGreaterThan(1.2);
    expect(right[right.length - 2]! / right[1]!).toBeGreaterThan(1.2);
  });

  it('changes nothing away from the arms', () => {
    const light = new Float32Array(100 * 100).fill(1);
    shadeArms(light, 100, 100, 340, 600, [{ shoulder: body.shoulderLeft, elbow: body.elbowLeft, middle: 0, half: ARM, profile: new Float32Array(9).fill(0.8) }]);
    expect(Math.min(...light)).toBe(1);
  });

  it('shades the upper arm repainted under the old sleeve the same way: not a flat patch', () => {
    const tank = cutOutGarment(drawGarment({ shape: 'tank-top', colour: [40, 150, 90] }));
    const result = composite(photo, mask, body, tank, correspondences(tank.landmarks, body, mask));
    for (const [s, e, , side] of arms) {
      // A quarter of the way down the upper arm, under the old sleeve, half way out from the arm's line to each edge.
      const y = Math.round(s.y + 0.25 * (e.y - s.y));
      const lineX = s.x + ((e.x - s.x) * (y - s.y)) / (e.y - s.y);
      const at = (x: number): number => luma(result.image.data.subarray((y * width + Math.round(x)) * 3, (y * width + Math.round(x)) * 3 + 3));
      expect(result.alpha.data[y * width + Math.round(lineX)]).toBeLessThan(0.05);
      const inner = at(lineX - 0.5 * ARM * side);
      const outer = at(lineX + 0.5 * ARM * side);
      expect(inner / outer).toBeGreaterThan(1.08);
    }
  }, 60_000);
});
