import { upperBodyFrom } from '../body.js';
import { capsuleMask, fillConvexPolygon } from '../geometry/shapes.js';
import { floatImage, type RgbImage } from '../image/raster.js';
import { frontPerson } from '../testing/poses.js';
import { referenceParse } from './parse.js';
import { shopperMetrics } from './shopper-metrics.js';

// The look's failures in single places, which the area-wide medians average away: an old collar's points left on, a
// garment drawn over the studio, a strip of arm beside a sleeve, a flat repainted chest.
const width = 768;
const height = 1024;
const body = upperBodyFrom([frontPerson()], width, height);
const sw = body.shoulderWidth;
const GREY = [200, 200, 200] as const;
const HAIR = [62, 42, 30] as const;
const TOP = [150, 40, 50] as const;
const BLUE = [40, 60, 160] as const;
const GREEN = [40, 150, 90] as const;

const torso = floatImage(width, height);
fillConvexPolygon(torso, [{ x: 230, y: 285 }, { x: 538, y: 285 }, { x: 500, y: 700 }, { x: 268, y: 700 }]);
const sleeves = capsuleMask(width, height, [{ a: body.shoulderLeft, b: body.elbowLeft, radius: 34 }, { a: body.shoulderRight, b: body.elbowRight, radius: 34 }]);
const forearms = capsuleMask(width, height, [{ a: body.elbowLeft, b: body.wristLeft, radius: 26 }, { a: body.elbowRight, b: body.wristRight, radius: 26 }]);
const head = capsuleMask(width, height, [{ a: { x: 384, y: 150 }, b: { x: 384, y: 160 }, radius: 70 }, { a: { x: 384, y: 200 }, b: { x: 384, y: 290 }, radius: 34 }]);
const legs = floatImage(width, height);
fillConvexPolygon(legs, [{ x: 268, y: 690 }, { x: 500, y: 690 }, { x: 510, y: 1023 }, { x: 258, y: 1023 }]);

/** Skin with the light across a rounded body: brighter in the middle of each limb, darker to its sides. */
function skinAt(x: number, y: number): number[] {
  const light = 1 + 0.12 * Math.sin(x / 9) * Math.cos(y / 13);
  return [205, 160, 130].map((c) => Math.round(c * light));
}

/** A person in `topColour` (with `paint(x, y)` over it when given); the old top's sleeves reach the elbows. */
function person(topColour: readonly number[], paint?: (x: number, y: number, p: number) => readonly number[] | undefined): RgbImage {
  const img: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = (p - x) / width;
    let c: readonly number[] = GREY;
    if (legs.data[p]) c = BLUE;
    if (head.data[p] || forearms.data[p]) c = skinAt(x, y);
    if ((x - 384) ** 2 + (y - 130) ** 2 < 90 ** 2 && y < 118) c = HAIR;
    if (torso.data[p] || sleeves.data[p]) c = topColour;
    c = paint?.(x, y, p) ?? c;
    img.data.set(c, p * 3);
  }
  return img;
}

const photo = person(TOP);
const parse = referenceParse(photo, body);
const garment: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
for (let p = 0; p < 64 * 64; p++) garment.data.set(p % 64 > 8 && p % 64 < 56 && p > 8 * 64 && p < 56 * 64 ? GREEN : [246, 246, 246], p * 3);
const metricsOf = (output: RgbImage): ReturnType<typeof shopperMetrics> => shopperMetrics(photo, body, garment, output, parse);

describe('the look\'s failures in single places', () => {
  const dressed = person(GREEN);

  it('finds nothing on a result with the new garment where the old one was', () => {
    const m = metricsOf(dressed);
    expect(m.largestResiduePatch).toBeLessThan(0.001);
    expect(m.garmentBeyondBody).toBeLessThan(0.001);
    expect(m.sleeveGap).toBeLessThan(0.05);
  });

  it('sees an old collar point left beside the new neckline as one solid patch', () => {
    const collar = person(GREEN, (x, y) => (x >= 300 && x < 340 && y >= 290 && y < 330 ? TOP : undefined));
    const m = metricsOf(collar);
    // 40 × 40 px, 0.022 square shoulder widths; its core (eroded by PATCH_CORE, 3 px a side) 34 × 34 px, 0.016.
    expect(m.largestResiduePatch).toBeGreaterThan(0.01);
    // The same number of old pixels as a thin outline round the torso is not a patch.
    const outline = person(GREEN, (x, y, p) => (torso.data[p] && !torso.data[p + 3] && y > 300 && y < 700 ? TOP : undefined));
    expect(metricsOf(outline).largestResiduePatch).toBeLessThan(0.001);
  });

  it('sees a garment drawn over the studio beside the body', () => {
    const beyond = person(GREEN, (x, y) => (x >= 560 && x < 620 && y >= 560 && y < 640 && !forearms.data[y * width + x] ? GREEN : undefined));
    // 60 × 80 px less the forearm's share: about 0.03 square shoulder widths.
    expect(metricsOf(beyond).garmentBeyondBody).toBeGreaterThan(0.02);
  });

  it('sees a strip of bare arm between a sleeve and the arm\'s outline', () => {
    // Sleeves narrower than the arms (16 px of the 34 px to each side), the rest of the old sleeve repainted as skin.
    const narrow = capsuleMask(width, height, [{ a: body.shoulderLeft, b: body.elbowLeft, radius: 16 }, { a: body.shoulderRight, b: body.elbowRight, radius: 16 }]);
    const gap = person(GREEN, (x, y, p) => (sleeves.data[p] && !narrow.data[p] && !torso.data[p] ? skinAt(x, y) : undefined));
    expect(metricsOf(gap).sleeveGap).toBeGreaterThan(0.5);
    expect(0.03 * sw).toBeLessThan(18);
  });

  it('sees a flat repainted chest, and not one shaded like the person\'s skin', () => {
    // A strap top's area: the old top above y 420 repainted as skin, flat or with the light the person's skin has.
    const chest = (x: number, y: number, p: number): boolean => (torso.data[p]! > 0 || sleeves.data[p]! > 0) && y < 420 && !(x > 300 && x < 470 && y > 360);
    const flat = person(GREEN, (x, y, p) => (chest(x, y, p) ? [205, 160, 130] : undefined));
    const shaded = person(GREEN, (x, y, p) => (chest(x, y, p) ? skinAt(x, y) : undefined));
    expect(metricsOf(flat).repaintedSkinSpread).toBeLessThan(0.2);
    expect(metricsOf(shaded).repaintedSkinSpread).toBeGreaterThan(0.7);
    expect(metricsOf(dressed).repaintedSkinSpread).toBeNaN();
  });
});
