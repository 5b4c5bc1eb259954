import type { Activity, ReplyInput } from './activity.js';
import type { TurnContext } from './turn-context.js';

/**
 * Every reason Parley hands a conversation to a person for: a closed set. `ungrounded` is an answer the grounding
 * checks stopped with nothing safe to offer instead; `language` a message in a language Parley cannot answer in;
 * `error` a turn that failed.
 */
export const HANDOFF_REASONS = [
  'customer_request',
  'low_confidence',
  'no_match',
  'out_of_scope',
  'sensitive_topic',
  'vip',
  'frustration',
  'repeated_failure',
  'ungrounded',
  'language',
  'error',
] as const;

/** A reason a conversation is handed to a person (one of {@link HANDOFF_REASONS}). */
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

const REASONS: ReadonlySet<string> = new Set(HANDOFF_REASONS);

/** True when `value` is one of {@link HANDOFF_REASONS} (e.g. a reason read back from the store). */
export function isHandoffReason(value: unknown): value is HandoffReason {
  return typeof value === 'string' && REASONS.has(value);
}

/** How {@link handoff.request} tells the customer, and what it records beside the reason. */
export interface HandoffRequest {
  /**
   * The reply telling the customer a person takes over; its `action` becomes `handoff` and its `handoff.reason` the
   * request's reason. Without one nothing is sent (the caller already told the customer, or the channel has no reply).
   */
  reply?: ReplyInput;
  /** The calibrated confidence (0–1) the decision was made on, carried by the reply. */
  confidence?: number | undefined;
  /** Conversation metadata written in the same update as the reason (what made the handoff fire). */
  metadata?: Record<string, unknown>;
  /**
   * `false`: build the reply but do not send it, for a caller that sends it itself (a streamed reply's final text).
   * Default `true`.
   */
  send?: boolean;
}

/** What a handoff request did: the conversation's reply, as built, and the stored activity when it was sent. */
export interface HandoffOutcome {
  reply?: ReplyInput;
  sent?: Activity;
}

/**
 * The one way to hand a conversation to a person. Every trigger (the customer asking, low confidence, a sensitive
 * topic, a failed turn…) calls {@link handoff.request}; the handoff service sees the conversation's `needs_human`
 * status after the turn and opens the escalation on the agent desk. The architecture test keeps other spellings out.
 */
export const handoff = {
  /**
   * Marks the conversation as needing a person for `reason` (with `request.metadata` in the same update) and sends
   * `request.reply`, if any, as a `handoff` reply carrying the reason and confidence.
   */
  async request(ctx: TurnContext, reason: HandoffReason, request: HandoffRequest = {}): Promise<HandoffOutcome> {
    ctx.conversation = await ctx.store.updateConversation(ctx.conversation.id, {
      status: 'needs_human',
      handoffReason: reason,
      ...(request.metadata ? { metadata: request.metadata } : {}),
    });
    if (!request.reply) return {};
    const reply: ReplyInput = {
      ...request.reply,
      action: 'handoff',
      handoff: { reason },
      sources: request.reply.sources ?? [],
      ...(request.confidence === undefined ? {} : { confidence: request.confidence }),
    };
    if (request.send === false) return { reply };
    return { reply, sent: await ctx.send(reply) };
  },
};
