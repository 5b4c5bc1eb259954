import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences } from './geometry/fit.js';
import { fillConvexPolygon } from './geometry/shapes.js';
import { armholeWarp, inverseBilinear, bilinearPoint } from './geometry/sleeve-quad.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';

describe('short sleeves laid out at an angle, worn with the arms hanging down', () => {
  const width = 768;
  const height = 1024;
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 200, y: 280 }, { x: 570, y: 280 }, { x: 600, y: 1024 }, { x: 170, y: 1024 }]);
  fillConvexPolygon(mask, [{ x: 320, y: 60 }, { x: 450, y: 60 }, { x: 450, y: 290 }, { x: 320, y: 290 }]);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) photo.data.set(mask.data[p]! > 0 ? [200, 170, 150] : [120, 120, 125], p * 3);
  const body = upperBodyFrom([frontPerson()], width, height);
  // The drawn tee's sleeves stick out at about 50° from the vertical.
  const garment = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [32, 46, 92] }));
  const fit = correspondences(garment.landmarks, body, mask);
  const result = composite(photo, mask, body, garment, fit);
  const g = garment.landmarks;
  const sw = body.shoulderWidth;

  it('hangs each sleeve from the shoulder seam: the sleeve\'s top at the armhole is drawn at the seam, not swung out past the shoulder', () => {
    // Turned as a whole onto the arm, the sleeve swung its top (beside the shoulder seam) out into the air, where the
    // silhouette clipped it, and its underarm onto the chest.
    const top = { x: g.bodyLeft - 8, y: g.shoulderLeft.y + 10 };
    let best = Infinity;
    let at = { x: 0, y: 0 };
    for (let p = 0; p < width * height; p++) {
      const sx = result.sourceX[p]!;
      if (Number.isNaN(sx) || result.alpha.data[p]! < 0.5) continue;
      const d = Math.hypot(sx - top.x, result.sourceY[p]! - top.y);
      if (d < best) { best = d; at = { x: p % width, y: Math.floor(p / width) }; }
    }
    // (Within 4 px: the sleeve's outer side now reaches the silhouette's outline, 0.18 shoulder widths out here, so
    // the sleeve is spread a little wider over the photo and sampled a little more sparsely.)
    expect(best).toBeLessThan(4);
    const seam = fit.body[1]!;
    expect(Math.hypot(at.x - seam.x, at.y - seam.y)).toBeLessThan(0.15 * sw);
  });

  it('keeps the sleeve off the chest: no sleeve pixel far inside the shoulder joint', () => {
    let inmost = -Infinity;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width / 2; x++) {
        const p = y * width + x;
        if (result.alpha.data[p]! >= 0.5 && result.sourceX[p]! < g.bodyLeft - 5) inmost = Math.max(inmost, x);
      }
    }
    expect(inmost).toBeGreaterThan(body.shoulderLeft.x - 0.3 * sw);
    expect(inmost).toBeLessThan(body.shoulderLeft.x + 0.1 * sw);
  });

  it('puts the cuff across the arm: its ends either side of the arm\'s line at the sleeve\'s length', () => {
    const left = fit.sleeves.find((s) => s.garmentCuff.x < s.garmentRoot.x)!;
    const warp = armholeWarp(left, garment.alpha, sw)!;
    expect(warp).toBeDefined();
    const [seam, outer, inner] = warp.quad;
    expect(seam).toEqual(fit.body[1]);
    expect(outer!.x).toBeLessThan(left.bodyCuff.x);
    expect(inner!.x).toBeGreaterThan(left.bodyCuff.x);
    expect(Math.abs(outer!.y - inner!.y)).toBeLessThan(0.1 * sw);
    // The bilinear map and its inverse agree.
    const st = { x: 0, y: 0 };
    expect(inverseBilinear(warp.quad, 250, 360, st)).toBe(true);
    const back = { x: 0, y: 0 };
    bilinearPoint(warp.quad, st.x, st.y, back);
    expect(back.x).toBeCloseTo(250, 6);
    expect(back.y).toBeCloseTo(360, 6);
  });
});
