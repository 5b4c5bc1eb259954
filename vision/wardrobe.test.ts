import { upperBodyFrom } from './body.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { composite } from './compose.js';
import { cutOutGarment } from './garment.js';
import { correspondences } from './geometry/fit.js';
import { capsuleMask, fillConvexPolygon } from './geometry/shapes.js';
import { floatImage, type RgbImage } from './image/raster.js';
import { pushPullFill } from './push-pull.js';
import { hemShadow, shadeAt, shadingField } from './shading.js';
import { frontPerson } from './testing/poses.js';
import { hairFromTheHead, personCrop, readWardrobe, WEAR } from './wardrobe.js';

// A synthetic shopper (the pose of frontPerson()): grey studio, skin face, neck and hands, a long-sleeved top in red and
// black stripes over the torso and arms, blue trousers below the hips.
const width = 768;
const height = 1024;
const SKIN = [205, 160, 130] as const;
const RED = [200, 30, 40] as const;
const BLACK = [30, 30, 30] as const;
const BLUE = [40, 60, 160] as const;
const GREY = [128, 128, 128] as const;
const body = upperBodyFrom([frontPerson()], width, height);
const torso = floatImage(width, height);
fillConvexPolygon(torso, [{ x: 230, y: 285 }, { x: 538, y: 285 }, { x: 500, y: 700 }, { x: 268, y: 700 }]);
const sleeves = capsuleMask(width, height, [
  { a: body.shoulderLeft, b: body.elbowLeft, radius: 34 }, { a: body.elbowLeft, b: body.wristLeft, radius: 30 },
  { a: body.shoulderRight, b: body.elbowRight, radius: 34 }, { a: body.elbowRight, b: body.wristRight, radius: 30 },
]);
const hands = capsuleMask(width, height, [
  { a: body.wristLeft, b: { x: 195, y: 740 }, radius: 24 }, { a: body.wristRight, b: { x: 573, y: 740 }, radius: 24 },
]);
const head = capsuleMask(width, height, [{ a: { x: 384, y: 150 }, b: { x: 384, y: 160 }, radius: 70 }, { a: { x: 384, y: 200 }, b: { x: 384, y: 290 }, radius: 34 }]);
const legs = floatImage(width, height);
fillConvexPolygon(legs, [{ x: 268, y: 690 }, { x: 500, y: 690 }, { x: 510, y: 1023 }, { x: 258, y: 1023 }]);
const mask = floatImage(width, height);
const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
for (let p = 0; p < width * height; p++) {
  const y = Math.floor(p / width);
  const stripe = Math.floor(y / 12) % 2 === 0 ? RED : BLACK;
  let colour: readonly number[] = GREY;
  if (legs.data[p]) colour = BLUE;
  if (head.data[p] || hands.data[p]) colour = SKIN;
  if (torso.data[p] || sleeves.data[p]) colour = stripe;
  if (colour !== GREY) mask.data[p] = 1;
  photo.data.set(colour, p * 3);
}
const rgbAt = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
const distance = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

describe('reading the shopper\'s clothes', () => {
  const crop = personCrop(body, width, height);
  const wardrobe = readWardrobe(photo, mask, body, crop);
  const label = (x: number, y: number): number => wardrobe.labels[(y - crop.y0) * crop.width + x - crop.x0]!;

  it('labels the old top (both stripe colours, sleeves too), the skin, the trousers and the background', () => {
    expect(label(384, 400)).toBe(WEAR.top);
    expect(label(384, 412)).toBe(WEAR.top);
    expect(label(228, 400)).toBe(WEAR.top);
    expect(label(384, 160)).toBe(WEAR.skin);
    expect(label(384, 850)).toBe(WEAR.lower);
    expect(label(crop.x0 + 2, 850)).toBe(WEAR.background);
    expect(wardrobe.hasLower).toBe(true);
    expect(distance(wardrobe.skinColour, SKIN)).toBeLessThan(10);
  });

  it('keeps only light and shade in the shading field, not the old top\'s stripes', () => {
    const field = shadingField(photo, wardrobe, body.shoulderWidth);
    const values: number[] = [];
    for (let y = 380; y < 500; y++) values.push(shadeAt(field, 384 - crop.x0, y - crop.y0));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    expect(sd).toBeLessThan(0.02);
  });

  it('casts a hem shadow on the trousers right under a garment, fading with depth', () => {
    const out: RgbImage = { width, height, data: new Uint8Array(photo.data) };
    const alpha = new Float32Array(crop.width * crop.height);
    for (let y = 0; y < 760 - crop.y0; y++) for (let x = 0; x < crop.width; x++) alpha[y * crop.width + x] = 1;
    hemShadow(out, wardrobe, alpha, body.shoulderWidth);
    expect(rgbAt(out, 384, 761)[2]!).toBeLessThan(BLUE[2] - 10);
    expect(rgbAt(out, 384, 900)).toEqual([...BLUE]);
  });
});

