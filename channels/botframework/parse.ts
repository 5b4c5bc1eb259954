import type { Activity as BfActivity } from 'botbuilder';
import { MAX_TEXT_CHARS, newId, ParleyError, type Activity, type Attachment } from '../../bot/core/index.js';

/** Parley's channel name for Bot Framework conversations (Teams, Direct Line, Web Chat, Emulator…). */
export const BOTFRAMEWORK_CHANNEL = 'botframework';

/** Longest id, channel id or service URL accepted in an activity (characters). */
const MAX_ID_CHARS = 1000;

/** A customer message read from a Bot Framework `message` activity, before it belongs to a Parley conversation. */
export interface InboundMessage {
  /** The Bot Framework conversation id: the key of the Parley conversation link. */
  key: string;
  /** The Bot Framework activity id. */
  messageId: string;
  from: { id: string; name?: string };
  text: string;
  attachments: Attachment[];
  timestamp: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const bad = (message: string): never => {
  throw new ParleyError('bad_request', `invalid Bot Framework activity: ${message}`);
};

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.trim()) return bad(`"${field}" must be a non-empty string`);
  if (value.length > MAX_ID_CHARS) return bad(`"${field}" is longer than ${MAX_ID_CHARS} characters`);
  return value;
}

function requireAccount(value: unknown, field: string): Json {
  if (!isObject(value)) return bad(`"${field}" must be an object`);
  requireString(value.id, `${field}.id`);
  return value;
}

/**
 * Checks the envelope of an inbound activity (Bot Framework Activity schema): an object with `type`, an http(s)
 * `serviceUrl`, `channelId` and `conversation.id`; `message` activities also need `id`, `from.id` and `recipient.id`.
 * Returns it typed for the SDK; throws `bad_request` (400) otherwise.
 */
export function readIncomingActivity(body: unknown): BfActivity {
  if (!isObject(body)) return bad('the body must be a JSON object');
  const type = requireString(body.type, 'type');
  const serviceUrl = requireString(body.serviceUrl, 'serviceUrl');
  let protocol: string;
  try {
    protocol = new URL(serviceUrl).protocol;
  } catch {
    return bad('"serviceUrl" must be an absolute URL');
  }
  if (protocol !== 'https:' && protocol !== 'http:') bad('"serviceUrl" must be an http(s) URL');
  requireString(body.channelId, 'channelId');
  requireAccount(body.conversation, 'conversation');
  if (type === 'message') {
    requireString(body.id, 'id');
    requireAccount(body.from, 'from');
    requireAccount(body.recipient, 'recipient');
    if (body.text !== undefined && body.text !== null && typeof body.text !== 'string') bad('"text" must be a string');
    if (body.attachments !== undefined && body.attachments !== null && !Array.isArray(body.attachments)) bad('"attachments" must be an array');
    if (body.entities !== undefined && body.entities !== null && !Array.isArray(body.entities)) bad('"entities" must be an array');
  }
  return body as unknown as BfActivity;
}

/**
 * The customer's text: Teams `<at>…</at>` mentions (of the bot, or anyone) removed, `&nbsp;` as spaces, whitespace
 * collapsed. The bot's mention is also removed by the text its `mention` entity gives, whatever the markup.
 */
export function messageText(activity: Pick<BfActivity, 'text' | 'entities' | 'recipient'>): string {
  let text = typeof activity.text === 'string' ? activity.text : '';
  for (const entity of activity.entities ?? []) {
    const mention = entity as Json & { mentioned?: { id?: unknown } };
    if (mention.type === 'mention' && mention.mentioned?.id === activity.recipient?.id && typeof mention.text === 'string' && mention.text) {
      text = text.split(mention.text).join(' ');
    }
  }
  return text
    .replace(/<at(?:\s[^>]*)?>[\s\S]*?<\/at>/gi, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const IMAGE_FILE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
const isHttpUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\//i.test(value) && value.length <= 4096;

/**
 * Images of a message: `image/*` attachments by `contentUrl` (Direct Line, Web Chat, Teams inline images) and Teams
 * file uploads of an image type by `downloadUrl`. Cards, Teams' `text/html` copy of the message and other files are skipped.
 */
export function messageAttachments(attachments: unknown): Attachment[] {
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((item): Attachment[] => {
    if (!isObject(item) || typeof item.contentType !== 'string') return [];
    const name = typeof item.name === 'string' ? { name: item.name } : {};
    if (/^image\//i.test(item.contentType) && isHttpUrl(item.contentUrl)) return [{ contentType: item.contentType.toLowerCase(), url: item.contentUrl, ...name }];
    if (item.contentType === 'application/vnd.microsoft.teams.file.download.info' && isObject(item.content)) {
      const type = typeof item.content.fileType === 'string' ? IMAGE_FILE_TYPES[item.content.fileType.toLowerCase()] : undefined;
      if (type && isHttpUrl(item.content.downloadUrl)) return [{ contentType: type, url: item.content.downloadUrl, ...name }];
    }
    return [];
  });
}

/**
 * Reads the customer message of a `message` activity (checked by {@link readIncomingActivity}). Returns undefined when
 * it carries neither text nor an image (e.g. a card submit or a bare mention): there is nothing to answer. Throws
 * `text_too_long` (413) over {@link MAX_TEXT_CHARS} characters.
 */
export function readInboundMessage(activity: BfActivity): InboundMessage | undefined {
  const text = messageText(activity);
  if (text.length > MAX_TEXT_CHARS) throw new ParleyError('text_too_long', `"text" is longer than ${MAX_TEXT_CHARS} characters`);
  const attachments = messageAttachments(activity.attachments);
  if (!text && attachments.length === 0) return undefined;
  const raw = activity as unknown as Json;
  const timestamp = typeof raw.timestamp === 'string' && !Number.isNaN(Date.parse(raw.timestamp)) ? new Date(raw.timestamp).toISOString() : new Date().toISOString();
  const from = { id: activity.from.id, ...(typeof activity.from.name === 'string' && activity.from.name ? { name: activity.from.name } : {}) };
  return { key: activity.conversation.id, messageId: activity.id!, from, text, attachments, timestamp };
}

/**
 * The Parley activity of an inbound message in Parley conversation `conversationId`. Its `channelMessageId` is the Bot
 * Framework conversation id and activity id together: channels only promise activity ids unique within a conversation
 * (Teams uses millisecond timestamps), and the inbox must not take two customers' messages for one.
 */
export function toParleyActivity(message: InboundMessage, conversationId: string, raw: BfActivity): Activity {
  const activity: Activity = {
    id: newId('act'),
    type: 'message',
    channel: BOTFRAMEWORK_CHANNEL,
    channelMessageId: `${message.key}|${message.messageId}`,
    conversationId,
    from: { id: message.from.id, role: 'customer', ...(message.from.name ? { name: message.from.name } : {}) },
    text: message.text,
    timestamp: message.timestamp,
    raw,
  };
  if (message.attachments.length) activity.attachments = message.attachments;
  return activity;
}
