/** Who wrote a message in a conversation. */
export type Role = 'customer' | 'bot' | 'agent' | 'system';

/** What a bot reply does: answer from knowledge, ask to clarify, or hand off to a person. */
export type ReplyAction = 'answer' | 'clarify' | 'handoff';

/**
 * A knowledge item an answer is grounded on; `score` is 0–1, higher is better. `metadata` (the past ticket's question,
 * its fields) is for agents and the dashboard only; customers see {@link PublicSource}.
 */
export interface Source {
  id: string;
  score: number;
  metadata: Record<string, unknown>;
  /** A title safe to show customers (never the past customer's words); see {@link toPublicSource}. */
  title?: string;
  /** A public link to the article or page, when the ticket has one. */
  url?: string;
}

/** What a customer sees of a source (CONTRACTS.md): its id, score, a title and, where the ticket has one, a public link. */
export interface PublicSource {
  id: string;
  score: number;
  title: string;
  url?: string;
}

/** The title shown for a source that has none of its own. */
export const NEUTRAL_SOURCE_TITLE = 'Help article';

/**
 * Projects a source onto what customers may see: id, score, its customer-safe `title` (else
 * {@link NEUTRAL_SOURCE_TITLE}) and an `http(s)` `url`; never the past ticket's question, answer or other metadata.
 */
export function toPublicSource(source: Source): PublicSource {
  const title = typeof source.title === 'string' && source.title.trim() ? source.title.trim() : NEUTRAL_SOURCE_TITLE;
  const url = typeof source.url === 'string' && /^https?:\/\/[^\s]+$/i.test(source.url) ? source.url : undefined;
  return { id: source.id, score: source.score, title, ...(url ? { url } : {}) };
}

/** An image shown in a bot message; `url` may be relative to the server origin. */
export interface ImageRef {
  url: string;
  alt: string;
}

/** A file that came with a customer message (photo, document); `url` or `data` holds the content. */
export interface Attachment {
  contentType: string;
  name?: string;
  url?: string;
  data?: Uint8Array;
}

/**
 * One message or event in a conversation, normalized from any channel at the edge.
 * Nothing past `channels/` sees the channel's payload except through `raw`.
 */
export interface Activity {
  /** Parley's own id for this activity. */
  id: string;
  type: 'message' | 'typing' | 'event';
  /** Channel name: `webchat`, `rest`, `test`, `twilio`, … */
  channel: string;
  /** The channel's own message id; the inbox is idempotent on (channel, channelMessageId). */
  channelMessageId?: string;
  conversationId: string;
  from: { id: string; role: Role; name?: string };
  text: string;
  /** ISO-8601 time the activity was created. */
  timestamp: string;
  attachments?: Attachment[];
  /** For bot replies: what the reply does. */
  action?: ReplyAction;
  sources?: Source[];
  handoff?: { reason: string };
  quickReplies?: string[];
  images?: ImageRef[];
  /** For bot replies: the calibrated confidence (0–1) the answer / clarify / hand-off decision was made on. */
  confidence?: number;
  /** The activity this one answers. */
  replyToId?: string;
  /** True when the channel cut the customer's text to the longest it carries (the rest was never stored). */
  truncated?: boolean;
  /** For bot replies: a notice that the customer's message is saved but not answered yet (the store was unavailable); the answer follows. */
  pending?: boolean;
  /** For proactive messages (engagement e-mails): how the channel sends it where it can (see {@link OutboundOptions}). */
  outbound?: OutboundOptions;
  /**
   * Set by `Bot.record` on the activity it stores: the message starts no turn, also when the crash-recovery loop
   * finds it unfinished (it is then recorded again, not answered).
   */
  recordOnly?: true;
  /** The channel's raw payload, untouched. */
  raw?: unknown;
}

/**
 * Delivery options of a proactive message on channels that have them (e-mail): `subject` starts a new thread with
 * that subject instead of answering the last message, `from` replaces the configured sender (a brand's identity),
 * `headers` are added (`List-Unsubscribe`), `trackingPixelUrl` is shown as a 1×1 image in the HTML part (opens).
 */
export interface OutboundOptions {
  subject?: string;
  from?: string;
  headers?: Record<string, string>;
  trackingPixelUrl?: string;
}

/** The public reply shape of the REST and web chat channels (see CONTRACTS.md). */
export interface Reply {
  text: string;
  action: ReplyAction;
  sources: PublicSource[];
  handoff?: { reason: string };
  quickReplies?: string[];
  images?: ImageRef[];
  /** Confidence (0–1) the decision was made on, when it came from retrieval. */
  confidence?: number;
  /** True on the "your message is saved" notice sent while the store is unavailable; the real answer follows. */
  pending?: boolean;
}

/** What a handler passes to `ctx.send`: a reply without the envelope fields the bot fills in. */
export type ReplyInput = Partial<Omit<Reply, 'sources'>> & { text: string; sources?: Source[] };

/** Projects a bot activity onto the public {@link Reply} shape (sources as {@link PublicSource}s). */
export function toReply(activity: Activity): Reply {
  const reply: Reply = { text: activity.text, action: activity.action ?? 'answer', sources: (activity.sources ?? []).map(toPublicSource) };
  if (activity.handoff) reply.handoff = activity.handoff;
  if (activity.quickReplies?.length) reply.quickReplies = activity.quickReplies;
  if (activity.images?.length) reply.images = activity.images;
  if (activity.pending) reply.pending = true;
  if (activity.confidence !== undefined) reply.confidence = activity.confidence;
  return reply;
}
