/**
 * Slack request payloads for tests, shaped like Slack's published examples: Events API envelopes (`event_callback`
 * with `authorizations`), `url_verification`, and `block_actions` interactivity payloads; plus request signing.
 */
import { computeSlackSignature } from '../verify.js';

/** The workspace (team) the app is installed in. */
export const TEAM = 'T0PARLEY01';
/** The Slack app's id. */
export const APP = 'A0PARLEY01';
/** The app's bot user (what `auth.test` answers as `user_id`). */
export const BOT_USER = 'U0PARLEYBOT';
/** The app's bot id (`bot_id` on its own messages). */
export const BOT_ID = 'B0PARLEYBOT';
/** The customer writing to the app. */
export const CUSTOMER = 'U0CUSTOMER1';
/** The customer's direct message channel with the app. */
export const DM_CHANNEL = 'D0CUSTOMER1';
/** A support channel (e.g. a Slack Connect channel shared with a customer). */
export const SUPPORT_CHANNEL = 'C0SUPPORT01';
/** The signing secret the test channel verifies with. */
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
/** The bot token the fake Web API accepts. */
export const BOT_TOKEN = 'xoxb-test-token';

let sequence = 0;
const next = (): number => (sequence += 1);

/** A fresh Slack `ts` (`1234567890.123456`). */
export function newTs(): string {
  const n = next();
  return `${1_710_000_000 + n}.${String(n).padStart(6, '0')}`;
}

