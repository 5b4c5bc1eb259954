import { createHash } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import { MAX_TEXT_CHARS, newId, ParleyError, type Activity, type Attachment } from '../../bot/core/index.js';
import { htmlToText, stripQuotedHtml } from './html.js';
import { stripQuotedText, tidyText } from './quotes.js';
import { EMAIL_CHANNEL, messageIds } from './threading.js';
import { automatedReason, imageTypeOf, type AutomatedReason } from './verify.js';

/** Limits and context for {@link parseEmail}. */
export interface ParseOptions {
  /** SMTP envelope sender when the message came over SMTP (`''` for `<>`). */
  envelopeFrom?: string | undefined;
  /** Parley's own sender address (mail from it is never answered). */
  ownAddress?: string | undefined;
  /** Largest image attachment kept (bytes); default 5 MiB. */
  maxImageBytes?: number;
  /** Most image attachments kept per message; default 5. */
  maxImages?: number;
  /** Spam score from which mail counts as spam (see `isMarkedSpam`); unset: the relay's spam flags only. */
  spamScoreThreshold?: number | undefined;
}

/** An attachment that was not passed on, and why. */
export interface SkippedAttachment {
  name: string | undefined;
  contentType: string;
  reason: 'not_an_image' | 'type_mismatch' | 'too_large' | 'too_many';
}

/** An inbound e-mail reduced to what Parley needs; `source` is the raw RFC 5322 message. */
export interface ParsedEmail {
  /** Message-ID with angle brackets; a content hash when the message has none, so redeliveries still match. */
  messageId: string;
  inReplyTo: string[];
  references: string[];
  from: { address: string; name?: string };
  /** Where replies go: `Reply-To` when set, else `From`. */
  replyTo: string;
  subject: string;
  /** What the customer wrote: quoted history and signature removed, at most {@link MAX_TEXT_CHARS} characters. */
  text: string;
  attachments: Attachment[];
  skippedAttachments: SkippedAttachment[];
  /** Set when the message is an auto-reply, bounce, list mail or marked spam: record it, never answer it. */
  automated: AutomatedReason | undefined;
  /** Header values by lower-case name, unfolded. */
  headers: Map<string, string[]>;
  date: string | undefined;
  source: Buffer;
}

const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_IMAGES = 5;

/** Header lines (`Key: value`, possibly folded) by lower-case name. */
function headerMap(mail: ParsedMail): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { key, line } of mail.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    map.set(key.toLowerCase(), [...(map.get(key.toLowerCase()) ?? []), value]);
  }
  return map;
}

const firstAddress = (value: AddressObject | AddressObject[] | undefined) => (Array.isArray(value) ? value[0] : value)?.value.find((a) => a.address);

/** What the customer just wrote: from the HTML part when there is one (its quote markup is reliable), else the text part. */
function customerText(mail: ParsedMail): { text: string; keptHtml: string } {
  let text: string;
  let keptHtml = '';
  if (typeof mail.html === 'string' && mail.html.trim()) {
    keptHtml = stripQuotedHtml(mail.html);
    text = stripQuotedText(htmlToText(keptHtml));
  } else {
    text = stripQuotedText(mail.text ?? '');
  }
  if (text.length > MAX_TEXT_CHARS) text = `${text.slice(0, MAX_TEXT_CHARS - 1).trimEnd()}…`;
  return { text, keptHtml };
}

