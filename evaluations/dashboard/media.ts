import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseUploadPath, ParleyError, pastRetention, sniffImageType, TRYON_MEDIA_ID, type ConversationRecord, type MessageRecord, type Store } from '../../bot/core/index.js';

/** Web chat uploads as the upload store names them. */
const UPLOAD_ID = /^upl_[A-Za-z0-9_-]{1,96}$/;
/** Catalogue product ids (SKUs) the dashboard will look up. */
const PRODUCT_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** A try-on image URL as the dialogs write it (`<PUBLIC_URL>/media/tryon/<id>`, or relative); the id is checked apart. */
const TRYON_URL = /(?:^|\/)media\/tryon\/([^/?#]+)$/;
/** A catalogue product photo URL (`<PUBLIC_URL>/media/catalogue/<product id>`). */
const PRODUCT_URL = /(?:^|\/)media\/catalogue\/([^/?#]+)$/;

/** Where an image in a transcript came from. */
export type TranscriptImageKind = 'upload' | 'tryon' | 'product' | 'external';

/**
 * An image of a transcript message as the dashboard shows it: `src` is a same-origin dashboard URL (behind the
 * session) or null when the dashboard does not serve it — a file the customer sent on another channel (MMS, e-mail),
 * or a picture on another site, which `href` links to instead (the page's content security policy loads no foreign
 * images, and the server fetches no URL a transcript names).
 */
export interface TranscriptImage {
  kind: TranscriptImageKind;
  src: string | null;
  alt: string;
  href?: string;
}

/** Reads a customer's web chat upload (the server's upload folder); undefined when there is none or it has expired. */
export type UploadReader = (conversationId: string, uploadId: string) => Promise<Uint8Array | undefined>;

const mediaPath = (conversationId: string, mediaId: string) => `/dashboard/api/conversations/${encodeURIComponent(conversationId)}/media/${encodeURIComponent(mediaId)}`;
const productPath = (productId: string) => `/dashboard/api/products/${encodeURIComponent(productId)}/image`;

/** Only absolute http(s) links are offered to click; anything else (javascript:, data:) is dropped. */
const safeLink = (url: string): string | undefined => (/^https?:\/\/[^\s]+$/i.test(url) ? url : undefined);

function decoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** One image URL of a message (a bot reply's image, a customer's attachment) as a {@link TranscriptImage}. */
export function transcriptImage(conversationId: string, url: string, alt: string): TranscriptImage {
  const path = url.replace(/^https?:\/\/[^/]+/i, '').split(/[?#]/)[0] ?? '';
  const tryon = TRYON_URL.exec(path);
  if (tryon?.[1] && TRYON_MEDIA_ID.test(tryon[1])) return { kind: 'tryon', src: mediaPath(conversationId, tryon[1]), alt };
  const product = PRODUCT_URL.exec(path);
  const productId = product?.[1] ? decoded(product[1]) : undefined;
  if (productId && PRODUCT_ID.test(productId)) return { kind: 'product', src: productPath(productId), alt };
  const upload = parseUploadPath(url);
  // An upload of another conversation is never shown under this one.
  if (upload && upload.conversationId === conversationId) return { kind: 'upload', src: mediaPath(conversationId, upload.uploadId), alt };
  const href = safeLink(url);
  return { kind: 'external', src: null, alt, ...(href ? { href } : {}) };
}

/** The images of a transcript message: a bot reply's images, and the image files a customer sent with theirs. */
export function messageImages(conversationId: string, message: MessageRecord): TranscriptImage[] {
  const { activity } = message;
  const images = (activity.images ?? []).map((image) => transcriptImage(conversationId, image.url, image.alt));
  for (const attachment of activity.attachments ?? []) {
    if (!attachment.contentType.startsWith('image/')) continue;
    const alt = attachment.name ? `Customer's photo (${attachment.name})` : "Customer's photo";
    images.push(attachment.url ? transcriptImage(conversationId, attachment.url, alt) : { kind: 'upload', src: null, alt });
  }
  return images;
}

/** Options of {@link registerTranscriptMedia}. */
export interface TranscriptMediaOptions {
  store: Store;
  /** The conversation if the signed-in reader may see it; `not_found` otherwise (the same for "not yours" and "none"). */
  visible(request: FastifyRequest, id: string): Promise<ConversationRecord>;
  /** Customers' web chat uploads; without it they are not shown. */
  uploads?: UploadReader | undefined;
  /** Try-on images older than this are not served (`PARLEY_PHOTO_RETENTION_HOURS`, default 24), even before they are deleted. */
  photoRetentionHours?: number | undefined;
}

/**
 * Sends image bytes with the type their magic bytes say (never a stored or declared one), `nosniff`, a policy that
 * runs nothing, and no caching of customers' photos; `not_found` when the bytes are not an image Parley accepts.
 */
function sendImage(reply: FastifyReply, bytes: Uint8Array, cache: 'private' | 'public'): FastifyReply {
  const type = sniffImageType(bytes);
  if (!type) throw new ParleyError('not_found', 'the stored file is not an image');
  return reply
    .header('content-type', type)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', 'inline')
    .header('cache-control', cache === 'private' ? 'private, no-store' : 'private, max-age=3600')
    .send(Buffer.from(bytes));
}

/**
 * The images of transcripts, behind the dashboard session (the dashboard's hook has checked it):
 * - `GET /dashboard/api/conversations/:id/media/:mediaId`: a try-on result or generated photo (`tro_…`) stored for
 *   this conversation and not past photo retention, or the customer's web chat upload (`upl_…`) of this conversation;
 * - `GET /dashboard/api/products/:id/image`: a catalogue product photo.
 * Ids are matched against strict patterns before any lookup (no path reaches the file system from a URL); a conversation
 * the reader may not see, another conversation's image, an expired or unknown one are all 404.
 */
export function registerTranscriptMedia(app: FastifyInstance, options: TranscriptMediaOptions): void {
  const { store } = options;
  app.get<{ Params: { id: string; mediaId: string } }>('/dashboard/api/conversations/:id/media/:mediaId', async (request, reply) => {
    const conversation = await options.visible(request, request.params.id);
    const { mediaId } = request.params;
    if (TRYON_MEDIA_ID.test(mediaId)) {
      const media = await store.tryon.getMedia(mediaId);
      const expired = media && pastRetention(media.createdAt, options.photoRetentionHours ?? 24);
      if (!media || media.conversationId !== conversation.id || expired) throw new ParleyError('not_found', 'no such image in this conversation (or it has expired)');
      return sendImage(reply, media.data, 'private');
    }
    if (UPLOAD_ID.test(mediaId) && options.uploads) {
      const bytes = await options.uploads(conversation.id, mediaId);
      if (!bytes) throw new ParleyError('not_found', 'no such upload in this conversation (or it has expired)');
      return sendImage(reply, bytes, 'private');
    }
    throw new ParleyError('not_found', 'no such image in this conversation');
  });
  app.get<{ Params: { id: string } }>('/dashboard/api/products/:id/image', async (request, reply) => {
    const product = PRODUCT_ID.test(request.params.id) ? await store.tryon.getProduct(request.params.id) : undefined;
    if (!product) throw new ParleyError('not_found', 'no such catalogue product');
    return sendImage(reply, product.image, 'public');
  });
}