/** An `event_callback` envelope around `event`, with a fresh `event_id` unless given. */
export function envelope(event: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = next();
  const ts = typeof event.ts === 'string' ? event.ts : newTs();
  return {
    token: 'XXYYZZ',
    team_id: TEAM,
    api_app_id: APP,
    event: { event_ts: ts, ...event },
    type: 'event_callback',
    event_id: `Ev0PARLEY${String(n).padStart(4, '0')}`,
    event_time: Math.floor(Number(ts)),
    authed_users: [BOT_USER],
    authorizations: [{ enterprise_id: null, team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMFBBUkxFWTAxIn0${n}`,
    ...overrides,
  };
}

/** A direct message from the customer (`message.im`). */
export function dmEvent(text: string, options: { ts?: string; threadTs?: string; channel?: string; user?: string } = {}): Record<string, unknown> {
  const ts = options.ts ?? newTs();
  return envelope({
    type: 'message',
    client_msg_id: `c0ffee00-0000-4000-8000-${String(next()).padStart(12, '0')}`,
    text,
    user: options.user ?? CUSTOMER,
    ts,
    team: TEAM,
    channel: options.channel ?? DM_CHANNEL,
    channel_type: 'im',
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  });
}

/** An `app_mention` in a channel, top level or inside a thread. */
export function mentionEvent(text: string, options: { ts?: string; threadTs?: string; channel?: string } = {}): Record<string, unknown> {
  const ts = options.ts ?? newTs();
  return envelope({
    type: 'app_mention',
    user: CUSTOMER,
    text: `<@${BOT_USER}> ${text}`,
    ts,
    team: TEAM,
    channel: options.channel ?? SUPPORT_CHANNEL,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  });
}

/** A message in a channel (`message.channels`), a thread reply when `threadTs` is given. */
export function channelMessageEvent(text: string, options: { ts?: string; threadTs?: string; channel?: string; user?: string } = {}): Record<string, unknown> {
  const ts = options.ts ?? newTs();
  return envelope({
    type: 'message',
    text,
    user: options.user ?? CUSTOMER,
    ts,
    team: TEAM,
    channel: options.channel ?? SUPPORT_CHANNEL,
    channel_type: 'channel',
    ...(options.threadTs ? { thread_ts: options.threadTs, parent_user_id: CUSTOMER } : {}),
  });
}

/** A message posted by a bot (`subtype: bot_message`, or a bot's message without subtype). */
export function botMessageEvent(text: string, options: { botId?: string; subtype?: boolean; channel?: string } = {}): Record<string, unknown> {
  return envelope({
    type: 'message',
    ...(options.subtype === false ? {} : { subtype: 'bot_message' }),
    text,
    bot_id: options.botId ?? 'B0OTHERBOT1',
    ts: newTs(),
    channel: options.channel ?? DM_CHANNEL,
    channel_type: 'im',
  });
}

/** An edit (`message_changed`) of an earlier direct message. */
export function messageChangedEvent(text: string, channel = DM_CHANNEL): Record<string, unknown> {
  const ts = newTs();
  return envelope({
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel,
    channel_type: 'im',
    ts,
    message: { type: 'message', user: CUSTOMER, text, ts: newTs(), edited: { user: CUSTOMER, ts } },
    previous_message: { type: 'message', user: CUSTOMER, text: 'before', ts: newTs() },
  });
}

/** A file shared in the direct message channel, with every field Slack's file object has. */
function sharedFile(ts: string): Record<string, unknown> {
  const created = Math.floor(Number(ts));
  return {
    id: 'F0PARLEY001',
    created,
    timestamp: created,
    name: 'parcel.jpg',
    title: 'parcel.jpg',
    mimetype: 'image/jpeg',
    filetype: 'jpg',
    pretty_type: 'JPEG',
    user: CUSTOMER,
    editable: false,
    size: 52_341,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: false,
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: 'https://files.slack.com/files-pri/T0PARLEY01-F0PARLEY001/parcel.jpg',
    url_private_download: 'https://files.slack.com/files-pri/T0PARLEY01-F0PARLEY001/download/parcel.jpg',
    permalink: 'https://parley-test.slack.com/files/U0CUSTOMER1/F0PARLEY001/parcel.jpg',
    permalink_public: 'https://slack-files.com/T0PARLEY01-F0PARLEY001-0123456789',
    preview: null,
    updated: created,
    editor: CUSTOMER,
    last_editor: CUSTOMER,
    state: 'ok',
    channels: [DM_CHANNEL],
    groups: [],
    ims: [],
    comments_count: 0,
  };
}

/** A deletion (`message_deleted`), shaped as the Events API document's `message` topic describes it. */
export function messageDeletedEvent(): Record<string, unknown> {
  const ts = newTs();
  return envelope({
    type: 'message',
    subtype: 'message_deleted',
    hidden: true,
    channel: DM_CHANNEL,
    ts,
    deleted_ts: ts,
    // The document's `message` topic was generated from the deletion of a shared file: its previous message is that.
    previous_message: { type: 'message', subtype: 'file_share', text: 'photo of the damaged parcel', ts, file: sharedFile(ts), comment: null },
  });
}

/** Slack's `url_verification` handshake. */
export function urlVerification(challenge: string): Record<string, unknown> {
  return { token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' };
}

/** A `block_actions` payload: the customer clicked a button of a bot message. */
export function blockActionsPayload(options: {
  value: string;
  blockId?: string;
  actionId?: string;
  channel?: string;
  messageTs?: string;
  threadTs?: string;
}): Record<string, unknown> {
  const channel = options.channel ?? DM_CHANNEL;
  const messageTs = options.messageTs ?? newTs();
  const n = next();
  return {
    type: 'block_actions',
    user: { id: CUSTOMER, username: 'customer', name: 'customer', team_id: TEAM },
    api_app_id: APP,
    token: 'XXYYZZ',
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false, ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
    trigger_id: `${n}.1234567890.0123456789abcdef0123456789abcdef`,
    team: { id: TEAM, domain: 'parley-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'directmessage' },
    message: { type: 'message', user: BOT_USER, ts: messageTs, bot_id: BOT_ID, text: 'Hi!', ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
    state: { values: {} },
    response_url: `https://hooks.slack.com/actions/${TEAM}/${n}/abcdef`,
    actions: [
      {
        action_id: options.actionId ?? 'parley_quick_reply_1',
        block_id: options.blockId ?? 'parley_qr',
        text: { type: 'plain_text', text: options.value, emoji: true },
        value: options.value,
        type: 'button',
        action_ts: `${1_710_000_000 + n}.${String(n).padStart(6, '0')}`,
      },
    ],
  };
}

/** The body of an interactivity request: `payload=<JSON>` form-encoded. */
export function interactivityForm(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Headers Slack sends with a body: content type, `X-Slack-Request-Timestamp` and the v0 signature. */
export function signedHeaders(body: string | Buffer, contentType: string, options: { nowSeconds?: number; secret?: string } = {}): Record<string, string> {
  const timestamp = String(options.nowSeconds ?? Math.floor(Date.now() / 1000));
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': computeSlackSignature(options.secret ?? SIGNING_SECRET, timestamp, body),
  };
}

/** A file as Slack's `message` event lists it in `files[]` (the fields Parley reads, plus a few Slack always sends). */
export function slackFile(options: { id: string; name: string; mimetype: string; size: number; url: string; downloadUrl?: string | null }): Record<string, unknown> {
  return {
    id: options.id,
    created: 1_700_000_000,
    timestamp: 1_700_000_000,
    name: options.name,
    title: options.name,
    mimetype: options.mimetype,
    filetype: options.mimetype.split('/')[1] ?? 'binary',
    user: CUSTOMER,
    size: options.size,
    mode: 'hosted',
    is_external: false,
    is_public: false,
    url_private: options.url,
    ...(options.downloadUrl === null ? {} : { url_private_download: options.downloadUrl ?? `${options.url}?download=1` }),
  };
}

/** A direct message sharing files (`subtype: 'file_share'`), with optional text. */
export function fileShareEvent(text: string, files: Record<string, unknown>[], options: { channel?: string } = {}): Record<string, unknown> {
  return envelope({
    type: 'message',
    subtype: 'file_share',
    text,
    files,
    upload: false,
    user: CUSTOMER,
    display_as_bot: false,
    ts: newTs(),
    team: TEAM,
    channel: options.channel ?? DM_CHANNEL,
    channel_type: 'im',
  });
}
