import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ParleyError } from '../../bot/core/index.js';
import { TryOnInputError, type TryOnRejection } from '../errors.js';
import type { AugmentOptions, ListingImage } from './augment.js';
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

/**
 * Makes product images off the chat path: one worker thread, requests one at a time, at most `maxQueue` waiting (more
 * are refused as busy). Runs in this thread when started from TypeScript sources (no compiled worker) or `inline`.
 */
export class AugmentService implements AugmentRunner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(images: ListingImage[]): void; reject(error: unknown): void }>();

  constructor(private readonly options: { maxQueue?: number; inline?: boolean } = {}) {}

  async generate(productId: string, photo: Uint8Array, options: Omit<AugmentOptions, 'lifestyleBackgrounds'>): Promise<ListingImage[]> {
    const workerUrl = new URL('./worker.js', import.meta.url);
    if (this.options.inline || !existsSync(fileURLToPath(workerUrl))) return makeListingImages(productId, photo, options);
    if (this.pending.size >= (this.options.maxQueue ?? 8)) throw new ParleyError('unsupported', 'Product images are busy right now; please try again in a minute.');
    const worker = this.start(workerUrl);
    const id = this.nextId++;
    return new Promise<ListingImage[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, productId, photo, options } satisfies AugmentRequest);
    });
  }

  private start(url: URL): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(url);
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: AugmentReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (!waiting) return;
      if ('images' in reply) waiting.resolve(reply.images.map((i) => ({ entry: i.entry, bytes: Buffer.from(i.bytes) })));
      else waiting.reject(reply.reason ? new TryOnInputError(reply.reason, reply.error) : new ParleyError('internal', reply.error));
    });
    worker.on('error', (error) => {
      for (const waiting of this.pending.values()) waiting.reject(new ParleyError('internal', 'the product-image worker stopped', { cause: error }));
      this.pending.clear();
      this.worker = undefined;
    });
    return worker;
  }

  /** Stops the worker thread (requests in flight are rejected). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(new ParleyError('internal', 'the product-image service stopped'));
    this.pending.clear();
    if (worker) await worker.terminate();
  }
}
