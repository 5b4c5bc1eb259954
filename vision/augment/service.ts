import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ParleyError } from '../../bot/core/index.js';
import { TryOnInputError, type TryOnRejection } from '../errors.js';
import type { AugmentOptions, ListingImage } from './augment.js';
import { WorkerJobs } from '../runtime/worker-jobs.js';
import { makeListingImages } from './listing.js';

/** What the conversation needs from augmentation: a product's images in some settings and colours. */
export interface AugmentRunner {
  /** Listing images of a product photo; a photo that cannot be cut out rejects with {@link TryOnInputError}. */
  generate(productId: string, photo: Uint8Array, options: Omit<AugmentOptions, 'lifestyleBackgrounds'>): Promise<ListingImage[]>;
}

/** @internal A request to the augmentation worker. */
export interface AugmentRequest {
  id: number;
  productId: string;
  photo: Uint8Array;
  options: Omit<AugmentOptions, 'lifestyleBackgrounds'>;
}

/** @internal A reply of the augmentation worker. */
export type AugmentReply =
  | { id: number; images: { entry: ListingImage['entry']; bytes: Uint8Array }[] }
  | { id: number; error: string; reason?: TryOnRejection };

/** The product images a reply carries back, or the error the inline path would have thrown. */
function imagesFromReply(reply: AugmentReply): ListingImage[] {
  if ('images' in reply) return reply.images.map((i) => ({ entry: i.entry, bytes: Buffer.from(i.bytes) }));
  throw reply.reason ? new TryOnInputError(reply.reason, reply.error) : new ParleyError('internal', reply.error);
}

/**
 * Makes product images off the chat path: one worker thread, requests one at a time, at most `maxQueue` waiting (more
 * are refused as busy). Runs in this thread when started from TypeScript sources (no compiled worker) or `inline`.
 */
export class AugmentService implements AugmentRunner {
  private readonly workerUrl = new URL('./worker.js', import.meta.url);
  private readonly jobs = new WorkerJobs<Omit<AugmentRequest, 'id'>, AugmentReply, ListingImage[]>('the product-image worker', () => new Worker(this.workerUrl), imagesFromReply);

  constructor(private readonly options: { maxQueue?: number; inline?: boolean } = {}) {}

  async generate(productId: string, photo: Uint8Array, options: Omit<AugmentOptions, 'lifestyleBackgrounds'>): Promise<ListingImage[]> {
    if (this.options.inline || !existsSync(fileURLToPath(this.workerUrl))) return makeListingImages(productId, photo, options);
    if (this.jobs.size >= (this.options.maxQueue ?? 8)) throw new ParleyError('unsupported', 'Product images are busy right now; please try again in a minute.');
    return this.jobs.run({ productId, photo, options });
  }

  /** Stops the worker thread (requests in flight are rejected). */
  async close(): Promise<void> {
    await this.jobs.close();
  }
}
