import { ParleyError } from './errors.js';

/** The image types channels accept from customers (photos for the bot and for try-on). */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/**
 * The image type `bytes` really are, from their magic bytes (PNG, JPEG, GIF 87a/89a, WebP); undefined for anything
 * else. The one check every channel uses before it keeps or forwards a customer's file, whatever type was declared.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  const starts = (prefix: readonly number[], at = 0) => prefix.every((byte, i) => bytes[at + i] === byte);
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(ascii('GIF87a')) || starts(ascii('GIF89a'))) return 'image/gif';
  if (starts(ascii('RIFF')) && starts(ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}

/**
 * Reads a fetched body, failing with `payload_too_large` as soon as it passes `maxBytes` (or at once when its
 * `Content-Length` says so), so that a vendor's or a customer's file never fills memory. `what` names the body in the
 * error ("media", "file").
 */
export async function readCapped(response: Response, maxBytes: number, what = 'file'): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new ParleyError('payload_too_large', `${what} is ${declared} bytes, more than ${maxBytes}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!response.body) return new Uint8Array();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) throw new ParleyError('payload_too_large', `${what} is more than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
