import { upperBodyFrom } from './body.js';
import { MAX_SHOULDER_REACH, reachShoulderOutline, type WarpedGarment } from './garment-reach.js';
import { fillConvexPolygon } from './geometry/shapes.js';
import { floatImage } from './image/raster.js';
import { frontPerson } from './testing/poses.js';
import { WEAR } from './wardrobe.js';

describe('growing a garment up to the shoulders\' outline', () => {
  // Shoulder width 272, neck at x 384; the person's outline is at y 280 across the shoulders.
  const width = 768;
  const height = 1024;
  const body = upperBodyFrom([frontPerson()], width, height);
  const mask = floatImage(width, height);
  fillConvexPolygon(mask, [{ x: 200, y: 280 }, { x: 570, y: 280 }, { x: 600, y: 1024 }, { x: 170, y: 1024 }]);
  const labels = new Uint8Array(width * height).fill(WEAR.top);
  // A lock of hair on the right shoulder, above y 292.
  for (let y = 280; y < 292; y++) for (let x = 495; x < 505; x++) labels[y * width + x] = WEAR.hair;
  /** The garment's top edge per column: 300 over the shoulders (20 px below the outline), a scoop neck, and one column range ending far below. */
  const edgeAt = (x: number): number => (Math.abs(x - 384) < 30 ? 400 : x >= 250 && x <= 270 ? 340 : 300);
  const garment = (): WarpedGarment => {
    const raw = new Float32Array(width * height);
    const sourceX = new Float32Array(width * height).fill(NaN);
    const sourceY = new Float32Array(width * height).fill(NaN);
    for (let x = 200; x <= 570; x++) {
      for (let y = edgeAt(x); y < 700; y++) {
        raw[y * width + x] = 1;
        sourceX[y * width + x] = x;
        sourceY[y * width + x] = y;
      }
    }
    return { raw, sourceX, sourceY, x0: 0, y0: 0, width, height };
  };

  it('covers the shoulder up to the outline with the garment mirrored from inside its edge', () => {
    const g = garment();
    expect(reachShoulderOutline(g, mask, labels, body)).toBeGreaterThan(0);
    for (const x of [240, 300, 480, 520, 560]) {
      for (const y of [281, 290, 299]) {
        expect(g.raw[y * width + x]).toBe(1);
        // Taken from inside the garment (below its old edge), the farther out the deeper in.
        expect(g.sourceY[y * width + x]).toBeGreaterThan(300);
        expect(g.sourceX[y * width + x]).toBe(x);
      }
      expect(g.sourceY[281 * width + x]).toBeGreaterThan(g.sourceY[299 * width + x]!);
      // Never outside the person.
      expect(g.raw[279 * width + x]).toBe(0);
    }
  });

  it('leaves the neckline open, hair in front, and edges far below the outline as they are', () => {
    const g = garment();
    reachShoulderOutline(g, mask, labels, body);
    // The scoop neck: columns near the neck are not filled.
    expect(g.raw[350 * width + 384]).toBe(0);
    // Beside the neck (within the neckline's clearance) the edge stays where it is, though the outline is within reach.
    expect(g.raw[290 * width + 420]).toBe(0);
    expect(g.raw[300 * width + 420]).toBe(1);
    // Just past the clearance the edge is raised only part of the way: it slopes up from the neckline.
    expect(g.raw[299 * width + 450]).toBe(1);
    expect(g.raw[282 * width + 450]).toBe(0);
    // An edge 60 px below the outline (more than the reach) is an armhole or neckline, not a short shoulder.
    expect(60).toBeGreaterThan(MAX_SHOULDER_REACH * body.shoulderWidth);
    expect(g.raw[320 * width + 260]).toBe(0);
    // Under the lock of hair, only the pixels below it are filled.
    expect(g.raw[288 * width + 500]).toBe(0);
    expect(g.raw[295 * width + 500]).toBe(1);
  });

  describe('over bare shoulders (a tee on a person in a sleeveless top)', () => {
    // The same outline; the old top is a strap on each shoulder, bare skin beside it (x 270–300 and 490–510 are strap).
    const bare = new Uint8Array(width * height).fill(WEAR.top);
    for (let y = 280; y < 300; y++) {
      for (let x = 0; x < width; x++) if (!(x >= 270 && x < 300) && !(x >= 490 && x < 510)) bare[y * width + x] = WEAR.skin;
    }
    /** The garment's top edge frays: 4 rows at 0.6 opacity above its solid fabric. */
    const frayed = (): WarpedGarment => {
      const g = garment();
      for (let x = 200; x <= 570; x++) {
        const e = edgeAt(x);
        for (let y = e; y < e + 4; y++) g.raw[y * width + x] = 0.6;
      }
      return g;
    };

    it('covers the skin up to the outline when the garment has sleeves, opaque down to its solid fabric', () => {
      const g = frayed();
      reachShoulderOutline(g, mask, bare, body, true);
      for (const x of [230, 240, 285, 480, 500, 530, 560]) {
        for (const y of [281, 290, 299, 302]) {
          expect(g.raw[y * width + x]).toBe(1);
          // Mirrored from the solid fabric, not from the frayed band.
          expect(g.sourceY[y * width + x]).toBeGreaterThanOrEqual(304);
        }
      }
      // The neckline stays open, and the strap's columns get no higher than the skin's: one edge along the outline.
      expect(g.raw[350 * width + 384]).toBe(0);
      expect(g.raw[290 * width + 420]).toBe(0);
    });

    it('leaves bare shoulders bare for a sleeveless garment (its straps lie inside them)', () => {
      const g = frayed();
      reachShoulderOutline(g, mask, bare, body, false);
      expect(g.raw[290 * width + 240]).toBe(0);
      expect(g.raw[290 * width + 520]).toBe(0);
      // Over the old strap it still reaches the outline.
      expect(g.raw[285 * width + 285]).toBe(1);
      expect(g.raw[285 * width + 500]).toBe(1);
    });
  });
});
