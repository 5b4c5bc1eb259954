import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences } from './geometry/fit.js';
import { fillConvexPolygon } from './geometry/shapes.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';

describe('long sleeves over a torso with the arms at its sides', () => {
  // A black old top on a silhouette as wide as torso and arms together (arms hanging against the body).
  const width = 768;
  const height = 1024;
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 150, y: 280 }, { x: 620, y: 280 }, { x: 640, y: 1024 }, { x: 130, y: 1024 }]);
  fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const y = Math.floor(p / width);
    const x = p % width;
    const colour = mask.data[p]! <= 0 ? [230, 230, 232] : y < 290 && x >= 320 && x <= 450 ? [200, 170, 150] : [15, 15, 18];
    photo.data.set(colour, p * 3);
  }
  const body = upperBodyFrom([frontPerson()], width, height);
  const garment = cutOutGarment(drawGarment({ shape: 'long-sleeve', colour: [214, 160, 40] }));
  const fit = correspondences(garment.landmarks, body, mask);
  const result = composite(photo, mask, body, garment, fit);

  it('reads the drawn long sleeves as long sleeves and fits them to the wrists', () => {
    expect(fit.sleeves).toHaveLength(2);
    for (const sleeve of fit.sleeves) expect(sleeve.bodyElbow).toBeDefined();
  });

  it('leaves no thin line of the old top where a sleeve meets the body panel under the arm', () => {
    // Along the torso from the armpits to the hips, between the two arms, every pixel is fully the new garment: a
    // sleeve's soft edge taken over the body panel let the black top show through as a line from each armpit down.
    const armpitY = Math.round(Math.max(body.shoulderLeft.y, body.shoulderRight.y) + 0.45 * body.shoulderWidth);
    const hipY = Math.round(Math.min(body.hipLeft.y, body.hipRight.y));
    let seams = 0;
    for (let y = armpitY; y < hipY; y += 2) {
      for (let x = Math.round(body.shoulderLeft.x); x <= Math.round(body.shoulderRight.x); x++) {
        if (result.alpha.data[y * width + x]! < 0.9) seams++;
      }
    }
    expect(seams).toBe(0);
  });
});
