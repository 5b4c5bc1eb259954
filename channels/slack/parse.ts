import { decodeUtf8, newId, ParleyError, parseInput, type Activity, type Attachment } from '../../bot/core/index.js';
import { QUICK_REPLY_ACTION_PREFIX, QUICK_REPLY_BLOCK_PREFIX } from './format.js';
import {
  BlockActionsSchema,
  envelopeSchemaFor,
  isMessageEvent,
  TypedBodySchema,
  UrlVerificationSchema,
  type SlackBlockActions,
  type SlackEventEnvelope,
  type SlackFileRef,
} from './schemas.js';

export type { SlackEventEnvelope, SlackMessageEvent, SlackOtherEvent } from './schemas.js';

/** The channel name of Slack activities and conversation links. */
export const SLACK_CHANNEL = 'slack';

/** One request on `POST /webhooks/slack/events`, decoded. */
export type SlackRequest =
  | { kind: 'url_verification'; challenge: string }
  | { kind: 'ssl_check' }
  | { kind: 'event_callback'; body: SlackEventEnvelope }
  | { kind: 'interactivity'; body: Record<string, unknown> & { type: string } }
  | { kind: 'command'; body: Record<string, string> }
  | { kind: 'other'; body: Record<string, unknown> & { type: string } };

/** Who the app is, to recognise its own messages and mentions (from `auth.test` and the envelope). */
export interface SlackIdentity {
  botUserId?: string | undefined;
  botId?: string | undefined;
  /** The workspace the bot token belongs to. */
  teamId?: string | undefined;
}

/** A customer message from Slack, normalized: where it came from, where to answer, and the conversation key. */
export interface SlackInbound {
  /** `dm`: direct message; `mention`: the app mentioned in a channel; `thread_reply`: a reply in a thread; `quick_reply`: a button click. */
  kind: 'dm' | 'mention' | 'thread_reply' | 'quick_reply';
  teamId: string;
  channelId: string;
  userId: string;
  text: string;
  /** `team:channel:thread_ts` for channel threads, `team:channel` for a direct message channel. */
  key: string;
  /** Thread to answer in; undefined answers at the top level of a direct message. */
  replyThreadTs: string | undefined;
  /** Idempotency key: the event's `event_id`, or the click's `trigger_id`. */
  channelMessageId: string;
  /** ISO time of the Slack message (its `ts`), or of receipt. */
  timestamp: string;
  /** Files shared with the message (downloaded before the turn); empty for clicks and plain messages. */
  files: SlackFileRef[];
  raw: unknown;
}

/** A classified delivery: a customer message to process, or why it is ignored. */
export type SlackClassification = { inbound: SlackInbound } | { ignored: string };

