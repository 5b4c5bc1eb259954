import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { armsBesideTorso, beyondArm } from './geometry/arms.js';
import { correspondences } from './geometry/fit.js';
import { capsuleMask, fillConvexPolygon } from './geometry/shapes.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';

const width = 768;
const height = 1024;
const body = upperBodyFrom([frontPerson()], width, height);
const sw = body.shoulderWidth;

describe('the outer side of a forearm hanging beside the torso', () => {
  const arms = armsBesideTorso(body);
  // The image-left forearm: elbow (208, 500) → wrist (198, 680); the torso's axis at x 384.
  it('is beyond the forearm: outside its line, and the hand past the wrist outside the torso', () => {
    expect(beyondArm(arms, 170, 600)).toBe(true);
    expect(beyondArm(arms, 598, 600)).toBe(true);
    expect(beyondArm(arms, 230, 740)).toBe(true);
  });

  it('is not the forearm\'s inner side, the torso, the upper arm\'s side or far from the arm', () => {
    expect(beyondArm(arms, 240, 600)).toBe(false);
    expect(beyondArm(arms, 384, 600)).toBe(false);
    expect(beyondArm(arms, 200, 400)).toBe(false);
    expect(beyondArm(arms, 60, 600)).toBe(false);
  });
});

describe('a garment wider than the body, worn with bare forearms beside the torso', () => {
  // The forearms come in towards the hips (01992's pose), their lines still outside the torso's half width.
  const body = upperBodyFrom([frontPerson({ rightElbow: { x: 236 }, rightWrist: { x: 258 }, leftElbow: { x: 532 }, leftWrist: { x: 510 } })], width, height);
  // One silhouette for torso, arms and the space between them (arms held against a loose old top), so the person
  // mask does not stop the garment's hem corners beside the forearms; 01992's red tee left a hem piece there, the
  // velvet wrap its tie beside the hand.
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 150, y: 280 }, { x: 620, y: 280 }, { x: 640, y: 1024 }, { x: 130, y: 1024 }]);
  fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
  const forearms = capsuleMask(width, height, [
    { a: body.elbowLeft, b: body.wristLeft, radius: 0.1 * sw }, { a: body.elbowRight, b: body.wristRight, radius: 0.1 * sw },
  ]);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const colour = mask.data[p]! <= 0 ? [230, 230, 232] : forearms.data[p]! > 0 || p < 290 * width ? [200, 160, 140] : [40, 40, 44];
    photo.data.set(colour, p * 3);
  }
  const garment = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [200, 30, 30] }));
  const result = composite(photo, mask, body, garment, correspondences(garment.landmarks, body, mask));

  it('draws none of its body panel on the outer side of the forearms', () => {
    let drawn = 0;
    for (let y = Math.round(body.elbowLeft.y + 10); y < body.wristLeft.y; y += 2) {
      for (let x = 0; x < width; x++) {
        if (result.alpha.data[y * width + x]! > 0.5 && beyondArm(armsBesideTorso(body), x, y)) drawn++;
      }
    }
    expect(drawn).toBe(0);
  });
});
