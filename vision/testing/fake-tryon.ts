import { TryOnInputError, type TryOnRejection } from '../errors.js';
import type { ImageFormat } from '../image/codec.js';
import type { TryOnResult } from '../pipeline.js';
import type { TryOnRunner } from '../service.js';

/**
 * A {@link TryOnRunner} for conversation tests: answers with a fixed JPEG-looking result, or refuses with the queued
 * rejections first (one per call). Records every call.
 */
export class FakeTryOnRunner implements TryOnRunner {
  readonly ready = true;
  readonly calls: { person: Uint8Array; garment: Uint8Array; format?: ImageFormat }[] = [];
  private readonly rejections: TryOnRejection[] = [];

  /** The next calls refuse with these reasons, in order. */
  refuseNext(...reasons: TryOnRejection[]): this {
    this.rejections.push(...reasons);
    return this;
  }

  async tryOn(person: Uint8Array, garment: Uint8Array, format?: ImageFormat): Promise<TryOnResult> {
    this.calls.push({ person, garment, format });
    const reason = this.rejections.shift();
    if (reason) throw new TryOnInputError(reason, `Refused: ${reason}.`);
    const image = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, this.calls.length]);
    const stages = { decode: 1, perception: 1, garment: 0, fit: 0, composite: 1, encode: 1 };
    return { image, format: format ?? 'jpeg', width: 300, height: 400, ms: 4, stages, backend: 'cpu', poseScore: 0.9 };
  }
}
