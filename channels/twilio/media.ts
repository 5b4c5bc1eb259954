import { ParleyError, readCapped, type Attachment, type Logger } from '../../bot/core/index.js';
import type { InboundMedia } from './parse.js';

/** Largest media file Parley downloads (bytes); Twilio caps a message's media at 5 MB in total. */
export const DEFAULT_MAX_MEDIA_BYTES = 5 * 1024 * 1024;
/** Most redirects followed from a media URL (Twilio uses one, to its CDN). */
const MAX_REDIRECTS = 3;
/** How long one media download may take (ms). */
const MEDIA_TIMEOUT_MS = 10_000;

/** Options of the media fetch. */
export interface MediaOptions {
  accountSid: string;
  authToken: string;
  /** Twilio's REST API base URL (`TWILIO_API_URL`); its origin is trusted like `https://api.twilio.com`. */
  apiUrl: string;
  /** Largest file downloaded (bytes); default {@link DEFAULT_MAX_MEDIA_BYTES}. */
  maxBytes?: number;
}

const originOf = (url: string): string => new URL(url).origin;

/**
 * True for a URL Twilio serves message media from, where Parley may send the account's credentials: the Media
 * resource `https://api.twilio.com/2010-04-01/Accounts/<this account>/Messages/…/Media/…` (or the same path on the
 * configured API URL).
 */
export function isTwilioMediaResource(url: string, options: Pick<MediaOptions, 'accountSid' | 'apiUrl'>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const trusted = (parsed.protocol === 'https:' && parsed.host === 'api.twilio.com') || parsed.origin === originOf(options.apiUrl);
  const path = new RegExp(`^/2010-04-01/Accounts/${options.accountSid}/Messages/[A-Z]{2}[0-9a-fA-F]{32}/Media/[A-Z]{2}[0-9a-fA-F]{32}$`);
  return trusted && path.test(parsed.pathname) && !parsed.username && !parsed.password;
}

/**
 * The hosts a media download may be redirected to (without credentials). The allow-list:
 * - `api.twilio.com` and the configured API URL's origin;
 * - `*.twiliocdn.com` over HTTPS (`mms.twiliocdn.com` serves media of accounts with HTTP Basic auth on media,
 *   `media.twiliocdn.com` older media);
 * - Twilio's S3 bucket for older, unauthenticated media: `https://s3-external-1.amazonaws.com/media.twiliocdn.com/…`
 *   (and the other `s3…amazonaws.com` endpoints, path-style, with that bucket only).
 */
export function isTwilioMediaRedirect(url: string, apiUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.origin === originOf(apiUrl)) return true;
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return false;
  const host = parsed.hostname.toLowerCase();
  if (host === 'api.twilio.com' || host.endsWith('.twiliocdn.com')) return true;
  return /^s3([.-][a-z0-9-]+)?\.amazonaws\.com$/.test(host) && parsed.pathname.startsWith('/media.twiliocdn.com/');
}

/**
 * Downloads one media file: the account's Basic auth goes to the Media resource only; redirects are followed (without
 * credentials) only to {@link isTwilioMediaRedirect} hosts; the size is capped. Throws `forbidden` for any other URL.
 */
export async function fetchTwilioMedia(url: string, options: MediaOptions): Promise<{ contentType: string; data: Uint8Array }> {
  if (!isTwilioMediaResource(url, options)) throw new ParleyError('forbidden', `media URL is not a Twilio media resource of this account: ${url}`);
  const auth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    // Credentials only to the Media resource itself; a CDN or S3 pre-signed URL must not see them.
    const headers: Record<string, string> = isTwilioMediaResource(current, options) ? { authorization: auth } : {};
    const response = await fetch(current, { headers, redirect: 'manual', signal: AbortSignal.timeout(MEDIA_TIMEOUT_MS) });
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) throw new ParleyError('bad_request', `media redirect without a Location (HTTP ${response.status})`);
      const next = new URL(location, current).href;
      if (!isTwilioMediaRedirect(next, options.apiUrl)) throw new ParleyError('forbidden', `media redirect to a host that is not Twilio's: ${new URL(next).host}`);
      current = next;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ParleyError('bad_request', `media download failed with HTTP ${response.status}`);
    }
    const data = await readCapped(response, options.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES, 'media');
    const contentType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]?.trim().toLowerCase() ?? '';
    return { contentType, data };
  }
  throw new ParleyError('bad_request', `media URL redirected more than ${MAX_REDIRECTS} times`);
}

/**
 * The attachments of an inbound message: images downloaded and kept as `data`; other media (audio, video, vCards,
 * documents) listed by type only, since their Twilio URLs need the account's credentials. A media item that cannot
 * be fetched (foreign host, too large, failed) is logged and left out; the message itself still goes through.
 */
export async function collectAttachments(media: InboundMedia[], options: MediaOptions, logger: Logger): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const [index, item] of media.entries()) {
    const name = `media-${index}`;
    if (!item.contentType.startsWith('image/')) {
      attachments.push({ contentType: item.contentType, name });
      continue;
    }
    try {
      const { contentType, data } = await fetchTwilioMedia(item.url, options);
      attachments.push({ contentType: contentType.startsWith('image/') ? contentType : item.contentType, name, data });
    } catch (error) {
      logger.warn({ err: error, index, host: safeHost(item.url) }, 'twilio media not fetched');
    }
  }
  return attachments;
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
