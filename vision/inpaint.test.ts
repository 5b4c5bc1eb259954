import { FILL, lowerMirror } from './lower-mirror.js';
import { WEAR, type Wardrobe } from './wardrobe.js';

describe('continuing the trousers where a shorter top reveals them', () => {
  // A 20×40 crop at (100, 200) of a 400-pixel-wide photo: the old top down to row 19, trousers from row 20.
  const cw = 20;
  const ch = 40;
  const photoWidth = 400;
  const wardrobe = (): Wardrobe => {
    const labels = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++) labels.fill(y < 20 ? WEAR.top : WEAR.lower, y * cw, (y + 1) * cw);
    return { crop: { x0: 100, y0: 200, width: cw, height: ch }, labels, albedo: new Float32Array(cw * ch), hasLower: true, skinColour: [200, 160, 140] };
  };
  // Every pixel of rows 10–19 is repainted as the lower garment (the domain is the crop).
  const targets = Int32Array.from({ length: 10 * cw }, (_, k) => 10 * cw + k);
  const kind = new Uint8Array(cw * ch).fill(255);
  for (const d of targets) kind[d] = FILL.lower;
  const photoRowCol = (p: number): [number, number] => [Math.floor(p / photoWidth) - 200, (p % photoWidth) - 100];

  it('copies the visible trousers mirrored about the bottom of the repaint, column by column', () => {
    const out = lowerMirror(wardrobe(), photoWidth, targets, kind, cw, 0, 0, 2);
    // Row 19 (just above the trousers) takes row 20; row 10 takes row 29; same column.
    expect(photoRowCol(out[9 * cw + 5]!)).toEqual([20, 5]);
    expect(photoRowCol(out[0 * cw + 5]!)).toEqual([29, 5]);
  });

  it('takes the nearest trouser pixel where the mirrored one is something else, and the fill where there is none', () => {
    const w = wardrobe();
    // A hand over the trousers at rows 28–30 of column 5, and column 7 with no trousers at all below the repaint.
    for (let y = 28; y <= 30; y++) w.labels[y * cw + 5] = WEAR.skin;
    for (let y = 20; y < ch; y++) w.labels[y * cw + 7] = WEAR.background;
    const out = lowerMirror(w, photoWidth, targets, kind, cw, 0, 0, 2);
    const [row, col] = photoRowCol(out[0 * cw + 5]!);
    expect(col).toBe(5);
    expect(w.labels[row * cw + col]).toBe(WEAR.lower);
    expect(Math.abs(row - 29)).toBeLessThanOrEqual(2);
    expect(out[0 * cw + 7]).toBe(-1);
  });

  it('mirrors about the old hem, not about a stray dark crease of the trousers read as the old top further down', () => {
    // A stray target at row 35 of column 3 (below the trousers' top).
    const stray = 35 * cw + 3;
    const withStray = Int32Array.from([...targets, stray]);
    const kinds = new Uint8Array(kind);
    kinds[stray] = FILL.lower;
    const out = lowerMirror(wardrobe(), photoWidth, withStray, kinds, cw, 0, 0, 2);
    expect(photoRowCol(out[0 * cw + 3]!)).toEqual([29, 3]);
    expect(out[withStray.length - 1]).toBe(-1);
  });
});
