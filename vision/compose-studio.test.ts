import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences } from './geometry/fit.js';
import { capsuleMask, fillConvexPolygon } from './geometry/shapes.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { studioInMask } from './studio-gaps.js';
import { personCrop } from './wardrobe.js';
import { frontPerson } from './testing/poses.js';

const width = 768;
const height = 1024;
const STUDIO = [230, 230, 232] as const;
// Arms held away from the body (01992's pose): the studio shows between each arm and the torso.
const body = upperBodyFrom([frontPerson({ rightElbow: { x: 170 }, rightWrist: { x: 150 }, leftElbow: { x: 598 }, leftWrist: { x: 618 } })], width, height);
const sw = body.shoulderWidth;
// The segmentation mask, as coarse as the model's: one silhouette over torso, arms and the studio between them.
const mask = floatImage(width, height);
fillConvexPolygon(mask, [{ x: 110, y: 280 }, { x: 658, y: 280 }, { x: 678, y: 1024 }, { x: 90, y: 1024 }]);
fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
const torso = floatImage(width, height);
fillConvexPolygon(torso, [{ x: body.shoulderLeft.x, y: 280 }, { x: body.shoulderRight.x, y: 280 }, { x: body.hipRight.x + 10, y: 1024 }, { x: body.hipLeft.x - 10, y: 1024 }]);
const arms = capsuleMask(width, height, [
  { a: body.shoulderLeft, b: body.elbowLeft, radius: 0.11 * sw }, { a: body.elbowLeft, b: body.wristLeft, radius: 0.09 * sw },
  { a: body.shoulderRight, b: body.elbowRight, radius: 0.11 * sw }, { a: body.elbowRight, b: body.wristRight, radius: 0.09 * sw },
]);
/** The photo: studio outside the person and between arms and torso, skin arms, head and neck, a dark old top with a pale print. */
function photoOf(): RgbImage {
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = (p - x) / width;
    let colour: readonly number[] = STUDIO;
    if (torso.data[p]! > 0) colour = y < 300 ? [200, 160, 140] : [40, 40, 44];
    if (arms.data[p]! > 0 || (mask.data[p]! > 0 && y < 290)) colour = [200, 160, 140];
    // A studio-coloured print on the old top, enclosed by it: the person's, not the studio.
    if (Math.abs(x - 384) < 30 && Math.abs(y - 500) < 20) colour = STUDIO;
    photo.data.set(colour, p * 3);
  }
  return photo;
}

describe('the studio inside a coarse person mask', () => {
  const photo = photoOf();
  const crop = personCrop(body, width, height);
  const studio = studioInMask(photo, mask, crop);
  const at = (x: number, y: number): number => studio[(y - crop.y0) * crop.width + x - crop.x0]!;

  it('is the studio-coloured space between an arm and the torso, joined to the outside', () => {
    // Between the image-left forearm (x ≈ 150–170) and the torso (x ≥ ≈ 230) at the elbow's height.
    const y = Math.round(body.elbowLeft.y + 40);
    const gapX = 228;
    expect(mask.data[y * width + gapX]).toBeGreaterThan(0.5);
    expect([...photo.data.subarray((y * width + gapX) * 3, (y * width + gapX) * 3 + 3)]).toEqual([...STUDIO]);
    expect(at(gapX, y)).toBe(1);
  });

  it('is not the person: the old top, the arms or a studio-coloured print enclosed by the top', () => {
    expect(at(384, 600)).toBe(0);
    expect(at(384, 500)).toBe(0);
    expect(at(Math.round(body.elbowLeft.x), Math.round(body.elbowLeft.y))).toBe(0);
  });

  it('gets no garment: a tee fitted to the mask draws nothing over the studio between arm and torso', () => {
    const garment = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [200, 30, 30] }));
    const result = composite(photo, mask, body, garment, correspondences(garment.landmarks, body, mask));
    let drawn = 0;
    for (let p = 0; p < width * height; p++) {
      const onStudio = mask.data[p]! > 0.5 && torso.data[p]! === 0 && arms.data[p]! === 0 && p > 300 * width;
      if (onStudio && result.alpha.data[p]! > 0.5) drawn++;
    }
    expect(drawn).toBe(0);
  });
});
