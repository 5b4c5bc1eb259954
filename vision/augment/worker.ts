import { parentPort } from 'node:worker_threads';
import { TryOnInputError } from '../errors.js';
import { makeListingImages } from './listing.js';
import type { AugmentReply, AugmentRequest } from './service.js';

// The product-image worker thread: requests handled one at a time (each is CPU-bound).
const port = parentPort;
if (!port) throw new Error('vision/augment/worker.ts must run as a worker thread');
let queue = Promise.resolve();
port.on('message', (request: AugmentRequest) => {
  queue = queue.then(async () => {
    try {
      const images = await makeListingImages(request.productId, request.photo, request.options);
      const reply: AugmentReply = { id: request.id, images: images.map((i) => ({ entry: i.entry, bytes: new Uint8Array(i.bytes) })) };
      port.postMessage(reply);
    } catch (error) {
      const reason = error instanceof TryOnInputError ? error.reason : undefined;
      port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error), ...(reason ? { reason } : {}) } satisfies AugmentReply);
    }
  });
});
