import { readCapped, sniffImageType } from './media.js';

describe('sniffImageType', () => {
  const bytes = (...values: (number | string)[]) => new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));

  it('knows PNG, JPEG, GIF and WebP by their magic bytes, whatever was declared', () => {
    expect(sniffImageType(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0))).toBe('image/png');
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0))).toBe('image/jpeg');
    expect(sniffImageType(bytes('GIF89a', 1, 0))).toBe('image/gif');
    expect(sniffImageType(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('image/webp');
  });

  it('refuses anything else, including a truncated or look-alike header', () => {
    expect(sniffImageType(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImageType(bytes(0x89, 'PN'))).toBeUndefined();
    expect(sniffImageType(bytes('GIF8'))).toBeUndefined();
    expect(sniffImageType(bytes('RIFF', 0, 0, 0, 0, 'WAVE'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
  });
});

describe('readCapped', () => {
  const body = (chunks: number[], headers: Record<string, string> = {}) =>
    new Response(new ReadableStream({ start: (c) => { for (const n of chunks) c.enqueue(new Uint8Array(n)); c.close(); } }), { headers });

  it('reads a body up to the cap', async () => {
    expect((await readCapped(body([3, 4]), 7)).length).toBe(7);
  });

  it('fails as soon as the body passes the cap, or at once when Content-Length says so, naming what it read', async () => {
    await expect(readCapped(body([4, 4]), 7, 'media')).rejects.toMatchObject({ code: 'payload_too_large', message: 'media is more than 7 bytes' });
    await expect(readCapped(body([1], { 'content-length': '100' }), 7)).rejects.toMatchObject({ code: 'payload_too_large', message: 'file is 100 bytes, more than 7' });
  });
});
