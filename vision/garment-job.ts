import { ParleyError } from '../bot/core/index.js';
import { TryOnInputError, type TryOnRejection } from './errors.js';
import { cutOutGarment, type GarmentCutout } from './garment.js';
import { decodeImage, type ImageLimits } from './image/codec.js';

/** A garment ready to fit, and how long preparing it took in the thread that did it. */
export interface PreparedGarment {
  cutout: GarmentCutout;
  /** Milliseconds of the preparation itself (decode and cut-out; near 0 for a cached product), without waiting for a thread. */
  ms: number;
}

/** @internal A product photo to prepare, sent to the garment worker (`vision/garment-worker.ts`). */
export interface GarmentJobRequest {
  id: number;
  bytes: Uint8Array;
}

/** @internal The garment worker's answer to the {@link GarmentJobRequest} of the same `id`. */
export type GarmentJobReply =
  | { type: 'done'; id: number; cutout: GarmentCutout; ms: number }
  | { type: 'refused'; id: number; reason: TryOnRejection; message: string; details?: Record<string, unknown> }
  | { type: 'failed'; id: number; message: string };

/** @internal What the garment worker is started with. */
export interface GarmentWorkerData {
  limits: ImageLimits;
}

/** Decodes the product photo and cuts the garment out of it (the same work inline and on the garment worker). */
export async function prepareGarment(bytes: Uint8Array, limits: ImageLimits): Promise<PreparedGarment> {
  const started = performance.now();
  const cutout = cutOutGarment(await decodeImage(bytes, limits));
  return { cutout, ms: performance.now() - started };
}

/**
 * The garment worker's side of a job: prepares the garment and returns the reply with the buffers to transfer (the
 * cut-out's pixel arrays, each buffer once). A refused photo becomes a `refused` reply carrying the reason, message
 * and details of its {@link TryOnInputError}; anything else a `failed` one.
 */
export async function answerGarmentJob(request: GarmentJobRequest, limits: ImageLimits): Promise<{ reply: GarmentJobReply; transfer: ArrayBuffer[] }> {
  try {
    const { cutout, ms } = await prepareGarment(request.bytes, limits);
    return { reply: { type: 'done', id: request.id, cutout, ms }, transfer: cutoutBuffers(cutout) };
  } catch (error) {
    if (error instanceof TryOnInputError) {
      const reply: GarmentJobReply = { type: 'refused', id: request.id, reason: error.reason, message: error.message };
      if (error.details) reply.details = error.details;
      return { reply, transfer: [] };
    }
    return { reply: { type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) }, transfer: [] };
  }
}

/**
 * The engine's side of a job: the prepared garment of a `done` reply, or the error the inline path would have thrown
 * (a {@link TryOnInputError} with the same reason, message and details; `failed` becomes a ParleyError `internal`).
 */
export function garmentFromReply(reply: GarmentJobReply): PreparedGarment {
  if (reply.type === 'done') return { cutout: reply.cutout, ms: reply.ms };
  if (reply.type === 'refused') throw new TryOnInputError(reply.reason, reply.message, reply.details ? { details: reply.details } : {});
  throw new ParleyError('internal', `preparing the garment failed: ${reply.message}`);
}

/** The distinct buffers under a cut-out's pixel arrays (a buffer listed twice would make `postMessage` throw). */
export function cutoutBuffers(cutout: GarmentCutout): ArrayBuffer[] {
  const buffers = [cutout.image.data.buffer, cutout.photo.data.buffer, cutout.alpha.data.buffer];
  // Not `instanceof`: typed arrays may come from another realm (a vm context, as under Jest).
  return [...new Set(buffers)].filter((b): b is ArrayBuffer => Object.prototype.toString.call(b) === '[object ArrayBuffer]');
}
