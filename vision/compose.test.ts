import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences, torsoSide } from './geometry/fit.js';
import { fillConvexPolygon } from './geometry/shapes.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { tryOnMetrics } from './metrics/tryon-metrics.js';
import { frontPerson } from './testing/poses.js';

describe('fitting and compositing a garment on a body', () => {
  // A synthetic photo: grey background, a beige "person" silhouette around the pose of frontPerson().
  const width = 768;
  const height = 1024;
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 200, y: 280 }, { x: 570, y: 280 }, { x: 600, y: 1024 }, { x: 170, y: 1024 }]);
  fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const inside = mask.data[p]! > 0;
    photo.data.set(inside ? [200, 170, 150] : [120, 120, 125], p * 3);
  }
  const body = upperBodyFrom([frontPerson()], width, height);
  const product = drawGarment({ shape: 't-shirt', colour: [32, 46, 92] });
  const garment = cutOutGarment(product);
  const fit = correspondences(garment.landmarks, body);
  const result = composite(photo, mask, body, garment, fit);

  it('keeps the photo resolution and leaves the background untouched', () => {
    expect([result.image.width, result.image.height]).toEqual([width, height]);
    expect(Array.from(result.image.data.subarray(0, 3))).toEqual([120, 120, 125]);
    expect(result.alpha.data[10 * width + 10]).toBe(0);
  });

  it('puts the garment on the torso below the neck and keeps the head', () => {
    const chest = (450 * width + 384) * 3;
    const [r, g, b] = result.image.data.subarray(chest, chest + 3);
    expect(Math.abs(r! - 32) + Math.abs(g! - 46) + Math.abs(b! - 92)).toBeLessThan(20);
    const face = (160 * width + 384) * 3;
    expect(Array.from(result.image.data.subarray(face, face + 3))).toEqual([200, 170, 150]);
  });

  it('anchors the garment on the shoulders and the sleeves along the arms', () => {
    expect(fit.body[1]!.x).toBeLessThan(body.shoulderLeft.x);
    expect(fit.body[2]!.x).toBeGreaterThan(body.shoulderRight.x);
    expect(fit.sleeves).toHaveLength(2);
    // Sleeve cuffs lie on the arm segments (shoulder → elbow), not out in the air like in the flat photo.
    const [left] = fit.sleeves;
    expect(left!.bodyCuff.x).toBeLessThan(body.shoulderLeft.x);
    expect(left!.bodyCuff.y).toBeGreaterThan(body.shoulderLeft.y);
  });

  it('puts a sleeveless top\'s straps on the shoulders, inside the joints (a sleeved top\'s seams go just outside them)', () => {
    const tank = correspondences(cutOutGarment(drawGarment({ shape: 'tank-top', colour: [128, 160, 120] })).landmarks, body);
    expect(tank.sleeves).toHaveLength(0);
    expect(tank.body[1]!.x).toBeGreaterThan(body.shoulderLeft.x + 0.05 * body.shoulderWidth);
    expect(tank.body[2]!.x).toBeLessThan(body.shoulderRight.x - 0.05 * body.shoulderWidth);
  });

  it('widens a narrow garment\'s body panel to the sides of the person\'s silhouette from the armholes down', () => {
    const tank = cutOutGarment(drawGarment({ shape: 'tank-top', colour: [128, 160, 120] })).landmarks;
    const narrow = { ...tank, bodyLeft: tank.bodyLeft + 60, bodyRight: tank.bodyRight - 60 };
    const flat = correspondences(narrow, body);
    const fitted = correspondences(narrow, body, mask);
    expect(fitted.body.length).toBe(flat.body.length + 6); // armhole bottom, 45 % and 70 % down, both sides
    const sides = fitted.body.slice(flat.body.length);
    const axisX = (body.shoulderLeft.x + body.shoulderRight.x) / 2;
    const placedHalf = (fitted.scale * (narrow.bodyRight - narrow.bodyLeft)) / 2;
    // Each side point is pushed out past the narrow panel's own half-width, to the torso's side (up to the arms).
    for (const p of sides) expect(Math.abs(p.x - axisX)).toBeGreaterThan(placedHalf + 5);
    expect(torsoSide(mask, body, { x: axisX, y: 600 }, { x: 1, y: 0 })).toBeGreaterThan(0);
  });

  it('scores the result: garment over the clothing region, colours kept, rest of the photo preserved', () => {
    const metrics = tryOnMetrics(photo, mask, body, product, result);
    expect(metrics.coverage).toBeGreaterThan(0.5);
    expect(metrics.colorDeltaE).toBeLessThan(10);
    expect(metrics.preservedSsim).toBeGreaterThan(0.95);
  });
});

describe('a garment over an old top', () => {
  // The same silhouette, now in a green top (the head and neck above y 290 are skin).
  const width = 768;
  const height = 1024;
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 200, y: 280 }, { x: 570, y: 280 }, { x: 600, y: 1024 }, { x: 170, y: 1024 }]);
  fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const y = Math.floor(p / width);
    const colour = mask.data[p]! <= 0 ? [230, 230, 232] : y < 290 && p % width >= 320 && p % width <= 450 ? [200, 170, 150] : [60, 130, 70];
    photo.data.set(colour, p * 3);
  }
  const body = upperBodyFrom([frontPerson()], width, height);
  const garment = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [32, 46, 92] }));
  const result = composite(photo, mask, body, garment, correspondences(garment.landmarks, body, mask));

  it('reaches the top of the shoulders: no band of repainted skin between the garment and the person\'s outline', () => {
    // The silhouette's top over the shoulders is at y 280; the garment's top edge lies on it.
    for (const x of [240, 300, 460, 520]) {
      let top = -1;
      for (let y = 270; y < 500 && top < 0; y++) if (result.alpha.data[y * width + x]! > 0.5) top = y;
      expect(top).toBeGreaterThanOrEqual(280);
      expect(top).toBeLessThanOrEqual(282);
    }
  });
});
