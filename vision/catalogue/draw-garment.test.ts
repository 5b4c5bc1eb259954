import { cutOutGarment, LONG_SLEEVE } from '../garment.js';
import { drawGarment } from './draw-garment.js';
import { SAMPLE_PRODUCTS } from './sample-catalogue.js';

describe('the sample catalogue’s drawn product photos', () => {
  it('draws long sleeves apart from the body, so the cut-out reads them as long sleeves', () => {
    const { landmarks: l, photo } = cutOutGarment(drawGarment({ shape: 'long-sleeve', colour: [214, 160, 40] }));
    const bodyW = l.bodyRight - l.bodyLeft;
    // The body panel is the body only (hanging sleeves joined to its sides made it as wide as body and sleeves).
    expect(bodyW).toBeLessThan(0.6 * photo.width);
    for (const [cuff, root] of [[l.sleeveLeft, l.sleeveRootLeft], [l.sleeveRight, l.sleeveRootRight]] as const) {
      expect(cuff).toBeDefined();
      expect(Math.hypot(cuff!.x - root!.x, cuff!.y - root!.y)).toBeGreaterThan(LONG_SLEEVE * bodyW);
    }
    expect(l.sleeveLeft!.x).toBeLessThan(l.bodyLeft);
    expect(l.sleeveRight!.x).toBeGreaterThan(l.bodyRight);
    // Angled out from the shoulder (at least 10° from the vertical), as laid flat for a photo, not hanging down the sides.
    const angle = (Math.atan2(l.sleeveRootLeft!.x - l.sleeveLeft!.x, l.sleeveLeft!.y - l.sleeveRootLeft!.y) * 180) / Math.PI;
    expect(angle).toBeGreaterThan(10);
  });

  it('draws tops about as long as a tee on a model: to the hips, not a tunic over the shorts', () => {
    for (const shape of ['t-shirt', 'long-sleeve'] as const) {
      const { landmarks: l } = cutOutGarment(drawGarment({ shape, colour: [32, 46, 92] }));
      const length = (l.hemLeft.y + l.hemRight.y) / 2 - (l.shoulderLeft.y + l.shoulderRight.y) / 2;
      // HIP_LENGTH_ASPECT (1.75) reaches the hips; the earlier drawings were 2.4 body widths long.
      expect(length / (l.bodyRight - l.bodyLeft)).toBeLessThan(2);
    }
  });

  it('shows the neck opening with the back collar above it, and the cut-out takes the inside of the back out', () => {
    for (const { id, drawing } of SAMPLE_PRODUCTS) {
      const { alpha, photo } = cutOutGarment(drawGarment(drawing));
      const x = Math.round(photo.width / 2);
      let top = 0;
      while (top < photo.height && photo.data[(top * photo.width + x) * 3]! > 240 && photo.data[(top * photo.width + x) * 3 + 2]! > 240) top++;
      // Fabric (the back collar) at the top centre of the photo …
      expect({ id, top: top < 0.15 * photo.height }).toEqual({ id, top: true });
      // … and below it the opening, not part of the garment worn on the chest.
      expect({ id, alpha: alpha.data[(top + 12) * photo.width + x] }).toEqual({ id, alpha: 0 });
    }
  });
});
