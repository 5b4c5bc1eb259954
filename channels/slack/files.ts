import { ParleyError, readCapped, sniffImageType, type Attachment, type Logger } from '../../bot/core/index.js';
import type { SlackFileRef } from './schemas.js';

export type { SlackFileRef } from './schemas.js';

/** Largest Slack file Parley downloads (bytes): 5 MB. */
export const DEFAULT_MAX_SLACK_FILE_BYTES = 5 * 1024 * 1024;
/** Most redirects followed from a file URL. */
const MAX_REDIRECTS = 3;
/** How long one file download may take (ms). */
const FILE_TIMEOUT_MS = 10_000;
/** Slack's file host: the only one that sees the bot token (besides the configured API origin, for tests). */
const SLACK_FILES_ORIGIN = 'https://files.slack.com';

/** Options of {@link fetchSlackFiles}. */
export interface SlackFileOptions {
  /** Bot token `xoxb-…`, sent as `Authorization: Bearer …` to Slack's file host only. */
  botToken: string;
  /** Web API base URL; its origin is trusted like `https://files.slack.com` (tests point it at a local fake). */
  apiUrl: string;
  /** Largest file downloaded (bytes); default {@link DEFAULT_MAX_SLACK_FILE_BYTES}. */
  maxBytes?: number;
}

/** True for a URL on Slack's file host (or the configured API origin), without user info. */
export function isSlackFileUrl(url: string, apiUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  return parsed.origin === SLACK_FILES_ORIGIN || parsed.origin === new URL(apiUrl).origin;
}

/** The image type of `data` by its magic bytes (JPEG, PNG, GIF, WebP), or undefined: the core's one check. */
export const imageTypeOf = (data: Uint8Array): string | undefined => sniffImageType(data);

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * Downloads one Slack file (`url_private_download`, else `url_private`) with the bot token, from Slack's file host
 * only; redirects are followed only to that host; at most `maxBytes`; the bytes must be a JPEG, PNG, GIF or WebP
 * image. Throws `forbidden`, `payload_too_large` or `bad_request` with the reason.
 */
export async function fetchSlackFile(file: SlackFileRef, options: SlackFileOptions): Promise<Attachment> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SLACK_FILE_BYTES;
  const mimetype = (file.mimetype ?? '').toLowerCase();
  if (!IMAGE_TYPES.has(mimetype)) throw new ParleyError('bad_request', `file ${file.id ?? ''} is ${mimetype || 'of no type'}, not a JPEG, PNG, GIF or WebP image`);
  if (typeof file.size === 'number' && file.size > maxBytes) throw new ParleyError('payload_too_large', `file is ${file.size} bytes, more than ${maxBytes}`);
  const url = file.url_private_download ?? file.url_private;
  if (!url || !isSlackFileUrl(url, options.apiUrl)) throw new ParleyError('forbidden', `file URL is not on Slack's file host: ${url ?? '(none)'}`);
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(current, {
      headers: { authorization: `Bearer ${options.botToken}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(FILE_TIMEOUT_MS),
    });
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) throw new ParleyError('bad_request', `file redirect without a Location (HTTP ${response.status})`);
      const next = new URL(location, current).href;
      if (!isSlackFileUrl(next, options.apiUrl)) throw new ParleyError('forbidden', `file redirect to a host that is not Slack's: ${new URL(next).host}`);
      current = next;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ParleyError('bad_request', `file download failed with HTTP ${response.status}`);
    }
    const data = await readCapped(response, maxBytes);
    const contentType = imageTypeOf(data);
    if (!contentType) throw new ParleyError('bad_request', `file ${file.id ?? ''} is not a JPEG, PNG, GIF or WebP image (magic bytes)`);
    return { contentType, data, ...(file.name ? { name: file.name } : {}) };
  }
  throw new ParleyError('bad_request', `file URL redirected more than ${MAX_REDIRECTS} times`);
}

/**
 * The image attachments of a Slack message's files, downloaded with {@link fetchSlackFile}. A file that is refused
 * or fails is logged and left out; the message itself still goes through.
 */
export async function fetchSlackFiles(files: readonly SlackFileRef[], options: SlackFileOptions, logger: Logger): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  for (const file of files) {
    try {
      attachments.push(await fetchSlackFile(file, options));
    } catch (error) {
      logger.warn({ err: error, fileId: file.id }, 'Slack file left out');
    }
  }
  return attachments;
}
