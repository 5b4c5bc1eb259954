import { timingSafeEqual } from 'node:crypto';
import { toPublicSource, type Activity } from './activity.js';
import type { Bot } from './bot.js';
import { ParleyError } from './errors.js';
import type { Logger } from './logger.js';
import type { ConversationRecord, MessageRecord, Store } from './store.js';
import type { ConversationTokens } from './tokens.js';

/** Longest customer message Parley accepts on any channel (characters). */
export const MAX_TEXT_CHARS = 4000;

/** What a channel adapter needs from the running Parley. */
export interface ChannelHost {
  bot: Bot;
  store: Store;
  tokens: ConversationTokens;
  /** When set, starting a REST conversation needs this key as bearer token. */
  apiKey: string | undefined;
  /** Per-address request limits (`PARLEY_RATE_LIMIT_*`); unset: none (tests, embedding). */
  limits?: RequestLimiter | undefined;
  /** Secret user ids are signed with by the operator's site (`PARLEY_IDENTITY_SECRET`); unset: no verified web identities. */
  identitySecret?: string | undefined;
  /**
   * Knowledge scope per channel endpoint (`PARLEY_SCOPES`, keys normalized by `endpointKey`): a conversation that
   * arrives at a configured Twilio number, e-mail address, Slack workspace or Bot Framework app is in that scope.
   */
  endpointScopes?: Readonly<Record<string, string>> | undefined;
  /**
   * The knowledge scopes this server knows (those with tickets, and those configured for an endpoint); `refresh` asks
   * for a fresh look at the store. A conversation asking for another scope is refused. Unset: any valid name is taken.
   */
  knownScopes?: ((refresh: boolean) => Promise<ReadonlySet<string>>) | undefined;
  logger: Logger;
}

/** What a client does that is limited per address and time window. */
export type LimitedAction = 'conversation' | 'message' | 'upload' | 'login';

/**
 * Counts one `action` by the client at `address` and throws `rate_limited` (429; `details.retryAfterSeconds`) when
 * that address is over its limit. Implemented by the composition root (shared through Redis when configured).
 */
export interface RequestLimiter {
  take(action: LimitedAction, address: string): Promise<void>;
}

/** Features a channel declares; asking an adapter for one it lacks throws `unsupported`. */
export interface ChannelCapabilities {
  typing: boolean;
  quickReplies: boolean;
  images: boolean;
  streaming: boolean;
  /** Can send a message the customer did not just ask for (agent replies, follow-ups). */
  proactive: boolean;
}

/** The small core every channel adapter implements: it delivers activities to the customer on its channel. */
export interface ChannelAdapter {
  readonly channel: string;
  readonly capabilities: ChannelCapabilities;
  /** Delivers a bot or agent activity to the customer of `activity.conversationId`. */
  send(activity: Activity): Promise<void>;
}

/** The token of an `Authorization: Bearer <token>` header, if present. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Constant-time string equality. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `token` is the configured API key. */
export function isApiKey(host: Pick<ChannelHost, 'apiKey'>, token: string | undefined): boolean {
  return Boolean(host.apiKey && token && safeEqual(host.apiKey, token));
}

/** Throws `unauthorized` unless `token` is the API key or the conversation's own token. */
export function authorizeConversation(host: Pick<ChannelHost, 'apiKey' | 'tokens'>, conversationId: string, token: string | undefined): void {
  if (isApiKey(host, token) || host.tokens.verify(conversationId, token)) return;
  // One answer for a missing, expired, foreign or unknown conversation's token: nothing tells them apart.
  throw new ParleyError('unauthorized', 'a valid conversation token (Authorization: Bearer <token>) is needed for this conversation');
}

/** Validates a customer's text: a string, not blank, at most {@link MAX_TEXT_CHARS} characters. */
export function checkCustomerText(text: unknown, field = 'text'): string {
  if (typeof text !== 'string') throw new ParleyError('bad_request', `"${field}" must be a string`);
  if (!text.trim()) throw new ParleyError('bad_request', `"${field}" must not be empty`);
  if (text.length > MAX_TEXT_CHARS) throw new ParleyError('text_too_long', `"${field}" is longer than ${MAX_TEXT_CHARS} characters`);
  return text;
}

/** A transcript entry as the REST and web chat channels show it. */
export function toPublicMessage(message: MessageRecord): Record<string, unknown> {
  const { activity } = message;
  const out: Record<string, unknown> = { id: message.id, role: message.role, text: message.text, createdAt: message.createdAt, channel: message.channel };
  if (activity.action) out.action = activity.action;
  // Which customer message a reply answers (its id in this transcript): a client resuming a conversation matches the
  // replies in the history against the messages it is still waiting for.
  if (activity.replyToId) out.replyToId = activity.replyToId;
  // Customers see a source's id, title and link only, never the past ticket's text (CONTRACTS.md).
  if (activity.sources?.length) out.sources = activity.sources.map(toPublicSource);
  if (activity.handoff) out.handoff = activity.handoff;
  if (activity.quickReplies?.length) out.quickReplies = activity.quickReplies;
  if (activity.images?.length) out.images = activity.images;
  if (activity.confidence !== undefined) out.confidence = activity.confidence;
  if (activity.attachments?.length) out.attachments = activity.attachments.map(({ contentType, name, url }) => ({ contentType, ...(name ? { name } : {}), ...(url ? { url } : {}) }));
  return out;
}

/**
 * The conversation linked to `(channel, key)` (a phone number, an e-mail thread, a Slack thread…), started for
 * `userId` (in knowledge scope `scope`, e.g. the one configured for the number or address written to) and linked when
 * there is none. Concurrent first messages agree on one conversation.
 */
export async function conversationFor(
  store: Store,
  input: { channel: string; key: string; userId: string; ref?: Record<string, unknown>; metadata?: Record<string, unknown>; scope?: string | undefined },
): Promise<ConversationRecord> {
  const existing = await store.findConversationRef(input.channel, input.key);
  const linked = existing ? await store.getConversation(existing.conversationId) : undefined;
  // A conversation keeps the knowledge scope it started with.
  if (linked) return linked;
  const created = await store.createConversation({
    userId: input.userId,
    channel: input.channel,
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.metadata ? { metadata: input.metadata } : {}),
  });
  const link = await store.linkConversation({ channel: input.channel, key: input.key, conversationId: created.id, ref: input.ref ?? {} });
  return link.conversationId === created.id ? created : ((await store.getConversation(link.conversationId)) ?? created);
}