/** Image attachments that pass the type (declared and sniffed) and size checks; inline images of removed quotes are dropped. */
function imageAttachments(mail: ParsedMail, keptHtml: string, options: ParseOptions): { kept: Attachment[]; skipped: SkippedAttachment[] } {
  const maxBytes = options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const maxImages = options.maxImages ?? DEFAULT_MAX_IMAGES;
  const kept: Attachment[] = [];
  const skipped: SkippedAttachment[] = [];
  for (const part of mail.attachments) {
    const name = part.filename;
    const declared = part.contentType.toLowerCase();
    // Logos and pictures inside a quote or signature that was removed are not the customer's.
    if (part.related && part.cid && !keptHtml.includes(`cid:${part.cid}`)) continue;
    if (!declared.startsWith('image/')) {
      skipped.push({ name, contentType: declared, reason: 'not_an_image' });
      continue;
    }
    const type = imageTypeOf(declared, part.content);
    if (!type) skipped.push({ name, contentType: declared, reason: 'type_mismatch' });
    else if (part.content.length > maxBytes) skipped.push({ name, contentType: type, reason: 'too_large' });
    else if (kept.length >= maxImages) skipped.push({ name, contentType: type, reason: 'too_many' });
    else kept.push({ contentType: type, ...(name ? { name } : {}), data: new Uint8Array(part.content) });
  }
  return { kept, skipped };
}

/**
 * Parses a raw message (mailparser) into a {@link ParsedEmail}. Throws `bad_request` when it cannot be parsed or has
 * no sender address to answer.
 */
export async function parseEmail(source: Buffer, options: ParseOptions = {}): Promise<ParsedEmail> {
  let mail: ParsedMail;
  // Loaded with the first message: a server that never receives e-mail never loads the MIME parser.
  const { simpleParser } = await import('mailparser');
  try {
    mail = await simpleParser(source, { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (error) {
    throw new ParleyError('bad_request', 'the message could not be parsed as e-mail', { cause: error });
  }
  const from = firstAddress(mail.from);
  if (!from?.address || !/^[^\s@]+@[^\s@]+$/.test(from.address)) throw new ParleyError('bad_request', 'the message has no valid From address');
  const address = from.address.toLowerCase();
  const replyTo = firstAddress(mail.replyTo)?.address?.toLowerCase() ?? address;
  const headers = headerMap(mail);
  const messageId = messageIds(mail.messageId)[0] ?? `<sha256.${createHash('sha256').update(source).digest('hex').slice(0, 40)}@parley.invalid>`;
  const { text, keptHtml } = customerText(mail);
  const images = imageAttachments(mail, keptHtml, options);
  return {
    messageId,
    inReplyTo: messageIds(mail.inReplyTo),
    references: messageIds(mail.references),
    from: { address, ...(from.name ? { name: from.name } : {}) },
    replyTo,
    subject: tidyText(mail.subject ?? '').replace(/\n/g, ' '),
    text,
    attachments: images.kept,
    skippedAttachments: images.skipped,
    automated: automatedReason({
      headers,
      from: address,
      envelopeFrom: options.envelopeFrom,
      ownAddress: options.ownAddress,
      spamScoreThreshold: options.spamScoreThreshold,
    }),
    headers,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : undefined,
    source,
  };
}

/** Thread ids to look a conversation up by, best first: the message itself, what it replies to, then older references. */
export function threadLookupIds(email: ParsedEmail): string[] {
  return [...new Set([email.messageId, ...email.inReplyTo, ...[...email.references].reverse()])];
}

/**
 * The customer activity of an inbound e-mail in `conversationId`. Idempotent on the Message-ID; `raw` keeps the
 * untouched message (and the SMTP envelope sender when known). A message without text or images says its subject.
 */
export function toActivity(email: ParsedEmail, conversationId: string, envelopeFrom?: string): Activity {
  const subjectText = email.subject.replace(/^((re|aw|sv|fwd?|wg)\s*:\s*)+/i, '').trim();
  const activity: Activity = {
    id: newId('act'),
    type: 'message',
    channel: EMAIL_CHANNEL,
    channelMessageId: email.messageId,
    conversationId,
    from: { id: email.from.address, role: 'customer', ...(email.from.name ? { name: email.from.name } : {}) },
    text: email.text || (email.attachments.length ? '' : subjectText),
    timestamp: new Date().toISOString(),
    raw: { source: email.source, envelopeFrom, automated: email.automated },
  };
  if (email.attachments.length) activity.attachments = email.attachments;
  return activity;
}
