import type { ConversationRecord, HandoffRequest, TurnContext } from '../../bot/core/index.js';
import { handoffReply } from '../replies.js';
import type { HandoffTrigger, PreviousTurn } from './policy.js';
import type { HandoffReach } from './reach.js';

/**
 * Conversation metadata key of the number of failed answers so far (persisted, so it survives restarts). It counts
 * over the whole conversation; whatever returns a conversation from a person to the bot may reset it to 0.
 */
export const FAILURES_KEY = 'handoffFailures';
/** Conversation metadata key of the sensitive topic of the last handoff (`legal`, `safety`, `refund`), else null. */
export const TOPIC_KEY = 'handoffTopic';
/** Conversation metadata key of what made the last trigger fire (matched words, score, failures, amount). */
export const DETAILS_KEY = 'handoffDetails';

/** Failed answers counted so far in the conversation. */
export function failuresSoFar(conversation: ConversationRecord): number {
  const value = conversation.metadata[FAILURES_KEY];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Stores the failure count on the conversation (a no-op when unchanged). */
export async function saveFailures(ctx: TurnContext, failures: number): Promise<void> {
  if (failuresSoFar(ctx.conversation) === failures) return;
  ctx.conversation = await ctx.store.updateConversation(ctx.conversation.id, { metadata: { [FAILURES_KEY]: failures } });
}

/**
 * The bot's last reply before this turn, with the customer message it answered and the ticket it cited, read from the
 * transcript (so answers from any dialog count, and nothing extra has to be stored); undefined before the first reply.
 */
export async function previousTurn(ctx: TurnContext): Promise<PreviousTurn | undefined> {
  const messages = await ctx.transcript();
  const reply = messages.findLast((m) => m.role === 'bot' && m.activity.replyToId !== ctx.activity.id);
  if (!reply) return undefined;
  const previous: PreviousTurn = { action: reply.activity.action ?? 'answer' };
  // A transcript entry's id is its activity's id.
  const question = messages.find((m) => m.id === reply.activity.replyToId);
  if (question) previous.question = question.text;
  const ticketId = reply.activity.sources?.[0]?.id;
  if (ticketId && previous.action === 'answer') previous.ticketId = ticketId;
  if (previous.action === 'clarify') {
    const answer = messages.slice(0, messages.indexOf(reply)).findLast((m) => m.role === 'bot' && (m.activity.action ?? 'answer') === 'answer' && m.activity.sources?.[0]);
    const last = answer?.activity.sources?.[0]?.id;
    if (last) previous.lastAnswerTicketId = last;
  }
  return previous;
}

/**
 * The {@link handoff.request} of a trigger that fired: its reason, the trigger's details and, for sensitive topics, the
 * topic for the conversation metadata, and the reply telling the customer what happens next — with an apology first
 * when they sound frustrated, and in the customer's `language` where Parley has the reply; honest about a `reach`
 * without a desk (see {@link handoffReply}).
 */
export function triggerRequest(
  trigger: HandoffTrigger,
  options: { frustrated?: boolean; confidence?: number; language?: string; reach?: HandoffReach; help?: string } = {},
): HandoffRequest & { reason: HandoffTrigger['reason'] } {
  const topic = trigger.reason === 'sensitive_topic' && typeof trigger.details.topic === 'string' ? trigger.details.topic : undefined;
  const amount = (trigger.details.amount as { text?: unknown } | undefined)?.text;
  const reply = handoffReply(trigger.reason, {
    ...(topic ? { topic } : {}),
    ...(typeof amount === 'string' ? { amount } : {}),
    ...(options.frustrated ? { apologize: true } : {}),
    ...(options.language ? { language: options.language } : {}),
    ...(options.reach ? { reach: options.reach } : {}),
    ...(options.help ? { help: options.help } : {}),
  });
  return { reason: trigger.reason, reply, confidence: options.confidence, metadata: { [TOPIC_KEY]: topic ?? null, [DETAILS_KEY]: trigger.details } };
}
