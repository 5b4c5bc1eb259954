/**
 * The zod schemas of what Slack sends Parley: Events API envelopes, their `message` / `app_mention` events and the
 * `block_actions` interactivity payload. Each names only the fields Parley reads and lets every other field through
 * (`looseObject`): Slack adds fields, and the bodies go on to Bolt unchanged. Events of other types are checked for
 * their `type` only, so an event Parley does not handle is still accepted (and ignored).
 */
import { z } from 'zod';

const NonEmpty = z.string().min(1, 'must be a non-empty string');

/** A file shared in a Slack message (the fields of the event's `files[]` that Parley reads). */
export const SlackFileRefSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  mimetype: z.string().optional(),
  filetype: z.string().optional(),
  size: z.number().optional(),
  url_private_download: z.string().optional(),
  url_private: z.string().optional(),
});

/** The fields Parley reads of a `message` or `app_mention` event (Events API). */
export const SlackMessageEventSchema = z.looseObject({
  type: NonEmpty,
  subtype: z.string().nullish(),
  hidden: z.boolean().nullish(),
  channel: z.string().nullish(),
  channel_type: z.string().nullish(),
  user: z.string().nullish(),
  bot_id: z.string().nullish(),
  text: z.string().nullish(),
  ts: z.string().nullish(),
  thread_ts: z.string().nullish(),
  event_ts: z.string().nullish(),
  /** Files shared with the message (`subtype: 'file_share'`). */
  files: z.array(SlackFileRefSchema).nullish(),
});

/** Any other event: only its `type` is read. */
const OtherEventSchema = z.looseObject({ type: NonEmpty }, 'must be an object');

/** The app's authorizations listed on an envelope. */
const AuthorizationSchema = z.looseObject({ team_id: z.string().nullish(), user_id: z.string().nullish(), is_bot: z.boolean().nullish() });

/** An `event_callback` envelope whose event is only checked for its `type`. */
const EnvelopeSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: NonEmpty,
  event_id: NonEmpty,
  authorizations: z.array(AuthorizationSchema).nullish(),
  event: OtherEventSchema,
});

/** An `event_callback` envelope of a `message` or `app_mention` event, with the event's fields checked. */
const MessageEnvelopeSchema = EnvelopeSchema.extend({ event: SlackMessageEventSchema });
/**
 * What either of the two gives: the shape of {@link SlackEventEnvelope}. Bodies are parsed with
 * {@link envelopeSchemaFor}, which checks a message event's fields (this union would let a bad one through as "other").
 */
export const AnyEnvelopeSchema = EnvelopeSchema.extend({ event: z.union([SlackMessageEventSchema, OtherEventSchema]) });

/** The event types whose fields Parley reads. */
export const MESSAGE_EVENT_TYPES: readonly string[] = ['message', 'app_mention'];

/** A `url_verification` handshake. */
export const UrlVerificationSchema = z.looseObject({ type: z.literal('url_verification'), challenge: NonEmpty });

/** Any Events API body or interactivity payload: an object with a `type`. */
export const TypedBodySchema = z.looseObject({ type: NonEmpty }, 'must be a JSON object');

const Id = z.looseObject({ id: z.string().nullish() });

/** One action of a `block_actions` payload (the fields Parley reads; `value` is a button's). */
const BlockActionSchema = z.looseObject({
  action_id: z.string().nullish(),
  block_id: z.string().nullish(),
  value: z.string().nullish(),
  action_ts: z.string().nullish(),
});

/** A `block_actions` interactivity payload: a click on a button of a message (or a view). */
export const BlockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  trigger_id: z.string().nullish(),
  actions: z.array(BlockActionSchema),
  user: z.looseObject({ id: z.string().nullish(), team_id: z.string().nullish() }),
  team: Id.nullish(),
  channel: Id.nullish(),
  container: z.looseObject({ channel_id: z.string().nullish(), thread_ts: z.string().nullish(), message_ts: z.string().nullish() }).nullish(),
  message: z.looseObject({ thread_ts: z.string().nullish() }).nullish(),
});

/** A file shared in a Slack message, as {@link SlackFileRefSchema} reads it. */
export type SlackFileRef = z.output<typeof SlackFileRefSchema>;
/** A `message` or `app_mention` event, as {@link SlackMessageEventSchema} reads it. */
export type SlackMessageEvent = z.output<typeof SlackMessageEventSchema>;
/** Any other event: its `type` and whatever Slack sent. */
export type SlackOtherEvent = z.output<typeof OtherEventSchema>;
/** An Events API `event_callback` envelope (the fields Parley reads; Slack sends more). */
export type SlackEventEnvelope = z.output<typeof AnyEnvelopeSchema>;
/** A `block_actions` payload, as {@link BlockActionsSchema} reads it. */
export type SlackBlockActions = z.output<typeof BlockActionsSchema>;

/** True for the events whose fields {@link readEventEnvelope} has checked (`message`, `app_mention`). */
export function isMessageEvent(event: SlackMessageEvent | SlackOtherEvent): event is SlackMessageEvent {
  return MESSAGE_EVENT_TYPES.includes(event.type);
}

/**
 * The schema an `event_callback` body is checked with: the envelope's, with the event's fields too for `message` and
 * `app_mention` events.
 */
export function envelopeSchemaFor(body: unknown): typeof EnvelopeSchema | typeof MessageEnvelopeSchema {
  const event = typeof body === 'object' && body !== null ? (body as { event?: unknown }).event : undefined;
  const type = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined;
  return typeof type === 'string' && MESSAGE_EVENT_TYPES.includes(type) ? MessageEnvelopeSchema : EnvelopeSchema;
}