const str = (value: string | null | undefined): string | undefined => (value ? value : undefined);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ParleyError('invalid_json', `${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Checks an Events API `event_callback` body with zod: `team_id`, `event_id` and an `event` with a `type`; the fields
 * Parley reads of `message` and `app_mention` events; every other field passes. Throws `bad_request` naming the field.
 */
export function readEventEnvelope(body: unknown): SlackEventEnvelope {
  return parseInput(envelopeSchemaFor(body), body, 'Slack event');
}

/**
 * Checks an interactivity payload with zod: an object with a `type`, and for `block_actions` the fields Parley reads
 * (`actions`, `user`, `channel`, `container`, `team`, `message`). Throws `bad_request` naming the field.
 */
export function readInteractivityPayload(payload: unknown): Record<string, unknown> & { type: string } {
  const body = parseInput(TypedBodySchema, payload, 'Slack interactivity payload');
  if (body.type === 'block_actions') parseInput(BlockActionsSchema, payload, 'Slack interactivity payload');
  return body;
}

/**
 * Decodes a (verified) request body: Events API JSON (`url_verification`, `event_callback`, …) or an interactivity /
 * slash command form, each checked with its zod schema. Throws `invalid_utf8`, `invalid_json` or `bad_request` naming
 * the field.
 */
export function decodeSlackRequest(rawBody: Buffer, contentType: string | undefined): SlackRequest {
  const text = decodeUtf8(rawBody);
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    if (payload !== null) return { kind: 'interactivity', body: readInteractivityPayload(parseJson(payload, 'the "payload" form field')) };
    if (form.has('ssl_check')) return { kind: 'ssl_check' };
    if (form.has('command')) return { kind: 'command', body: Object.fromEntries(form) };
    throw new ParleyError('bad_request', 'form body has neither an interactivity "payload" nor a slash "command"');
  }
  if (type !== 'application/json') throw new ParleyError('bad_request', `unsupported content type ${type ?? '(none)'}`);
  const raw = parseJson(text, 'request body');
  const body = parseInput(TypedBodySchema, raw, 'Slack request body');
  if (body.type === 'url_verification') return { kind: 'url_verification', challenge: parseInput(UrlVerificationSchema, raw, 'Slack url_verification').challenge };
  if (body.type === 'event_callback') return { kind: 'event_callback', body: readEventEnvelope(raw) };
  return { kind: 'other', body };
}

/** The conversation key of a Slack thread (`team:channel:thread_ts`) or of a direct message channel (`team:channel`). */
export function conversationKey(teamId: string, channelId: string, threadTs?: string): string {
  return threadTs ? `${teamId}:${channelId}:${threadTs}` : `${teamId}:${channelId}`;
}

/** Slack's message markup as plain text: links and mentions to their labels, `&amp;` `&lt;` `&gt;` decoded. */
export function plainText(text: string, identity: SlackIdentity = {}): string {
  let out = text;
  if (identity.botUserId) out = out.split(new RegExp(`<@${identity.botUserId}(?:\\|[^>]*)?>`, 'g')).join(' ');
  else out = out.replace(/^\s*(?:<@[UW][A-Z0-9]+(?:\|[^>]*)?>\s*)+/, '');
  out = out
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return out.replace(/[ \t]+/g, ' ').trim();
}

const isoFromTs = (ts: string | undefined): string => {
  const seconds = Number(ts);
  return ts && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date().toISOString();
};

/** The app's identity from `auth.test` (when known) or the envelope's bot authorization. */
export function identityOf(envelope: SlackEventEnvelope, known: SlackIdentity): SlackIdentity {
  const fromEnvelope = str(envelope.authorizations?.find((a) => a.is_bot)?.user_id);
  return { botUserId: known.botUserId ?? fromEnvelope, botId: known.botId };
}

/**
 * Classifies an `event_callback`: direct messages (`message.im`), app mentions (start or join a thread) and replies in
 * channel threads become {@link SlackInbound}; bot messages, the app's own messages, edits, deletes and every other
 * subtype, top-level channel chatter and unsupported events are ignored with a reason.
 */
export function classifyEvent(envelope: SlackEventEnvelope, known: SlackIdentity = {}): SlackClassification {
  const identity = identityOf(envelope, known);
  const event = envelope.event;
  if (!isMessageEvent(event)) return { ignored: `unsupported event type ${event.type}` };
  if (event.subtype && event.subtype !== 'file_share') return { ignored: `message subtype ${event.subtype}` };
  if (event.bot_id) return { ignored: event.bot_id === identity.botId ? 'own message' : 'bot message' };
  if (event.hidden) return { ignored: 'hidden message' };
  const user = str(event.user);
  const channel = str(event.channel);
  const ts = str(event.ts);
  if (!user || !channel || !ts) return { ignored: 'message without user, channel or ts' };
  if (user === identity.botUserId) return { ignored: 'own message' };
  const text = plainText(event.text ?? '', identity);
  const files: SlackFileRef[] = event.files ?? [];
  if (!text && !files.length) return { ignored: 'empty text' };
  const teamId = envelope.team_id;
  const threadTs = event.thread_ts && event.thread_ts !== ts ? event.thread_ts : undefined;
  const base = { teamId, channelId: channel, userId: user, text, channelMessageId: envelope.event_id, timestamp: isoFromTs(ts), files, raw: envelope };
  if (event.type === 'app_mention') {
    const thread = threadTs ?? ts;
    return { inbound: { ...base, kind: 'mention', key: conversationKey(teamId, channel, thread), replyThreadTs: thread } };
  }
  if (event.channel_type === 'im' || event.channel_type === 'app_home' || (!event.channel_type && channel.startsWith('D'))) {
    // A direct message channel is one conversation; a reply inside a thread there is answered in that thread.
    return { inbound: { ...base, kind: 'dm', key: conversationKey(teamId, channel), replyThreadTs: threadTs } };
  }
  if (!threadTs) return { ignored: 'top-level channel message (the app answers mentions and its threads)' };
  // A thread reply that mentions the app also arrives as `app_mention` (another event_id): answer that one only.
  if (identity.botUserId && (event.text ?? '').includes(`<@${identity.botUserId}`)) return { ignored: 'mention, handled as app_mention' };
  return { inbound: { ...base, kind: 'thread_reply', key: conversationKey(teamId, channel, threadTs), replyThreadTs: threadTs } };
}

/**
 * Classifies an interactivity payload (checked with {@link readInteractivityPayload}; throws `bad_request` naming the
 * field otherwise): a `block_actions` click on one of Parley's quick-reply buttons becomes the customer's message (its
 * text is the button's value), in the conversation named by the button's block; anything else is ignored.
 */
export function classifyInteraction(body: unknown): SlackClassification {
  const typed = readInteractivityPayload(body);
  if (typed.type !== 'block_actions') return { ignored: `interactivity type ${typed.type}` };
  return classifyBlockActions(body as SlackBlockActions);
}

function classifyBlockActions(payload: SlackBlockActions): SlackClassification {
  const action = payload.actions.find((a) => str(a.action_id)?.startsWith(QUICK_REPLY_ACTION_PREFIX) && typeof a.value === 'string');
  if (!action) return { ignored: 'no quick-reply action' };
  const { user } = payload;
  const container = payload.container ?? {};
  const channelId = str(payload.channel?.id) ?? str(container.channel_id);
  const userId = str(user.id);
  const text = (action.value ?? '').trim();
  if (!channelId || !userId || !text) return { ignored: 'quick reply without channel, user or value' };
  const blockId = str(action.block_id) ?? '';
  const teamId = str(payload.team?.id) ?? str(user.team_id);
  const threadTs = str(container.thread_ts) ?? str(payload.message?.thread_ts);
  let key: string;
  if (blockId.startsWith(QUICK_REPLY_BLOCK_PREFIX)) {
    // Parley's own buttons name their conversation: the same key as the events, even across Slack Connect teams.
    key = blockId.slice(QUICK_REPLY_BLOCK_PREFIX.length);
    if (key.split(':')[1] !== channelId) return { ignored: 'quick reply names another channel' };
  } else if (teamId) {
    key = channelId.startsWith('D') ? conversationKey(teamId, channelId) : conversationKey(teamId, channelId, threadTs ?? str(container.message_ts));
  } else {
    return { ignored: 'quick reply without a team' };
  }
  const [keyTeam = '', , keyThread] = key.split(':');
  const clickId = str(payload.trigger_id) ?? `${channelId}:${userId}:${str(action.action_ts) ?? newId('click')}`;
  return {
    inbound: {
      kind: 'quick_reply',
      teamId: keyTeam,
      channelId,
      userId,
      text,
      key,
      replyThreadTs: keyThread ?? threadTs,
      channelMessageId: `click:${clickId}`,
      timestamp: isoFromTs(str(action.action_ts)),
      files: [],
      raw: payload,
    },
  };
}

/** The Parley activity of a Slack customer message (with its downloaded `attachments`, default none); the raw envelope stays on `raw`. */
export function toActivity(inbound: SlackInbound, conversationId: string, attachments: Attachment[] = []): Activity {
  return {
    id: newId('act'),
    type: 'message',
    channel: SLACK_CHANNEL,
    channelMessageId: inbound.channelMessageId,
    conversationId,
    from: { id: inbound.userId, role: 'customer' },
    text: inbound.text,
    timestamp: inbound.timestamp,
    ...(attachments.length ? { attachments } : {}),
    raw: inbound.raw,
  };
}
