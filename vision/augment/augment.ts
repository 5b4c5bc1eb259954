import { createHash } from 'node:crypto';
import { encodeImage } from '../image/codec.js';
import type { RgbImage } from '../image/raster.js';
import { drawBackdrop, SETTING_STYLES, SETTINGS, type SettingName } from './backdrops.js';
import { recolour, type Colourway } from './colourway.js';
import { cutOutProduct, type ProductCutout } from './matte.js';
import { placeProduct, VIEWS, type Placement, type ViewName } from './place.js';

/** What to make of one product photo. */
export interface AugmentOptions {
  /** Settings to place the product in; default all of {@link SETTINGS}. */
  settings?: readonly SettingName[];
  /** Colourways besides the product's own colour; default none. */
  colours?: readonly Colourway[];
  /** Viewpoints; `front` is made for every colour and setting, the turned views for the original colour in the first setting. Default all. */
  views?: readonly ViewName[];
  /** Photos (or GAN samples) to use as lifestyle backgrounds instead of the procedural room, taken in turn. */
  lifestyleBackgrounds?: readonly RgbImage[];
  /** Whether to make images of the product's own colour too (false: colourways only). Default true. */
  original?: boolean;
  /** Seed of the procedural textures. Default 1. */
  seed?: number;
}

/** One generated image, before encoding. */
export interface AugmentedImage {
  setting: SettingName;
  /** `original` or the colourway's name. */
  colour: string;
  view: ViewName;
  placement: Placement;
  /** The product's colours on its own photo (recoloured for a colourway), for measuring. */
  product: RgbImage;
}

/** The product cut out once plus its colourways, to place in many settings. */
export interface PreparedProduct {
  cutout: ProductCutout;
  colourways: Map<string, RgbImage>;
}

/** Cuts the product out and recolours it to each colourway. */
export function prepareProduct(photo: RgbImage, colours: readonly Colourway[] = []): PreparedProduct {
  const cutout = cutOutProduct(photo);
  const colourways = new Map<string, RgbImage>([['original', cutout.image]]);
  for (const colour of colours) colourways.set(colour.name, recolour(cutout.image, cutout.alpha, colour));
  return { cutout, colourways };
}

/**
 * Every image of a product photo: each colour (the original first, unless `original` is false) in each setting seen
 * from the front, then the first colour in the first setting from the other views. Output images have the photo's size (full resolution).
 */
export function augmentPhoto(photo: RgbImage, options: AugmentOptions = {}): Generator<AugmentedImage> {
  return augmentPrepared(prepareProduct(photo, options.colours), options);
}

/** {@link augmentPhoto} for a product already cut out and recoloured (its colourways are taken from `prepared`). */
export function* augmentPrepared(prepared: PreparedProduct, options: Omit<AugmentOptions, 'colours'> = {}): Generator<AugmentedImage> {
  const settings = options.settings ?? SETTINGS;
  const views = options.views ?? VIEWS;
  const photo = prepared.cutout.image;
  const backdrops = new Map<SettingName, RgbImage>();
  let lifestyleIndex = 0;
  const backdropFor = (setting: SettingName): RgbImage => {
    const given = options.lifestyleBackgrounds;
    if (setting === 'lifestyle' && given?.length) return coverResize(given[lifestyleIndex++ % given.length]!, photo.width, photo.height);
    let backdrop = backdrops.get(setting);
    if (!backdrop) backdrops.set(setting, (backdrop = drawBackdrop(setting, photo.width, photo.height, options.seed ?? 1)));
    return backdrop;
  };
  const colours = [...prepared.colourways].filter(([name]) => options.original !== false || name !== 'original');
  for (const [colour, product] of colours) {
    for (const setting of settings) {
      if (!views.includes('front')) break;
      yield { setting, colour, view: 'front', product, placement: placeProduct(prepared.cutout, product, backdropFor(setting), SETTING_STYLES[setting], 'front') };
    }
  }
  const first = settings[0];
  const [colour, product] = colours[0] ?? [];
  if (first === undefined || colour === undefined || product === undefined) return;
  for (const view of views) {
    if (view === 'front') continue;
    yield { setting: first, colour, view, product, placement: placeProduct(prepared.cutout, product, backdropFor(first), SETTING_STYLES[first], view) };
  }
}

/** Scales an image to cover `width`×`height` (centre crop, bilinear). */
export function coverResize(img: RgbImage, width: number, height: number): RgbImage {
  const scale = Math.max(width / img.width, height / img.height);
  const ox = (img.width * scale - width) / 2;
  const oy = (img.height * scale - height) / 2;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + oy + 0.5) / scale - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + ox + 0.5) / scale - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number): number => img.data[(yy * img.width + xx) * 3 + c]!;
        data[(y * width + x) * 3 + c] = Math.round((at(y0, x0) * (1 - wx) + at(y0, x1) * wx) * (1 - wy) + (at(y1, x0) * (1 - wx) + at(y1, x1) * wx) * wy);
      }
    }
  }
  return { width, height, data };
}

/** One listing image in a manifest. */
export interface ManifestEntry {
  productId: string;
  /** File name, relative to the manifest. */
  file: string;
  setting: SettingName;
  colour: string;
  view: ViewName;
  width: number;
  height: number;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
}

/** An encoded listing image and its manifest entry. */
export interface ListingImage {
  entry: ManifestEntry;
  bytes: Buffer;
}

/** Encodes a generated image as a JPEG listing image (quality 92) named `<product>-<colour>-<setting>-<view>.jpg`. */
export async function toListingImage(productId: string, image: AugmentedImage): Promise<ListingImage> {
  const bytes = await encodeImage(image.placement.image, 'jpeg', 92);
  const colour = image.colour.replace(/[^a-z0-9]+/gi, '');
  const file = `${productId}-${colour}-${image.setting}-${image.view}.jpg`;
  const { width, height } = image.placement.image;
  return { bytes, entry: { productId, file, setting: image.setting, colour: image.colour, view: image.view, width, height, sha256: createHash('sha256').update(bytes).digest('hex') } };
}