describe('reading a saturated top\'s shaded side where hair may fall', () => {
  it('labels a deep shade of the top\'s colour as the top (not as unmatched "other"), but not a colour far from every model', () => {
    // The top's side in shadow (a darker, redder red), and a green patch matching nothing, both near the head's column.
    const shaded: RgbImage = { width, height, data: new Uint8Array(photo.data) };
    const SHADE = [120, 15, 25];
    const GREEN = [40, 200, 60];
    for (let y = 330; y < 420; y++) for (let x = 285; x < 315; x++) shaded.data.set(SHADE, (y * width + x) * 3);
    for (let y = 330; y < 420; y++) for (let x = 455; x < 485; x++) shaded.data.set(GREEN, (y * width + x) * 3);
    const crop = personCrop(body, width, height);
    const wardrobe = readWardrobe(shaded, mask, body, crop);
    const label = (x: number, y: number): number => wardrobe.labels[(y - crop.y0) * crop.width + x - crop.x0]!;
    // Both patches lie where hair may fall (within half a shoulder width of the head's column, above the hair's reach).
    expect(Math.abs(300 - body.head.x)).toBeLessThan(0.5 * body.shoulderWidth);
    expect(Math.abs(470 - body.head.x)).toBeLessThan(0.5 * body.shoulderWidth);
    expect(label(300, 375)).toBe(WEAR.top);
    expect(label(470, 375)).toBe(WEAR.other);
  });
});

describe('push–pull fill', () => {
  it('fills unknown pixels from the known ones around them', () => {
    const w = 40;
    const h = 30;
    const colour = new Float32Array(w * h * 3);
    const known = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      if (i % w < 20) { known[i] = 1; colour.set([200, 100, 50], i * 3); }
    }
    const targets = Int32Array.from([15 * w + 25, 15 * w + 39, 0 * w + 30]);
    const out = new Float32Array(targets.length * 3);
    pushPullFill(colour, known, w, h, targets, out);
    for (let t = 0; t < targets.length; t++) expect(distance(Array.from(out.subarray(t * 3, t * 3 + 3)), [200, 100, 50])).toBeLessThan(1);
  });
});

describe('trying a garment on over other clothes', () => {
  const garment = cutOutGarment(drawGarment({ shape: 'tank-top', colour: [40, 150, 90] }));
  const fit = correspondences(garment.landmarks, body, mask);
  const result = composite(photo, mask, body, garment, fit);

  it('draws the garment opaque: the old top\'s stripes do not show through it', () => {
    const lumas: number[] = [];
    for (let y = 420; y < 500; y++) {
      const [r, g, b] = rgbAt(result.image, 384, y);
      expect(distance([r!, g!, b!], [40, 150, 90])).toBeLessThan(40);
      lumas.push(0.299 * r! + 0.587 * g! + 0.114 * b!);
    }
    const mean = lumas.reduce((a, b) => a + b, 0) / lumas.length;
    const sd = Math.sqrt(lumas.reduce((a, b) => a + (b - mean) ** 2, 0) / lumas.length);
    expect(sd).toBeLessThan(4);
  });

  it('takes the old top off where the new one does not cover it: bare arms instead of striped sleeves', () => {
    for (const [x, y] of [[228, 400], [540, 400], [203, 590], [565, 590]] as const) {
      const c = rgbAt(result.image, x, y);
      expect(distance(c, SKIN)).toBeLessThan(45);
      expect(distance(c, RED)).toBeGreaterThan(80);
      expect(distance(c, BLACK)).toBeGreaterThan(80);
    }
  });

  it('shades the repainted arm like a round limb: darker at its outline than along its middle', () => {
    const luma = (c: number[]): number => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
    for (const [e, w] of [[body.elbowLeft, body.wristLeft], [body.elbowRight, body.wristRight]] as const) {
      const mx = (e.x + w.x) / 2;
      const my = (e.y + w.y) / 2;
      const len = Math.hypot(w.x - e.x, w.y - e.y);
      // The forearm's capsule has radius 30: 22 px off its axis is 8 px inside its outline.
      const nx = -(w.y - e.y) / len;
      const ny = (w.x - e.x) / len;
      const middle = luma(rgbAt(result.image, Math.round(mx), Math.round(my)));
      const edge = luma(rgbAt(result.image, Math.round(mx + 22 * nx), Math.round(my + 22 * ny)));
      expect(edge).toBeLessThan(0.98 * middle);
    }
  });

  it('repaints a tapering arm inside a wider, straight old sleeve: the sleeve\'s outer part near the wrist becomes background', () => {
    for (const [e, w] of [[body.elbowLeft, body.wristLeft], [body.elbowRight, body.wristRight]] as const) {
      const len = Math.hypot(w.x - e.x, w.y - e.y);
      const nx = -(w.y - e.y) / len;
      const ny = (w.x - e.x) / len;
      // Near the wrist (85 % of the way down), 26 px off the axis: inside the old sleeve (radius 30), outside the arm.
      const ax = e.x + 0.85 * (w.x - e.x);
      const ay = e.y + 0.85 * (w.y - e.y);
      for (const side of [-1, 1]) {
        const c = rgbAt(result.image, Math.round(ax + side * 26 * nx), Math.round(ay + side * 26 * ny));
        expect(distance(c, GREY)).toBeLessThan(30);
      }
      expect(distance(rgbAt(result.image, Math.round(ax), Math.round(ay)), SKIN)).toBeLessThan(45);
    }
  });

  it('leaves almost none of the old top visible anywhere', () => {
    let old = 0;
    let total = 0;
    for (let p = 0; p < width * height; p++) {
      if (!torso.data[p] && !sleeves.data[p]) continue;
      total++;
      const c = Array.from(result.image.data.subarray(p * 3, p * 3 + 3));
      if (distance(c, RED) < 40 || distance(c, BLACK) < 40) old++;
    }
    expect(old / total).toBeLessThan(0.03);
  });

  it('keeps the face and the trousers below the hem as they were', () => {
    expect(rgbAt(result.image, 384, 160)).toEqual([...SKIN]);
    expect(rgbAt(result.image, 384, 950)).toEqual([...BLUE]);
  });
});

