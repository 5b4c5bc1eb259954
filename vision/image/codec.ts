import sharp from 'sharp';
import { TryOnInputError } from '../errors.js';
import type { RgbImage } from './raster.js';

/** Limits applied before decoding (from the file header) so a hostile file cannot exhaust memory. */
export interface ImageLimits {
  /** Largest accepted file, in bytes. Default 15 MB. */
  maxBytes: number;
  /** Largest accepted width or height, in pixels. Default 4096. */
  maxSide: number;
  /** Largest accepted pixel count. Default 16.8 million (4096×4096). */
  maxPixels: number;
  /** Smallest accepted width or height, in pixels. Default 128. */
  minSide: number;
}

/** Default {@link ImageLimits}: 15 MB, 4096 px a side, 16.8 MP, at least 128 px a side. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 15 * 1024 * 1024, maxSide: 4096, maxPixels: 4096 * 4096, minSide: 128 };

/** Image container formats Parley decodes. */
export type ImageFormat = 'jpeg' | 'png';

/** Format and dimensions read from a file header, without decoding pixels. */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Recognises JPEG and PNG by their magic bytes; anything else is `undefined`. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  return undefined;
}

/** Reads format, width and height from the header (JPEG SOF marker, PNG IHDR); throws `not_an_image` when unreadable. */
export function readHeader(bytes: Uint8Array): ImageHeader {
  const format = sniffFormat(bytes);
  if (format === 'png') {
    if (bytes.length < 24) throw notAnImage('the PNG header is truncated');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { format, width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (format === 'jpeg') return { format, ...jpegSize(bytes) };
  throw notAnImage('the file is not a JPEG or PNG image');
}

function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) throw notAnImage('the JPEG structure is damaged');
    const marker = bytes[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  throw notAnImage('the JPEG has no frame header');
}

function notAnImage(why: string): TryOnInputError {
  return new TryOnInputError('not_an_image', `That file is not a photo we can read: ${why}.`);
}

/** Checks size limits from the header alone (before any pixel is decoded); returns the header. */
export function checkImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): ImageHeader {
  if (bytes.length > limits.maxBytes) {
    throw new TryOnInputError('too_large', `The image is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${(limits.maxBytes / 1048576).toFixed(0)} MB.`);
  }
  const header = readHeader(bytes);
  const { width, height } = header;
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    throw new TryOnInputError('too_large', `The image is ${width}×${height} pixels; at most ${limits.maxSide} pixels a side are accepted.`, { details: { width, height } });
  }
  if (width < limits.minSide || height < limits.minSide) {
    throw new TryOnInputError('too_small', `The image is only ${width}×${height} pixels; please send one at least ${limits.minSide} pixels a side.`, { details: { width, height } });
  }
  return header;
}

/**
 * Decodes a JPEG or PNG into RGB (EXIF orientation applied, alpha composited over white) after {@link checkImage};
 * a corrupt body throws `not_an_image`. Decoding uses sharp (libvips, prebuilt binary from npm).
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<RgbImage> {
  checkImage(bytes, limits);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new TryOnInputError('not_an_image', 'That image is damaged and could not be read.', { cause: error });
  }
}

/** Encodes RGB as PNG (lossless) or JPEG (quality 1–100, default 90). */
export async function encodeImage(img: RgbImage, format: ImageFormat, quality = 90): Promise<Buffer> {
  const pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  return format === 'jpeg' ? pipeline.jpeg({ quality }).toBuffer() : pipeline.png().toBuffer();
}

/** The format implied by a file name (`.png` → png, otherwise jpeg). */
export function formatForPath(path: string): ImageFormat {
  return /\.png$/i.test(path) ? 'png' : 'jpeg';
}
