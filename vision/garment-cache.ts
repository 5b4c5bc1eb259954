import { createHash } from 'node:crypto';
import type { GarmentCutout } from './garment.js';
import type { PreparedGarment } from './garment-job.js';

/**
 * Prepared garments by SHA-256 of the product image, least recently used dropped past `capacity` (a catalogue's
 * products are tried on again and again). A product being prepared is prepared once for all the try-ons asking for it
 * meanwhile; a failed preparation is not kept.
 */
export class GarmentCache {
  /** Finished cut-outs; the map's order is least recently used first. */
  private readonly cutouts = new Map<string, GarmentCutout>();
  private readonly preparing = new Map<string, Promise<PreparedGarment>>();

  /** @param prepareFresh prepares a product not in the cache (inline or on the garment worker). */
  constructor(
    private readonly capacity: number,
    private readonly prepareFresh: (bytes: Uint8Array) => Promise<PreparedGarment>,
  ) {}

  /** The product's garment, from the cache or freshly prepared; `ms` includes hashing the product image. */
  async prepare(bytes: Uint8Array): Promise<PreparedGarment> {
    const started = performance.now();
    const key = createHash('sha256').update(bytes).digest('hex');
    const cached = this.cutouts.get(key);
    if (cached) {
      // Refresh its place.
      this.cutouts.delete(key);
      this.cutouts.set(key, cached);
      return { cutout: cached, ms: performance.now() - started };
    }
    const hashMs = performance.now() - started;
    let job = this.preparing.get(key);
    if (!job) {
      const fresh = this.prepareFresh(bytes);
      const settled = (): void => {
        if (this.preparing.get(key) === fresh) this.preparing.delete(key);
      };
      this.preparing.set(key, fresh);
      fresh.then(({ cutout }) => {
        settled();
        this.cutouts.set(key, cutout);
        if (this.cutouts.size > this.capacity) this.cutouts.delete(this.cutouts.keys().next().value!);
      }, settled);
      job = fresh;
    }
    const { cutout, ms } = await job;
    return { cutout, ms: hashMs + ms };
  }

  /** Drops the prepared garments (benchmarks time every pair from the files); a product still being prepared is prepared again when asked for. */
  forget(): void {
    this.cutouts.clear();
    this.preparing.clear();
  }
}
