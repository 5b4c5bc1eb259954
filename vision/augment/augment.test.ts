import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { cutOutGarment } from '../garment.js';
import type { RgbImage } from '../image/raster.js';
import { augmentPhoto, toListingImage } from './augment.js';
import { drawBackdrop, SETTING_STYLES } from './backdrops.js';
import { parseColour, recolour } from './colourway.js';
import { rgbToLab } from './lab-image.js';
import { borderColour, cutOutProduct } from './matte.js';
import { homography, placeProduct, project } from './place.js';
import { lumaSsim, shadingSsim, whiteFringe } from './quality.js';

/** Under heavy machine load these take far longer than their CPU time (well under a second each). */
const SLOW = 180_000;
const W = 200;
const H = 260;

/**
 * A product photo: an olive garment-like shape (an ellipse body with a tab on top) on off-white, shaded with vertical
 * folds, anti-aliased edges and, like retouched shop photos, a 2-px halo lighter than the background around it.
 */
function productPhoto(colour: [number, number, number] = [104, 110, 52], halo = true): RgbImage {
  const data = new Uint8Array(W * H * 3).fill(240);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const d = Math.hypot((x - W / 2) / 70, (y - H / 2 - 10) / 100) - 1;
      const edge = d * 70; // roughly pixels outside the outline
      const coverage = Math.min(1, Math.max(0, 0.5 - edge));
      const fold = 0.7 + 0.3 * Math.sin(x / 3);
      const p = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) {
        const bg = halo && edge > 0 && edge < 2.5 ? 255 : 240;
        data[p + c] = Math.round(coverage * colour[c]! * fold + (1 - coverage) * bg);
      }
    }
  }
  return { width: W, height: H, data };
}

describe('cut-out and placement', () => {
  it('replaces the background with no white fringe where pasting the photo as it is leaves one', () => {
    const photo = productPhoto();
    const backdrop = drawBackdrop('concrete', W, H);
    const style = SETTING_STYLES.concrete;
    const clean = placeProduct(cutOutProduct(photo), cutOutProduct(photo).image, backdrop, style, 'front');
    expect(whiteFringe(clean)).toBeLessThanOrEqual(0.01);
    // The try-on's matte with the photo's own colours: the halo comes along.
    const naiveAlpha = cutOutGarment(photo).alpha;
    const naive = { image: photo, alpha: naiveAlpha, background: borderColour(photo), box: { left: 0, top: 0, right: W - 1, bottom: H - 1 } };
    const pasted = placeProduct(naive, photo, backdrop, style, 'front');
    expect(whiteFringe(pasted)).toBeGreaterThan(0.05);
  }, SLOW);

  it('leaves no background colour in the new image: far from the product every pixel is the setting', () => {
    const photo = productPhoto();
    const [image] = [...augmentPhoto(photo, { settings: ['wood'], views: ['front'] })];
    const backdrop = drawBackdrop('wood', W, H);
    const { alpha } = image!.placement;
    let background = 0;
    for (let i = 0; i < W * H; i++) if (alpha.data[i] === 0 && image!.placement.image.data[i * 3]! > 230) background++;
    expect(background).toBe(0);
    expect(backdrop.data[0]).toBeLessThan(200);
  }, SLOW);

  it('perspective views map the product box corners where the view puts them', () => {
    const from = [{ x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 50 }, { x: 0, y: 50 }];
    const to = [{ x: 10, y: 5 }, { x: 90, y: 0 }, { x: 95, y: 60 }, { x: 5, y: 48 }];
    const h = homography(from, to);
    from.forEach((p, i) => {
      const q = project(h, p.x, p.y);
      expect(q.x).toBeCloseTo(to[i]!.x, 6);
      expect(q.y).toBeCloseTo(to[i]!.y, 6);
    });
  });
});

describe('colourways', () => {
  it('parses names and hex codes, refuses anything else', () => {
    expect(parseColour('Navy')?.rgb).toEqual([31, 42, 68]);
    expect(parseColour('#abc')).toEqual({ name: '#aabbcc', rgb: [170, 187, 204] });
    expect(parseColour('forest  green')?.name).toBe('forest green');
    expect(parseColour('blurple')).toBeUndefined();
  });

  it('recolours to the target hue while keeping the folds (shading SSIM), and flattening would be caught', () => {
    const photo = productPhoto([104, 110, 52], false);
    const cutout = cutOutProduct(photo);
    const navy = recolour(cutout.image, cutout.alpha, parseColour('navy')!);
    expect(shadingSsim(cutout.image, navy, cutout.alpha)).toBeGreaterThanOrEqual(0.9);
    const centre = ((H / 2) * W + W / 2) * 3;
    const [, a, b] = rgbToLab(navy.data[centre]!, navy.data[centre + 1]!, navy.data[centre + 2]!);
    const [, na, nb] = rgbToLab(31, 42, 68);
    expect(Math.abs(Math.atan2(b, a) - Math.atan2(nb, na))).toBeLessThan(0.35);
    // A recolour that paints a flat colour loses the shading: the measure must say so.
    const flat = { ...navy, data: new Uint8Array(navy.data) };
    for (let i = 0; i < W * H; i++) if (cutout.alpha.data[i]! > 0.5) flat.data.set([31, 42, 68], i * 3);
    expect(shadingSsim(cutout.image, flat, cutout.alpha)).toBeLessThan(0.7);
  }, SLOW);

  it('keeps luminance SSIM high for a colourway of similar lightness and leaves a contrasting trim alone', () => {
    const photo = productPhoto([104, 110, 52], false);
    // A cream trim band across the body.
    for (let y = 120; y < 130; y++) for (let x = 60; x < 140; x++) photo.data.set([236, 226, 200], (y * W + x) * 3);
    const cutout = cutOutProduct(photo);
    const teal = recolour(cutout.image, cutout.alpha, parseColour('teal')!);
    expect(lumaSsim(cutout.image, teal, cutout.alpha)).toBeGreaterThanOrEqual(0.9);
    const trim = (125 * W + 100) * 3;
    expect(Math.abs(teal.data[trim]! - 236)).toBeLessThan(6);
  }, SLOW);
});

describe('listing images', () => {
  it('makes every colour × setting from the front and the turned views, at the photo size, with the file hash', async () => {
    const photo = productPhoto();
    const images = [...augmentPhoto(photo, { settings: ['studio', 'linen'], colours: [parseColour('red')!], views: ['front', 'left'] })];
    expect(images.map((i) => `${i.colour}/${i.setting}/${i.view}`)).toEqual(['original/studio/front', 'original/linen/front', 'red/studio/front', 'red/linen/front', 'original/studio/left']);
    const listing = await toListingImage('nw-tee', images[2]!);
    expect(listing.entry).toMatchObject({ productId: 'nw-tee', file: 'nw-tee-red-studio-front.jpg', setting: 'studio', colour: 'red', width: W, height: H });
    expect(listing.entry.sha256).toBe(createHash('sha256').update(listing.bytes).digest('hex'));
  }, SLOW);
});
