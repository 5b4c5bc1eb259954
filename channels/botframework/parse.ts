import type { Activity as BfActivity } from 'botbuilder';
import { z } from 'zod';
import { MAX_TEXT_CHARS, newId, parseInput, ParleyError, type Activity, type Attachment } from '../../bot/core/index.js';

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

/** An id, channel id or service URL: a non-blank text of at most {@link MAX_ID_CHARS} characters. */
const Id = z.string().refine((value) => value.trim().length > 0, 'must be a non-empty string').max(MAX_ID_CHARS, `is longer than ${MAX_ID_CHARS} characters`);
/** A channel account or conversation: an object with an `id`. */
const Account = z.looseObject({ id: Id });
const httpUrl = Id.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an absolute URL (http or https)');

/** The envelope every inbound activity has (Bot Framework Activity schema). */
const Envelope = z.looseObject({ type: Id, serviceUrl: httpUrl, channelId: Id, conversation: Account }, 'the body must be a JSON object');
/** What a `message` activity has besides: its id, sender and recipient, optional text, attachments and entities. */
const MessageFields = z.looseObject({
  id: Id,
  from: Account,
  recipient: Account,
  text: z.string().nullish(),
  attachments: z.array(z.unknown()).nullish(),
  entities: z.array(z.unknown()).nullish(),
});

/**
 * Checks the envelope of an inbound activity (Bot Framework Activity schema): an object with `type`, an http(s)
 * `serviceUrl`, `channelId` and `conversation.id`; `message` activities also need `id`, `from.id` and `recipient.id`.
 * Returns it typed for the SDK; throws `bad_request` (400) naming the field otherwise.
 */
export function readIncomingActivity(body: unknown): BfActivity {
  const envelope = parseInput(Envelope, body, 'Bot Framework activity');
  if (envelope.type === 'message') parseInput(MessageFields, body, 'Bot Framework activity');
  return body as BfActivity;
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
