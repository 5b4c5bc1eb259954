import { upperBodyFrom } from './body.js';
import { segmentDistance } from './geometry/shapes.js';
import type { RgbImage } from './image/raster.js';
import { removeOldTop } from './inpaint.js';
import type { ShadingField } from './shading.js';
import { frontPerson } from './testing/poses.js';
import type { Wardrobe } from './wardrobe.js';
import { WEAR } from './wear.js';

const width = 768;
const height = 1024;
const BACKGROUND = [230, 230, 232] as const;
const OLD_TOP = [60, 40, 90] as const;
// The neck is lit; the face, arms and hands are a darker shade of the same skin.
const NECK = [236, 200, 176] as const;
const SKIN = [190, 161, 142] as const;
// Shaded fingers, read as the old top.
const FINGERS = [150, 100, 80] as const;

/**
 * A person in a short-sleeved old top with everything taken off (no new garment covers anything): the head and a lit
 * neck above the top (down to y 290), the torso (x 250–518) and boxy sleeves 50 px either side of the shoulder → elbow
 * line down to y 400 in the old top; below the sleeves bare arms 20 px either side of their line; hands beside the
 * body 40 px past the wrists, with shaded fingers (6 px across) read as the old top.
 */
function scene(): { photo: RgbImage; wardrobe: Wardrobe; body: ReturnType<typeof upperBodyFrom> } {
  const body = upperBodyFrom([frontPerson()], width, height);
  const labels = new Uint8Array(width * height);
  const photo: RgbImage = { width, height, data: new Uint8Array(width * height * 3) };
  const arms = [[body.shoulderLeft, body.elbowLeft, body.wristLeft], [body.shoulderRight, body.elbowRight, body.wristRight]] as const;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = { x, y };
      const arm = Math.min(...arms.map(([s, e, w]) => Math.min(segmentDistance(p, s, e), segmentDistance(p, e, w))));
      const upperArm = Math.min(...arms.map(([s, e]) => segmentDistance(p, s, e)));
      let label: number = WEAR.background;
      let colour: readonly number[] = BACKGROUND;
      if ((x - 384) ** 2 + (y - 160) ** 2 < 90 ** 2) { label = WEAR.skin; colour = SKIN; }
      else if (y < 290 && y > 200 && Math.abs(x - 384) < 45) { label = WEAR.skin; colour = NECK; }
      else if ((y >= 290 && x >= 250 && x <= 518 && y < 900) || (y >= 285 && y < 400 && upperArm < 50)) { label = WEAR.top; colour = OLD_TOP; }
      else if (y >= 400 && arm < 20) { label = WEAR.skin; colour = SKIN; }
      const hand = Math.min(...arms.map(([, e, w]) => Math.hypot(x - (w.x + (w.x - e.x) * 0.22), y - (w.y + (w.y - e.y) * 0.22))));
      if (hand < 6) { label = WEAR.top; colour = FINGERS; } else if (hand < 16) { label = WEAR.skin; colour = SKIN; }
      labels[y * width + x] = label;
      photo.data.set(colour, (y * width + x) * 3);
    }
  }
  const wardrobe: Wardrobe = { crop: { x0: 0, y0: 0, width, height }, labels, albedo: new Float32Array(width * height).fill(100), hasLower: false, skinColour: [...SKIN] as [number, number, number] };
  return { photo, wardrobe, body };
}

describe('repainting the skin and background under an old top that nothing covers', () => {
  const { photo, wardrobe, body } = scene();
  const out: RgbImage = { width, height, data: new Uint8Array(photo.data) };
  const shade: ShadingField = { width: Math.ceil(width / 4), height: Math.ceil(height / 4), data: new Float32Array(Math.ceil(width / 4) * Math.ceil(height / 4)).fill(1) };
  removeOldTop(photo, out, wardrobe, new Float32Array(width * height), body, shade);
  const at = (x: number, y: number): number[] => Array.from(out.data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));

  it('goes on in the neck\'s own colour below it: no step where the repaint starts', () => {
    // Down the middle from the neck (20 px above the old top, clear of its shadow, which is repainted too) into the
    // repaint: no step in brightness from one row to the next.
    const luma = (c: number[]): number => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
    expect(at(384, 270)).toEqual([...NECK]);
    let step = 0;
    for (let y = 270; y < 340; y++) step = Math.max(step, Math.abs(luma(at(384, y + 1)) - luma(at(384, y))));
    expect(step).toBeLessThan(4);
    // Where the old top began, the neck's brightness (208) goes on (it was the synthesised skin's, 14 darker).
    expect(Math.abs(luma(at(384, 290)) - luma([...NECK]))).toBeLessThan(6);
  });

  it('repaints the upper arm at the width of the bare arm below the old sleeve; the rest of the sleeve becomes background', () => {
    // 30 px out from the upper arm's line, 20 px below the shoulder joint: inside the old sleeve, outside the arm (but
    // within the 0.16 shoulder widths, 44 px, of the joint that the shoulders' round outline once reached).
    for (const [s, e, side] of [[body.shoulderLeft, body.elbowLeft, -1], [body.shoulderRight, body.elbowRight, 1]] as const) {
      const t = 20 / Math.hypot(e.x - s.x, e.y - s.y);
      const x = Math.round(s.x + (e.x - s.x) * t + side * 30);
      const y = Math.round(s.y + (e.y - s.y) * t);
      const outside = at(x, y);
      for (let c = 0; c < 3; c++) expect(Math.abs(outside[c]! - BACKGROUND[c]!)).toBeLessThan(12);
      // 8 px out from the line: the arm, repainted as skin.
      const inside = at(Math.round(s.x + (e.x - s.x) * t + side * 8), y);
      expect(inside[0]! - inside[2]!).toBeGreaterThan(25);
    }
  });

  it('leaves the hands beside the body as they are, shaded fingers read as the old top included', () => {
    for (const [e, w] of [[body.elbowLeft, body.wristLeft], [body.elbowRight, body.wristRight]] as const) {
      const x = Math.round(w.x + (w.x - e.x) * 0.22);
      const y = Math.round(w.y + (w.y - e.y) * 0.22);
      expect(at(x, y)).toEqual([...FINGERS]);
      expect(at(x + 10, y)).toEqual([...SKIN]);
    }
  });
});
