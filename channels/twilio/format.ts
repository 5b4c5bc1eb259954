import { sourceLink, stripCitationMarkers, type Activity } from '../../bot/core/index.js';
import { isWhatsApp } from './parse.js';

/** Longest SMS/MMS body Twilio accepts (characters); longer replies are split. */
export const SMS_MAX_CHARS = 1600;
/**
 * Longest WhatsApp body Parley sends in one message (characters). WhatsApp itself takes 4,096, but Twilio's Messages
 * API caps `Body` at 1,600 on every channel, WhatsApp included (error 21617), so replies are split at 1,600 here too.
 */
export const WHATSAPP_MAX_CHARS = 1600;
/** Most media URLs Twilio accepts on one MMS. */
export const MMS_MAX_MEDIA = 10;

/** Who a reply is sent from: a number or channel address, or a Messaging Service that picks one from its pool. */
export type Sender = { from: string } | { messagingServiceSid: string };

/** One Messages API create request (the `twilio` SDK's `messages.create` parameters). */
export interface OutboundMessage {
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  mediaUrl?: string[];
  statusCallback?: string;
}

/**
 * The sender matching the customer's channel: a `whatsapp:` customer is answered from `whatsapp:<number>`, an SMS
 * customer from the plain number, whichever form `configured` (`TWILIO_FROM`) has. A Messaging Service SID (`MG…`) is
 * used as is: Twilio picks the sender for the channel from its pool.
 */
export function senderFor(customer: string, configured: string): Sender {
  if (/^MG[0-9a-fA-F]{32}$/.test(configured)) return { messagingServiceSid: configured };
  const number = configured.replace(/^[a-z-]+:/i, '');
  return { from: isWhatsApp(customer) ? `whatsapp:${number}` : number };
}

/** Where a piece of text may be cut, best first: paragraph, line, sentence end, clause, word. */
const BOUNDARIES = [/\n\s*\n/g, /\n/g, /[.!?…][)"'’”]?\s+/g, /[;:,]\s+/g, /\s+/g];

/** The end of the best cut of `text` at or before `limit` (a boundary in the last half, else a hard cut). */
function cutAt(text: string, limit: number): number {
  for (const boundary of BOUNDARIES) {
    let best = -1;
    for (const match of text.matchAll(boundary)) {
      const end = (match.index ?? 0) + match[0].length;
      if (match.index !== undefined && match.index > 0 && match.index <= limit && end > limit / 2) best = Math.min(end, limit);
      if ((match.index ?? 0) > limit) break;
    }
    if (best > 0) return best;
  }
  // No boundary: cut hard, but never between the two halves of a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/**
 * Splits `text` into parts of at most `limit` characters at paragraph, sentence or word boundaries. When it takes
 * several parts, each ends with its number, e.g. ` (1/3)`, counted within the limit.
 */
export function splitText(text: string, limit: number): string[] {
  const trimmed = text.trim();
  if (trimmed.length <= limit) return [trimmed];
  // Reserve room for the widest possible marker; ` (99/99)` covers any reply Parley could produce.
  const room = limit - ' (99/99)'.length;
  const parts: string[] = [];
  let rest = trimmed;
  while (rest.length > room) {
    const end = cutAt(rest, room);
    parts.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(end).trimStart();
  }
  if (rest) parts.push(rest);
  return parts.map((part, i) => `${part} (${i + 1}/${parts.length})`);
}

/** An image URL made absolute against `publicUrl` (Twilio fetches media itself); `undefined` when that is impossible. */
export function absoluteUrl(url: string, publicUrl: string | undefined): string | undefined {
  if (/^https?:\/\//i.test(url)) return url;
  if (!publicUrl) return undefined;
  return new URL(url, `${publicUrl.replace(/\/+$/, '')}/`).href;
}

/** Longest source link added to a text message (characters); longer ones are left out. */
export const MAX_SOURCE_LINK_CHARS = 100;

/**
 * The text of a reply as a message shows it: no citation markers (a text message has no source list for `[1]` to
 * point at); the first source's link when it has one, it is short and the whole reply still fits one message
 * (1,600 characters); quick replies as a line of options to type.
 */
export function replyText(activity: Activity): string {
  const options = activity.quickReplies ?? [];
  const optionsLine = options.length ? `\n\nYou can reply: ${options.join(' / ')}` : '';
  const text = stripCitationMarkers(activity.text);
  const link = (activity.sources ?? []).map(sourceLink).find((source) => source.url && source.url.length <= MAX_SOURCE_LINK_CHARS)?.url;
  const withLink = link ? `${text}\n\nMore: ${link}${optionsLine}` : '';
  return withLink && withLink.length <= SMS_MAX_CHARS ? withLink : `${text}${optionsLine}`;
}

/** Options of {@link formatReply}. */
export interface FormatOptions {
  /** The customer's address. */
  to: string;
  sender: Sender;
  /** Public origin that relative image URLs are resolved against. */
  publicUrl?: string;
  /** URL Twilio posts this message's delivery statuses to. */
  statusCallback?: string;
}

/**
 * A bot reply as Messages API requests: the text split for the channel (≤ 1,600 characters per message on SMS and
 * WhatsApp alike), images as `MediaUrl`s (MMS: up to 10 on the first message; WhatsApp takes one per message, so further
 * images follow as messages of their own). Images whose URL cannot be made absolute are left out.
 */
export function formatReply(activity: Activity, options: FormatOptions): OutboundMessage[] {
  const whatsapp = isWhatsApp(options.to);
  const texts = splitText(replyText(activity), whatsapp ? WHATSAPP_MAX_CHARS : SMS_MAX_CHARS).filter((t) => t !== '');
  const media = (activity.images ?? [])
    .map((image) => absoluteUrl(image.url, options.publicUrl))
    .filter((url): url is string => url !== undefined)
    .slice(0, MMS_MAX_MEDIA);
  const base = (): OutboundMessage => ({
    to: options.to,
    ...options.sender,
    ...(options.statusCallback ? { statusCallback: options.statusCallback } : {}),
  });
  const messages: OutboundMessage[] = texts.map((body) => ({ ...base(), body }));
  if (!messages.length && media.length) messages.push(base());
  const first = messages[0];
  if (first && media.length) {
    first.mediaUrl = whatsapp ? media.slice(0, 1) : media;
    if (whatsapp) for (const url of media.slice(1)) messages.push({ ...base(), mediaUrl: [url] });
  }
  return messages;
}
