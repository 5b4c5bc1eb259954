import type { Logger } from '../bot/core/index.js';
import { TryOnInputError } from './errors.js';
import { checkImage, readHeader, sniffFormat, type ImageFormat } from './image/codec.js';
import type { TryOnResult } from './pipeline.js';
import type { TryOnRunner } from './service.js';

/** Options of {@link RemoteTryOn}. */
export interface RemoteTryOnOptions {
  /** The try-on model server's endpoint (`PARLEY_TRYON_URL`), e.g. `http://gpu-1:8000/tryon`. */
  url: string;
  /** Longest wait for the server's answer, in milliseconds (`PARLEY_TRYON_TIMEOUT_MS`). Default 60,000. */
  timeoutMs?: number;
  /** What answers when the server fails or times out: the built-in pipeline. */
  fallback: TryOnRunner;
  /** Where a failure is reported (the shopper is not told). */
  logger: Logger;
  /** Garment category sent to the server. Default `upper` (the catalogue's garments are tops). */
  category?: 'upper' | 'lower' | 'dress';
  /** HTTP client (default the global `fetch`; tests pass their own). */
  fetch?: typeof fetch;
}

/** Why a remote try-on was not used. */
export type RemoteFailure = 'timeout' | 'unreachable' | 'http_status' | 'not_an_image' | 'wrong_size';

/**
 * Try-on by an external model server (the GPU path: an image-based virtual try-on model behind HTTP): `POST url` with
 * `multipart/form-data` fields `person` and `garment` (the image files) and `category`; the server answers 200 with
 * `image/png` or `image/jpeg` of the person photo's size. A timeout, a network error, another status or an answer that
 * is not such an image is logged (`remote try-on failed; the built-in pipeline answered`) and the built-in pipeline
 * answers instead. Photos are checked (format, size limits) before anything is sent, so a bad photo is refused the same
 * way with or without the server.
 */
export class RemoteTryOn implements TryOnRunner {
  constructor(private readonly options: RemoteTryOnOptions) {}

  /** Ready when the fallback is: a try-on can always be answered. */
  get ready(): boolean {
    return this.options.fallback.ready;
  }

  async tryOn(person: Uint8Array, garment: Uint8Array, format?: ImageFormat): Promise<TryOnResult> {
    const header = checkImage(person);
    checkImage(garment);
    const started = performance.now();
    try {
      return await this.remote(person, garment, header, started);
    } catch (error) {
      const failure = error instanceof RemoteTryOnError ? error.failure : 'unreachable';
      this.options.logger.warn({ failure, url: this.options.url, err: error }, 'remote try-on failed; the built-in pipeline answered');
      return this.options.fallback.tryOn(person, garment, format);
    }
  }

  private async remote(person: Uint8Array, garment: Uint8Array, header: { width: number; height: number }, started: number): Promise<TryOnResult> {
    const form = new FormData();
    form.append('person', new Blob([new Uint8Array(person)], { type: mime(person) }), `person.${sniffFormat(person) === 'png' ? 'png' : 'jpg'}`);
    form.append('garment', new Blob([new Uint8Array(garment)], { type: mime(garment) }), `garment.${sniffFormat(garment) === 'png' ? 'png' : 'jpg'}`);
    form.append('category', this.options.category ?? 'upper');
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(this.options.url, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new RemoteTryOnError(timedOut ? 'timeout' : 'unreachable', timedOut ? `no answer within ${timeoutMs} ms` : 'the server could not be reached', error);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new RemoteTryOnError('http_status', `the server answered ${response.status}`);
    }
    const image = new Uint8Array(await response.arrayBuffer());
    let size: { format: ImageFormat; width: number; height: number };
    try {
      size = readHeader(image);
    } catch (error) {
      throw new RemoteTryOnError('not_an_image', `the answer (${response.headers.get('content-type') ?? 'no content type'}) is not a PNG or JPEG image`, error);
    }
    if (size.width !== header.width || size.height !== header.height) {
      throw new RemoteTryOnError('wrong_size', `the answer is ${size.width}×${size.height}, the photo ${header.width}×${header.height}`);
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    return {
      image,
      format: size.format,
      width: size.width,
      height: size.height,
      ms,
      stages: { decode: 0, perception: 0, garment: 0, fit: 0, composite: ms, encode: 0 },
      backend: 'remote',
      poseScore: Number.NaN,
    };
  }
}

/** A failed remote try-on, with why. */
export class RemoteTryOnError extends Error {
  constructor(readonly failure: RemoteFailure, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'RemoteTryOnError';
  }
}

function mime(bytes: Uint8Array): string {
  const format = sniffFormat(bytes);
  if (!format) throw new TryOnInputError('not_an_image', 'That file is not a photo we can read: the file is not a JPEG or PNG image.');
  return format === 'png' ? 'image/png' : 'image/jpeg';
}
