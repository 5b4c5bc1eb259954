import { TryOnInputError } from '../errors.js';
import { checkImage, decodeImage, encodeImage, readHeader } from './codec.js';

function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

function jpegHeader(width: number, height: number): Uint8Array {
  // SOI, an APP0 segment, then SOF0 with the frame size.
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 0, 0, 0, 0]);
}

async function reason(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof TryOnInputError) return error.reason;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('image decoding limits', () => {
  it('reads the size from PNG and JPEG headers', () => {
    expect(readHeader(pngHeader(640, 480))).toEqual({ format: 'png', width: 640, height: 480 });
    expect(readHeader(jpegHeader(768, 1024))).toEqual({ format: 'jpeg', width: 768, height: 1024 });
  });

  it('refuses files that are not images', async () => {
    expect(await reason(decodeImage(new TextEncoder().encode('%PDF-1.7 not a photo')))).toBe('not_an_image');
    expect(await reason(decodeImage(new Uint8Array()))).toBe('not_an_image');
    expect(await reason(() => readHeader(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))).toBe('not_an_image');
  });

  it('refuses image bombs from the header alone, before decoding', async () => {
    // A few dozen bytes claiming 100,000 × 100,000 pixels (40 GB decoded).
    expect(await reason(decodeImage(pngHeader(100_000, 100_000)))).toBe('too_large');
    expect(await reason(decodeImage(jpegHeader(60_000, 60_000)))).toBe('too_large');
    expect(await reason(() => checkImage(pngHeader(4000, 4500)))).toBe('too_large');
  });

  it('refuses tiny images and oversized files', async () => {
    expect(await reason(() => checkImage(pngHeader(64, 64)))).toBe('too_small');
    const huge = new Uint8Array(16 * 1024 * 1024);
    huge.set(pngHeader(800, 600));
    expect(await reason(() => checkImage(huge))).toBe('too_large');
  });

  it('refuses a damaged body behind a valid header', async () => {
    expect(await reason(decodeImage(pngHeader(300, 300)))).toBe('not_an_image');
  });

  it('round-trips pixels through PNG exactly and keeps the size through JPEG', async () => {
    const width = 200;
    const height = 150;
    const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7) % 256);
    const png = await decodeImage(await encodeImage({ width, height, data }, 'png'));
    expect(png.width).toBe(width);
    expect(Array.from(png.data.subarray(0, 30))).toEqual(Array.from(data.subarray(0, 30)));
    const jpeg = await decodeImage(await encodeImage({ width, height, data }, 'jpeg'));
    expect([jpeg.width, jpeg.height]).toEqual([width, height]);
  });
});
