import { randomBytes } from 'node:crypto';
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

/**
 * Ids of stored try-on results and generated product photos: `tro_` + 24 random base64url characters. Unguessable,
 * because their public URL (`/media/tryon/<id>`, fetched by channels such as MMS without credentials) is their access.
 */
export const TRYON_MEDIA_ID = /^tro_[A-Za-z0-9_-]{24}$/;

/** A new {@link TRYON_MEDIA_ID}. */
export function newTryOnMediaId(): string {
  return `tro_${randomBytes(18).toString('base64url')}`;
}

/** True when a stored try-on image made at `createdAt` is past the photo retention period (`retentionHours`). */
export function pastRetention(createdAt: string, retentionHours: number): boolean {
  return Date.parse(createdAt) < Date.now() - retentionHours * 3_600_000;
}

/** The URL path of a customer's web chat upload (served to the conversation's token or the API key). */
export function uploadPath(conversationId: string, uploadId: string): string {
  return `/api/conversations/${conversationId}/uploads/${uploadId}`;
}

const UPLOAD_PATH = /^\/api\/conversations\/([A-Za-z0-9_-]+)\/uploads\/([A-Za-z0-9_-]+)$/;

/** The conversation and upload of an {@link uploadPath} URL; undefined for any other URL. */
export function parseUploadPath(url: string): { conversationId: string; uploadId: string } | undefined {
  const match = UPLOAD_PATH.exec(url);
  return match?.[1] && match[2] ? { conversationId: match[1], uploadId: match[2] } : undefined;
}
