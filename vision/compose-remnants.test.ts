import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences, torsoSide } from './geometry/fit.js';
import { capsuleMask, fillConvexPolygon, segmentDistance } from './geometry/shapes.js';
import { floatImage, type FloatImage, type RgbImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';

const width = 768;
const height = 1024;
const BACKGROUND = [230, 230, 232] as const;
const SKIN = [200, 160, 140] as const;
const OLD_TOP = [15, 15, 18] as const;

/** A photo painted from a colour per pixel. */
function paint(colourAt: (x: number, y: number) => readonly number[]): RgbImage {
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) photo.data.set(colourAt(p % width, Math.floor(p / width)), p * 3);
  return photo;
}

/** The head and neck above y 290 (skin). */
function addHead(mask: FloatImage): void {
  fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
}

describe.each([
  ['a black sleeveless old top', OLD_TOP],
  ['a skin-coloured sleeveless old top (read as skin beside the arms)', SKIN],
])('a short-sleeved tee over %s, bare arms against the torso', (_, topColour) => {
  // Bare arms (skin, 22 px either side of the arm's line) hang against a torso in a sleeveless top; a black band
  // down its middle gives the wardrobe a top colour when the rest of it is skin-coloured.
  const body = upperBodyFrom([frontPerson()], width, height);
  const arms = [
    { a: body.shoulderLeft, b: body.elbowLeft, radius: 22 }, { a: body.elbowLeft, b: body.wristLeft, radius: 22 },
    { a: body.shoulderRight, b: body.elbowRight, radius: 22 }, { a: body.elbowRight, b: body.wristRight, radius: 22 },
  ];
  const armMask = capsuleMask(width, height, arms);
  const mask = floatImage(width, height);
  // The torso reaches the arms' inner edges (x 230 and 538 at the elbows).
  fillConvexPolygon(mask, [{ x: 225, y: 285 }, { x: 543, y: 285 }, { x: 545, y: 1024 }, { x: 223, y: 1024 }]);
  addHead(mask);
  for (let p = 0; p < mask.data.length; p++) mask.data[p] = Math.max(mask.data[p]!, armMask.data[p]!);
  const photo = paint((x, y) => {
    const p = y * width + x;
    if (mask.data[p]! <= 0) return BACKGROUND;
    if (armMask.data[p]! > 0 || (y < 290 && x >= 320 && x <= 450)) return SKIN;
    return Math.abs(x - 384) < 90 ? OLD_TOP : topColour;
  });
  const garment = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [32, 46, 92] }));
  const result = composite(photo, mask, body, garment, correspondences(garment.landmarks, body, mask));

  it('finds the torso\'s side at the arm\'s own edge, not at a wider radius around it', () => {
    // At y 600 the forearm's line is at x ≈ 203 and the arm, 22 px wide either side, ends at x ≈ 225 (the torso's
    // polygon at x ≈ 224): the side is there, not 0.13 shoulder widths (35 px) from the forearm's line.
    const t = torsoSide(mask, body, { x: 384, y: 600 }, { x: -1, y: 0 });
    expect(384 - t!).toBeLessThanOrEqual(228);
  });

  it('draws the tee\'s body over the old top right beside the arms: no strip of old top or repainted skin between arm and tee', () => {
    // Below the short sleeves, the old top 8 to 18 px in from each arm's edge (inside the capsules the
    // bare arm is drawn in front of the body panel, but wider than the arm) is the new garment.
    let strip = 0;
    let total = 0;
    for (let y = 440; y <= 560; y += 4) {
      for (const [s, e, w] of [[body.shoulderLeft, body.elbowLeft, body.wristLeft], [body.shoulderRight, body.elbowRight, body.wristRight]] as const) {
        for (let x = 200; x < 570; x++) {
          const p = y * width + x;
          if (armMask.data[p]! > 0 || mask.data[p]! <= 0) continue;
          const d = Math.min(segmentDistance({ x, y }, s, e), segmentDistance({ x, y }, e, w));
          if (d < 30 || d > 40) continue;
          total++;
          if (result.alpha.data[p]! < 0.9) strip++;
        }
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(strip / total).toBeLessThan(0.05);
  });
});

describe('a tank top over a boxy old top whose outer edge lies just outside the person mask', () => {
  // The old black top's outline (shoulders and sleeves) reaches 4 px beyond the segmentation mask, as a photo's soft
  // edge blended with the background does.
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 200, y: 280 }, { x: 570, y: 280 }, { x: 600, y: 1024 }, { x: 170, y: 1024 }]);
  addHead(mask);
  const wider = floatImage(width, height);
  fillConvexPolygon(wider, [{ x: 196, y: 276 }, { x: 574, y: 276 }, { x: 604, y: 1024 }, { x: 166, y: 1024 }]);
  const photo = paint((x, y) => {
    const p = y * width + x;
    if (y < 290 && x >= 320 && x <= 450 && mask.data[p]! > 0) return SKIN;
    return wider.data[p]! > 0 ? OLD_TOP : BACKGROUND;
  });
  const body = upperBodyFrom([frontPerson()], width, height);
  const garment = cutOutGarment(drawGarment({ shape: 'tank-top', colour: [120, 160, 110] }));
  const result = composite(photo, mask, body, garment, correspondences(garment.landmarks, body, mask));

  it('takes the old top\'s outline outside the mask off with the rest of it: background there, not a dark line', () => {
    // Beside the shoulders (the tank leaves them bare), the 4 px of old top outside the mask on each side.
    let dark = 0;
    let total = 0;
    for (let y = 300; y <= 360; y += 2) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        if (wider.data[p]! <= 0 || mask.data[p]! > 0 || result.alpha.data[p]! > 0) continue;
        total++;
        if (result.image.data[p * 3]! < BACKGROUND[0] - 30) dark++;
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(dark).toBe(0);
  });
});