describe('hair grows from the head, never down the front of the neck', () => {
  // A 60×60 crop: hair above row 20 (the chin); a dark neck shadow in columns 28–32 from the chin down to an old
  // top's dark neckline across row 40; a lock of hair down the side (columns 5–8).
  const cw = 60;
  const ch = 60;
  const labels = (): Uint8Array => {
    const l = new Uint8Array(cw * ch).fill(WEAR.skin);
    for (let y = 0; y < 20; y++) l.fill(WEAR.hair, y * cw, (y + 1) * cw);
    for (let y = 20; y < 40; y++) l.fill(WEAR.hair, y * cw + 28, y * cw + 33);
    l.fill(WEAR.hair, 40 * cw + 10, 40 * cw + 50);
    for (let y = 20; y < 55; y++) l.fill(WEAR.hair, y * cw + 5, y * cw + 9);
    return l;
  };

  it('does not join an old neckline to the head through the neck\'s shadow', () => {
    const l = labels();
    hairFromTheHead(l, cw, ch, 20, 15, 58, { x: 30, halfWidth: 6 });
    expect(l[40 * cw + 20]).toBe(WEAR.top);
    expect(l[30 * cw + 30]).toBe(WEAR.top);
    // Hair falling down the side stays hair.
    expect(l[50 * cw + 6]).toBe(WEAR.hair);
  });

  it('without the throat, the neckline was joined to the hair', () => {
    const l = labels();
    hairFromTheHead(l, cw, ch, 20, 15, 58);
    expect(l[40 * cw + 20]).toBe(WEAR.hair);
  });
});

describe('a top\'s deep shade where hair may fall: the top when joined to it, not when joined to the hair', () => {
  // Brown hair on the head and a lock falling onto the right shoulder; a colour nearest the top's (red) but beyond its
  // shade distance, once as a band inside the torso (the top's side in deep shadow) and once as the lock's end.
  const BROWN = [70, 45, 30];
  const DEEP = [255, 60, 0];
  const photo2: RgbImage = { width, height, data: new Uint8Array(photo.data) };
  const mask2 = floatImage(width, height);
  mask2.data.set(mask.data);
  const paint = (x0: number, x1: number, y0: number, y1: number, c: number[]): void => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) { photo2.data.set(c, (y * width + x) * 3); mask2.data[y * width + x] = 1; }
  };
  const cap = capsuleMask(width, height, [{ a: { x: 384, y: 100 }, b: { x: 384, y: 100 }, radius: 85 }]);
  for (let p = 0; p < width * height; p++) if (cap.data[p] && p < 120 * width) { photo2.data.set(BROWN, p * 3); mask2.data[p] = 1; }
  paint(455, 470, 100, 330, BROWN);
  paint(455, 470, 330, 380, DEEP);
  paint(285, 315, 330, 420, DEEP);
  const crop = personCrop(body, width, height);
  const wardrobe = readWardrobe(photo2, mask2, body, crop);
  const label = (x: number, y: number): number => wardrobe.labels[(y - crop.y0) * crop.width + x - crop.x0]!;

  it('takes the band joined to the top for the top, and the lock\'s end joined to the hair for no top', () => {
    expect(label(462, 200)).toBe(WEAR.hair);
    expect(label(300, 375)).toBe(WEAR.top);
    expect(label(462, 355)).toBe(WEAR.other);
  });
});
