import { GarmentCache } from './garment-cache.js';
import type { PreparedGarment } from './garment-job.js';

/** A cache whose fresh preparations are counted per product and finish when `finish` is called. */
function counting(capacity: number) {
  const prepared: number[] = [];
  const waiting: { resolve(): void; reject(e: Error): void }[] = [];
  const cache = new GarmentCache(capacity, (bytes) => {
    prepared.push(bytes[0]!);
    return new Promise<PreparedGarment>((resolve, reject) => {
      const cutout = { image: { width: 1, height: 1, data: bytes }, photo: { width: 1, height: 1, data: bytes }, alpha: { width: 1, height: 1, data: new Float32Array(1) }, landmarks: {} as never };
      waiting.push({ resolve: () => resolve({ cutout, ms: 40 }), reject });
    });
  });
  const finishAll = (): void => {
    for (const w of waiting.splice(0)) w.resolve();
  };
  return { cache, prepared, waiting, finishAll };
}

const product = (n: number): Uint8Array => new Uint8Array([n, 1, 2, 3]);

describe('garment cache', () => {
  it('prepares a product once, for the try-ons asking for it meanwhile too, and keeps it', async () => {
    const { cache, prepared, finishAll } = counting(4);
    const both = Promise.all([cache.prepare(product(1)), cache.prepare(product(1))]);
    finishAll();
    const [a, b] = await both;
    expect(a.cutout).toBe(b.cutout);
    expect(a.ms).toBeGreaterThanOrEqual(40);
    const again = await cache.prepare(product(1));
    expect(again.cutout).toBe(a.cutout);
    expect(again.ms).toBeLessThan(40);
    expect(prepared).toEqual([1]);
  });

  it('drops the least recently used product past its capacity', async () => {
    const { cache, prepared, finishAll } = counting(2);
    for (const n of [1, 2, 1, 3, 1, 2]) {
      const job = cache.prepare(product(n));
      finishAll();
      await job;
    }
    // 1 and 2 kept; 1 used again, so 3 drops 2; 1 is still there, 2 is prepared again.
    expect(prepared).toEqual([1, 2, 3, 2]);
  });

  it('does not keep a failed preparation, and prepares everything again once forgotten', async () => {
    const { cache, prepared, waiting, finishAll } = counting(4);
    const failed = cache.prepare(product(1));
    waiting.splice(0)[0]!.reject(new Error('worker gone'));
    await expect(failed).rejects.toThrow('worker gone');
    const ok = cache.prepare(product(1));
    finishAll();
    await ok;
    cache.forget();
    const fresh = cache.prepare(product(1));
    finishAll();
    await fresh;
    expect(prepared).toEqual([1, 1, 1]);
  });
});
