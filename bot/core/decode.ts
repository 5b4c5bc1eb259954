import { ParleyError } from './errors.js';

/** Decodes bytes as strict UTF-8; invalid sequences are an `invalid_utf8` error naming `what`, never replaced. */
export function decodeUtf8(bytes: Uint8Array, what = 'request body'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ParleyError('invalid_utf8', `${what} is not valid UTF-8`);
  }
}

/** Strict JSON from bytes: valid UTF-8 and valid JSON (`invalid_utf8` / `invalid_json` otherwise); blank is undefined. */
export function parseJsonBytes(bytes: Uint8Array, what = 'request body'): unknown {
  const text = decodeUtf8(bytes, what);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ParleyError('invalid_json', `${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A body parser callback (Fastify's content-type parser shape) applying {@link parseJsonBytes}. */
export function strictJsonParser(_request: unknown, body: Buffer, done: (error: Error | null, value?: unknown) => void): void {
  let value: unknown;
  try {
    value = parseJsonBytes(body);
  } catch (error) {
    return done(error as Error);
  }
  done(null, value);
}
