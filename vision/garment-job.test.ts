import { ParleyError } from '../bot/core/index.js';
import { drawGarment } from './catalogue/draw-garment.js';
import { TryOnInputError } from './errors.js';
import { answerGarmentJob, cutoutBuffers, garmentFromReply, prepareGarment, type GarmentJobReply } from './garment-job.js';
import { DEFAULT_IMAGE_LIMITS, encodeImage } from './image/codec.js';

/** What postMessage does to a reply: a structured clone, the listed buffers moved rather than copied. */
function throughPort(reply: GarmentJobReply, transfer: ArrayBuffer[]): GarmentJobReply {
  return structuredClone(reply, { transfer });
}

/** The error a promise rejects with, or a thrown one. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('garment jobs (the garment worker protocol)', () => {
  it('gives back through a port the same cut-out as inline, bit for bit, its pixel arrays transferred', async () => {
    const bytes = await encodeImage(drawGarment({ shape: 'long-sleeve', colour: [60, 62, 66] }), 'png');
    const inline = await prepareGarment(bytes, DEFAULT_IMAGE_LIMITS);
    const { reply, transfer } = await answerGarmentJob({ id: 7, bytes }, DEFAULT_IMAGE_LIMITS);
    expect(reply).toMatchObject({ type: 'done', id: 7 });
    const sentAlpha = (reply as Extract<GarmentJobReply, { type: 'done' }>).cutout.alpha.data;
    expect(transfer).toContain(sentAlpha.buffer);
    const received = garmentFromReply(throughPort(reply, transfer));
    expect(sentAlpha.byteLength).toBe(0); // moved, not copied
    expect(received.cutout).toEqual(inline.cutout);
    expect(Buffer.from(received.cutout.alpha.data.buffer).equals(Buffer.from(inline.cutout.alpha.data.buffer))).toBe(true);
    expect(received.ms).toBeGreaterThan(0);
  });

  it.each([
    ['a file that is not an image', async () => new TextEncoder().encode('hello'), 'not_an_image'],
    ['a blank product photo', async () => encodeImage({ width: 300, height: 400, data: new Uint8Array(300 * 400 * 3).fill(245) }, 'png'), 'no_garment'],
    ['a product photo too small', async () => encodeImage({ width: 100, height: 90, data: new Uint8Array(100 * 90 * 3).fill(90) }, 'png'), 'too_small'],
  ])('refuses %s with the inline path\'s reason, message and details', async (_name, make, reason) => {
    const bytes = await make();
    const inline = await failure(() => prepareGarment(bytes, DEFAULT_IMAGE_LIMITS));
    const { reply, transfer } = await answerGarmentJob({ id: 3, bytes }, DEFAULT_IMAGE_LIMITS);
    expect(transfer).toEqual([]);
    const viaWorker = await failure(async () => garmentFromReply(throughPort(reply, transfer)));
    expect(inline).toBeInstanceOf(TryOnInputError);
    expect(viaWorker).toBeInstanceOf(TryOnInputError);
    const [a, b] = [inline as TryOnInputError, viaWorker as TryOnInputError];
    expect(b.reason).toBe(reason);
    expect({ reason: b.reason, message: b.message, code: b.code, details: b.details }).toEqual({ reason: a.reason, message: a.message, code: a.code, details: a.details });
  });

  it('turns a failure that is not a refusal into an internal error', () => {
    let error: unknown;
    try {
      garmentFromReply({ type: 'failed', id: 1, message: 'out of memory' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).not.toBeInstanceOf(TryOnInputError);
    expect((error as ParleyError).code).toBe('internal');
    expect((error as ParleyError).message).toContain('out of memory');
  });

  it('lists a buffer shared by two pixel arrays once (postMessage refuses duplicates)', () => {
    const shared = new ArrayBuffer(48);
    const image = { width: 4, height: 4, data: new Uint8Array(shared) };
    const cutout = { image, photo: image, alpha: { width: 4, height: 4, data: new Float32Array(16) }, landmarks: {} as never };
    const buffers = cutoutBuffers(cutout);
    expect(buffers).toHaveLength(2);
    expect(() => structuredClone(cutout, { transfer: buffers })).not.toThrow();
  });
});
