import { decodeUtf8, newId, ParleyError, type Activity, type Attachment } from '../../bot/core/index.js';
import type { TwilioParams } from './verify.js';

/**
 * Longest inbound `Body` any Twilio messaging channel carries (characters): WhatsApp's 4,096 (SMS concatenates to
 * 1,600). Longer bodies are kept up to this many characters and answered with a notice instead of a turn.
 */
export const MAX_TWILIO_BODY_CHARS = 4096;

/** Most media Twilio attaches to one message. */
export const MAX_MEDIA_PER_MESSAGE = 10;

/** One media item of an inbound MMS or WhatsApp message. */
export interface InboundMedia {
  url: string;
  contentType: string;
}

/** The fields Parley uses of Twilio's incoming-message webhook (the full payload stays on `activity.raw`). */
export interface InboundMessage {
  messageSid: string;
  accountSid: string;
  /** The customer's address: `+15551234567`, or a channel address such as `whatsapp:+15551234567`. */
  from: string;
  /** The Parley number (or channel address) the customer wrote to. */
  to: string;
  body: string;
  /** WhatsApp profile name, when Twilio sends one. */
  profileName?: string;
  media: InboundMedia[];
}

/** The fields Parley records of a status callback. */
export interface StatusCallback {
  messageSid: string;
  status: string;
  errorCode: string | null;
}

/** What a compliance keyword asks for. */
export type ComplianceKeyword = 'opt_out' | 'opt_in' | 'help';

/** Twilio's default opt-out, opt-in and help keywords (a whole message, any case). */
const KEYWORDS: Record<string, ComplianceKeyword> = {
  STOP: 'opt_out',
  STOPALL: 'opt_out',
  UNSUBSCRIBE: 'opt_out',
  CANCEL: 'opt_out',
  END: 'opt_out',
  QUIT: 'opt_out',
  START: 'opt_in',
  YES: 'opt_in',
  UNSTOP: 'opt_in',
  HELP: 'help',
  INFO: 'help',
};

const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (error) {
    throw new ParleyError('bad_request', 'form body has a malformed percent-encoding', { cause: error });
  }
}

/**
 * Decodes an `application/x-www-form-urlencoded` body strictly: bytes must be UTF-8 and percent-escapes must decode
 * to UTF-8 (else `bad_request` / `invalid_utf8`), instead of silently turning into replacement characters that would
 * then fail the signature check with a misleading 403. A repeated name collects its values in an array.
 */
export function parseForm(body: Buffer | string): TwilioParams {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  const params: TwilioParams = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
    const previous = params[name];
    params[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return params;
}

/** A single-valued parameter, or `undefined`; a repeated one is `bad_request`. */
function single(params: TwilioParams, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) throw new ParleyError('bad_request', `"${name}" must appear once`);
  return value;
}

function required(params: TwilioParams, name: string, pattern?: RegExp): string {
  const value = single(params, name);
  if (!value) throw new ParleyError('bad_request', `"${name}" is missing`);
  if (pattern && !pattern.test(value)) throw new ParleyError('bad_request', `"${name}" is malformed`);
  return value;
}

/** Reads Twilio's incoming-message webhook (SMS, MMS, WhatsApp); throws `bad_request` when it is not one. */
export function parseInboundMessage(params: TwilioParams): InboundMessage {
  const message: InboundMessage = {
    messageSid: required(params, 'MessageSid', SID),
    accountSid: required(params, 'AccountSid', SID),
    from: required(params, 'From'),
    to: required(params, 'To'),
    body: single(params, 'Body') ?? '',
    media: [],
  };
  const profileName = single(params, 'ProfileName');
  if (profileName) message.profileName = profileName;
  const numMedia = single(params, 'NumMedia') ?? '0';
  if (!/^\d{1,2}$/.test(numMedia) || Number(numMedia) > MAX_MEDIA_PER_MESSAGE) {
    throw new ParleyError('bad_request', `"NumMedia" must be a whole number from 0 to ${MAX_MEDIA_PER_MESSAGE}`);
  }
  for (let i = 0; i < Number(numMedia); i++) {
    message.media.push({ url: required(params, `MediaUrl${i}`), contentType: (single(params, `MediaContentType${i}`) ?? 'application/octet-stream').toLowerCase() });
  }
  return message;
}

/** Reads a status callback (`MessageSid`, `MessageStatus`, `ErrorCode`; the older `SmsSid` / `SmsStatus` too). */
export function parseStatusCallback(params: TwilioParams): StatusCallback {
  const messageSid = single(params, 'MessageSid') ?? single(params, 'SmsSid');
  const status = single(params, 'MessageStatus') ?? single(params, 'SmsStatus');
  if (!messageSid || !SID.test(messageSid)) throw new ParleyError('bad_request', '"MessageSid" is missing or malformed');
  if (!status || !/^[a-z_]{1,40}$/.test(status)) throw new ParleyError('bad_request', '"MessageStatus" is missing or malformed');
  required(params, 'AccountSid', SID);
  return { messageSid, status, errorCode: single(params, 'ErrorCode') || null };
}

/** True when `body` is longer than any Twilio channel carries ({@link MAX_TWILIO_BODY_CHARS} characters, not UTF-16 units). */
export function isOverTwilioLimit(body: string): boolean {
  return body.length > MAX_TWILIO_BODY_CHARS && [...body].length > MAX_TWILIO_BODY_CHARS;
}

/** The first {@link MAX_TWILIO_BODY_CHARS} characters of `body` (whole code points). */
export function withinTwilioLimit(body: string): string {
  return isOverTwilioLimit(body) ? [...body].slice(0, MAX_TWILIO_BODY_CHARS).join('') : body;
}

/** The compliance keyword a whole message is (`STOP`, `start`, `Help!` …), if it is one. */
export function complianceKeyword(body: string): ComplianceKeyword | undefined {
  const word = body.trim().replace(/[.!?]+$/, '').toUpperCase();
  return Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
}

/** True for a WhatsApp (or other `channel:`) address rather than a plain phone number. */
export function isWhatsApp(address: string): boolean {
  return address.toLowerCase().startsWith('whatsapp:');
}

/** The normalized customer activity of an inbound message; `attachments` are the media Parley fetched. */
export function toActivity(message: InboundMessage, conversationId: string, attachments: Attachment[], raw: TwilioParams): Activity {
  const activity: Activity = {
    id: newId('act'),
    type: 'message',
    channel: 'twilio',
    channelMessageId: message.messageSid,
    conversationId,
    from: { id: message.from, role: 'customer', ...(message.profileName ? { name: message.profileName } : {}) },
    text: message.body,
    timestamp: new Date().toISOString(),
    raw,
  };
  if (attachments.length) activity.attachments = attachments;
  return activity;
}
