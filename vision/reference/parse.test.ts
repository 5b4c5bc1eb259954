import { upperBodyFrom } from '../body.js';
import { capsuleMask, fillConvexPolygon } from '../geometry/shapes.js';
import { floatImage, type RgbImage } from '../image/raster.js';
import { frontPerson } from '../testing/poses.js';
import { PARSE, referenceParse } from './parse.js';
import { shopperMetrics } from './shopper-metrics.js';

// The shopper's-eye metrics must see an old top's dark marks (a print's outline, a neckline) left on a try-on: they
// match the hair's colours, but grow from no head, so the independent parse calls them the upper garment.
const width = 768;
const height = 1024;
const body = upperBodyFrom([frontPerson()], width, height);
const GREY = [200, 200, 200] as const;
const SKIN = [205, 160, 130] as const;
const HAIR = [62, 42, 30] as const;
const TOP = [150, 40, 50] as const;
const BLUE = [40, 60, 160] as const;
const GREEN = [40, 150, 90] as const;

function photoWith(topColour: readonly number[]): RgbImage {
  const torso = floatImage(width, height);
  fillConvexPolygon(torso, [{ x: 230, y: 285 }, { x: 538, y: 285 }, { x: 500, y: 700 }, { x: 268, y: 700 }]);
  const sleeves = capsuleMask(width, height, [{ a: body.shoulderLeft, b: body.elbowLeft, radius: 34 }, { a: body.shoulderRight, b: body.elbowRight, radius: 34 }]);
  const head = capsuleMask(width, height, [{ a: { x: 384, y: 150 }, b: { x: 384, y: 160 }, radius: 70 }, { a: { x: 384, y: 200 }, b: { x: 384, y: 290 }, radius: 34 }]);
  const legs = floatImage(width, height);
  fillConvexPolygon(legs, [{ x: 268, y: 690 }, { x: 500, y: 690 }, { x: 510, y: 1023 }, { x: 258, y: 1023 }]);
  const img: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = (p - x) / width;
    let c: readonly number[] = GREY;
    if (legs.data[p]) c = BLUE;
    if (head.data[p]) c = SKIN;
    if ((x - 384) ** 2 + (y - 130) ** 2 < 90 ** 2 && y < 118) c = HAIR;
    if (torso.data[p] || sleeves.data[p]) c = topColour;
    // The old top's dark print outline on the chest.
    if (x >= 360 && x < 410 && y >= 430 && y < 446) c = HAIR;
    img.data.set(c, p * 3);
  }
  return img;
}

describe('the reference parse and the shopper\'s-eye metrics', () => {
  const photo = photoWith(TOP);
  const parse = referenceParse(photo, body);

  it('reads the hair on the head as hair and a hair-coloured print on the old top as the top', () => {
    expect(parse.labels[80 * width + 384]).toBe(PARSE.hair);
    expect(parse.labels[438 * width + 385]).toBe(PARSE.upper);
  });

  it('counts the old print left on the result as old-garment residue', () => {
    // A result with the whole old top in the new colour except the print (left as if it were hair in front).
    const output = photoWith(GREEN);
    const garment: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    for (let p = 0; p < 64 * 64; p++) garment.data.set(p % 64 > 8 && p % 64 < 56 && p > 8 * 64 && p < 56 * 64 ? GREEN : [246, 246, 246], p * 3);
    const metrics = shopperMetrics(photo, body, garment, output, parse);
    expect(metrics.oldGarmentResidue).toBeGreaterThan(0.004);
  });

  it('counts an old sleeve\'s outline blended only part of the way into the repainted background as residue', () => {
    // A result in the new colour on the torso, the old sleeves repainted as background except their outer 4 px, moved
    // 30 % of the way to the background: changed, but still a visible outline of the old top.
    const sleeves = capsuleMask(width, height, [{ a: body.shoulderLeft, b: body.elbowLeft, radius: 34 }, { a: body.shoulderRight, b: body.elbowRight, radius: 34 }]);
    const inner = capsuleMask(width, height, [{ a: body.shoulderLeft, b: body.elbowLeft, radius: 30 }, { a: body.shoulderRight, b: body.elbowRight, radius: 30 }]);
    const output: RgbImage = { width, height, data: new Uint8Array(photo.data) };
    for (let p = 0; p < width * height; p++) {
      const old = (photo.data[p * 3] === TOP[0] && photo.data[p * 3 + 1] === TOP[1]) || (photo.data[p * 3] === HAIR[0] && Math.floor(p / width) > 300);
      if (!old) continue;
      const onSleeve = sleeves.data[p]! > 0 && Math.abs((p % width) - 384) > 130;
      const colour = !onSleeve ? GREEN : inner.data[p]! > 0 ? GREY : TOP.map((c, k) => Math.round(c + 0.3 * (GREY[k]! - c)));
      output.data.set(colour, p * 3);
    }
    const garment: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    for (let p = 0; p < 64 * 64; p++) garment.data.set(p % 64 > 8 && p % 64 < 56 && p > 8 * 64 && p < 56 * 64 ? GREEN : [246, 246, 246], p * 3);
    expect(shopperMetrics(photo, body, garment, output, parse).oldGarmentResidue).toBeGreaterThan(0.005);
  });

  it('does not count a torso repainted in the person\'s skin as covered by a skin-coloured product', () => {
    // A peach product (near the skin's colour): a result with the old top repainted as skin must not pass as covered,
    // one with it in the product's own colour must.
    const PEACH = [214, 158, 122] as const;
    const garment: RgbImage = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) };
    for (let p = 0; p < 64 * 64; p++) garment.data.set(p % 64 > 8 && p % 64 < 56 && p > 8 * 64 && p < 56 * 64 ? PEACH : [246, 246, 246], p * 3);
    const painted = photoWith(SKIN);
    const dressed = photoWith(PEACH);
    expect(shopperMetrics(photo, body, garment, painted, parse).torsoCoverage).toBeLessThan(0.2);
    expect(shopperMetrics(photo, body, garment, dressed, parse).torsoCoverage).toBeGreaterThan(0.6);
  });
});
