import { drawGarment } from './catalogue/draw-garment.js';
import { TryOnInputError } from './errors.js';
import { cutOutGarment, findLandmarks } from './garment.js';
import { fillConvexPolygon } from './geometry/shapes.js';
import { floatImage } from './image/raster.js';

describe('garment cut-out and landmarks', () => {
  it('cuts a T-shirt out of a light background and finds body, shoulders, armpits and sleeves', () => {
    const image = drawGarment({ shape: 't-shirt', colour: [200, 52, 40] });
    const { alpha, landmarks } = cutOutGarment(image);
    let area = 0;
    for (const v of alpha.data) if (v > 0.5) area++;
    expect(area / alpha.data.length).toBeGreaterThan(0.25);
    // The body panel spans 26 %–74 % of the width in the drawing.
    expect(landmarks.bodyLeft / image.width).toBeCloseTo(0.27, 1);
    expect(landmarks.bodyRight / image.width).toBeCloseTo(0.73, 1);
    expect(landmarks.sleeveLeft!.x).toBeLessThan(landmarks.bodyLeft);
    expect(landmarks.sleeveRight!.x).toBeGreaterThan(landmarks.bodyRight);
    expect(landmarks.armpitLeft!.y).toBeGreaterThan(landmarks.shoulderLeft.y);
    // The hem at 76 % of the height (a tee reaching the hips, about 1.85 body-panel widths below the shoulders).
    expect(landmarks.hemLeft.y / image.height).toBeCloseTo(0.76, 1);
  });

  it('finds no sleeves on a tank top, and a low cuff on a long-sleeve top', () => {
    expect(cutOutGarment(drawGarment({ shape: 'tank-top', colour: [128, 160, 120] })).landmarks.sleeveLeft).toBeUndefined();
    const long = cutOutGarment(drawGarment({ shape: 'long-sleeve', colour: [60, 62, 66] }));
    expect(long.landmarks.sleeveLeft!.y).toBeGreaterThan(long.landmarks.armpitLeft!.y);
  });

  it('puts a long sleeve\'s root on the sleeve\'s centre line, outside the body panel, and a short sleeve\'s mid-armhole', () => {
    const long = cutOutGarment(drawGarment({ shape: 'long-sleeve', colour: [60, 62, 66] })).landmarks;
    expect(long.sleeveRootLeft!.x).toBeLessThan(long.bodyLeft - 2);
    expect(long.sleeveRootRight!.x).toBeGreaterThan(long.bodyRight + 2);
    expect(long.sleeveRootLeft!.y).toBeGreaterThan(long.shoulderLeft.y);
    const tee = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [200, 52, 40] })).landmarks;
    expect(tee.sleeveRootLeft!.x).toBe(tee.bodyLeft);
    expect(tee.sleeveRootLeft!.y).toBeCloseTo((tee.shoulderLeft.y + tee.armpitLeft!.y) / 2, 5);
  });

  it('finds a bodysuit\'s crotch below the hem (not drawn: it is worn inside the trousers), but not a tie hanging aside', () => {
    const mask = floatImage(300, 400);
    fillConvexPolygon(mask, [{ x: 80, y: 20 }, { x: 220, y: 20 }, { x: 220, y: 300 }, { x: 80, y: 300 }]);
    const withTie = floatImage(300, 400);
    withTie.data.set(mask.data);
    fillConvexPolygon(withTie, [{ x: 90, y: 300 }, { x: 110, y: 300 }, { x: 110, y: 380 }, { x: 90, y: 380 }]);
    fillConvexPolygon(mask, [{ x: 120, y: 300 }, { x: 180, y: 300 }, { x: 165, y: 370 }, { x: 135, y: 370 }]);
    const bodysuit = findLandmarks(mask);
    expect(bodysuit.hemLeft.y).toBeLessThanOrEqual(301);
    expect(bodysuit.crotchBottom).toBeGreaterThan(360);
    expect(findLandmarks(withTie).crotchBottom).toBeUndefined();
  });

  it('finds long sleeves hanging down along a blouse, touching its body panel down to the cuffs, but none on an A-line top', () => {
    // A blouse flaring a little to its hem, with long sleeves hanging from the shoulder seams (x 100 and 200) along its
    // sides, touching them down to just above the cuffs: one blob whose width grows from the collar down.
    const blouse = floatImage(300, 400);
    fillConvexPolygon(blouse, [{ x: 120, y: 30 }, { x: 180, y: 30 }, { x: 200, y: 45 }, { x: 222, y: 330 }, { x: 78, y: 330 }, { x: 100, y: 45 }]);
    fillConvexPolygon(blouse, [{ x: 100, y: 45 }, { x: 35, y: 300 }, { x: 58, y: 314 }, { x: 82, y: 286 }]);
    fillConvexPolygon(blouse, [{ x: 200, y: 45 }, { x: 265, y: 300 }, { x: 242, y: 314 }, { x: 218, y: 286 }]);
    const l = findLandmarks(blouse);
    expect(Math.abs(l.bodyLeft - 100)).toBeLessThanOrEqual(8);
    expect(Math.abs(l.bodyRight - 200)).toBeLessThanOrEqual(8);
    // Long sleeves with their cuffs at the bottom outer corners, their roots outside the body panel.
    expect(l.sleeveLeft!.x).toBeLessThan(65);
    expect(l.sleeveLeft!.y).toBeGreaterThan(270);
    expect(l.sleeveRight!.x).toBeGreaterThan(235);
    expect(l.sleeveRight!.y).toBeGreaterThan(270);
    expect(l.sleeveRootLeft!.x).toBeLessThan(l.bodyLeft);
    expect(l.sleeveRootRight!.x).toBeGreaterThan(l.bodyRight);
    expect(l.armpitLeft!.y).toBeGreaterThan(l.shoulderLeft.y);
    // The hem is the body panel's, below the cuffs.
    expect(l.hemLeft.y).toBeGreaterThan(320);
    // An A-line top flaring as much to its hem has no sleeves: its flared corners are not cuffs.
    const aLine = floatImage(300, 400);
    fillConvexPolygon(aLine, [{ x: 120, y: 30 }, { x: 180, y: 30 }, { x: 200, y: 45 }, { x: 265, y: 330 }, { x: 35, y: 330 }, { x: 100, y: 45 }]);
    const a = findLandmarks(aLine);
    expect(a.sleeveLeft).toBeUndefined();
    expect(a.sleeveRight).toBeUndefined();
    expect(a.bodyLeft).toBeLessThan(70);
  });

  it('keeps a white garment on an off-white background', () => {
    const { alpha } = cutOutGarment(drawGarment({ shape: 't-shirt', colour: [255, 255, 255] }));
    let area = 0;
    for (const v of alpha.data) if (v > 0.5) area++;
    expect(area / alpha.data.length).toBeGreaterThan(0.25);
  });

  it('refuses an image with no garment in it', () => {
    const blank = { width: 200, height: 200, data: new Uint8Array(200 * 200 * 3).fill(247) };
    expect(() => cutOutGarment(blank)).toThrow(TryOnInputError);
  });
});
