import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences } from './geometry/fit.js';
import { capsuleMask, fillConvexPolygon } from './geometry/shapes.js';
import { armholeWarp, armOutline } from './geometry/sleeve-quad.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';

describe('a short sleeve over an arm wider than the sleeve\'s opening', () => {
  // Bare arms 0.19 shoulder widths either side of their line (01992's: the tee's sleeve, 0.13 either side, left a
  // strip of bare arm between its outer side and the arm's outline), beside a grey old top.
  const width = 768;
  const height = 1024;
  const body = upperBodyFrom([frontPerson()], width, height);
  const sw = body.shoulderWidth;
  const armRadius = 0.19 * sw;
  const arms = capsuleMask(width, height, [
    { a: body.shoulderLeft, b: body.elbowLeft, radius: armRadius }, { a: body.elbowLeft, b: body.wristLeft, radius: armRadius },
    { a: body.shoulderRight, b: body.elbowRight, radius: armRadius }, { a: body.elbowRight, b: body.wristRight, radius: armRadius },
  ]);
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 240, y: 285 }, { x: 528, y: 285 }, { x: 500, y: 1024 }, { x: 268, y: 1024 }]);
  fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const inArm = arms.data[p]! > 0;
    if (inArm) mask.data[p] = 1;
    photo.data.set(mask.data[p]! <= 0 ? [230, 230, 232] : inArm || p < 290 * width ? [200, 160, 140] : [120, 120, 125], p * 3);
  }
  const garment = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [200, 30, 30] }));
  const fit = correspondences(garment.landmarks, body, mask);
  const result = composite(photo, mask, body, garment, fit);

  it('finds the arm\'s outline along a direction, and none where the person goes on past the limit', () => {
    // The image-left arm's line at y 400, and its outline to the left: the radius across the slanted arm, a little more along the row.
    const s = body.shoulderLeft;
    const e = body.elbowLeft;
    const at = { x: s.x + ((e.x - s.x) * (400 - s.y)) / (e.y - s.y), y: 400 };
    const slant = Math.hypot(e.x - s.x, e.y - s.y) / Math.abs(e.y - s.y);
    const out = { x: -1, y: 0 };
    const t = armOutline(mask, at, out, 0.3 * sw)!;
    expect(t).toBeGreaterThanOrEqual(armRadius - 2);
    expect(t).toBeLessThanOrEqual(armRadius * slant + 2);
    expect(armOutline(mask, { x: 384, y: 600 }, out, 20)).toBeUndefined();
    expect(armOutline(mask, { x: 5, y: 5 }, out, 20)).toBeUndefined();
  });

  it('puts the sleeve\'s outer side at the arm\'s outline, seam and cuff', () => {
    for (const sleeve of fit.sleeves) {
      const warp = armholeWarp(sleeve, garment.alpha, sw, mask)!;
      expect(warp).toBeDefined();
      const [seam, outer] = warp.quad;
      // Outward across the arm: from the cuff's centre to its outer end.
      const cuffOut = Math.hypot(outer!.x - sleeve.bodyCuff.x, outer!.y - sleeve.bodyCuff.y);
      expect(cuffOut).toBeGreaterThanOrEqual(armRadius - 2);
      const n = { x: (outer!.x - sleeve.bodyCuff.x) / cuffOut, y: (outer!.y - sleeve.bodyCuff.y) / cuffOut };
      expect((seam!.x - sleeve.bodyRoot.x) * n.x + (seam!.y - sleeve.bodyRoot.y) * n.y).toBeGreaterThanOrEqual(armRadius - 2);
    }
  });

  it('leaves no strip of bare arm between the sleeve and the arm\'s outline', () => {
    // Down the upper arm, from 0.1 to 0.25 shoulder widths below each shoulder joint (inside the sleeve), the arm's
    // outermost pixels a little in from the outline are the sleeve.
    let bare = 0;
    let rows = 0;
    for (const [shoulder, elbow, side] of [[body.shoulderLeft, body.elbowLeft, 1], [body.shoulderRight, body.elbowRight, -1]] as const) {
      for (let y = Math.round(shoulder.y + 0.1 * sw); y <= shoulder.y + 0.25 * sw; y += 2) {
        const lineX = shoulder.x + ((elbow.x - shoulder.x) * (y - shoulder.y)) / (elbow.y - shoulder.y);
        let x = Math.round(lineX);
        while (mask.data[y * width + x + side]! > 0) x += side;
        rows++;
        if (result.alpha.data[y * width + x - 4 * side]! < 0.9) bare++;
      }
    }
    expect(rows).toBeGreaterThan(30);
    expect(bare).toBe(0);
  });
});
