import { VERIFIED_USER_ID, type ConversationRecord, type MessageRecord, type OutboxRecord, type Store } from '../../bot/core/index.js';
import { WEBCHAT_CHANNEL } from './capabilities.js';

/** How many of a signed-in user's newest conversations `hello` looks through for messages held for them. */
const HELD_LOOKBACK_CONVERSATIONS = 5;

/**
 * The latest web chat conversation of signed-in user `userId` in `scope` (of their newest few) with messages still to
 * deliver: proactive messages (campaigns) sent while no socket of theirs was open wait in the outbox for it.
 */
export async function conversationHolding(store: Store, userId: string, scope: string | undefined): Promise<ConversationRecord | undefined> {
  const conversations = (await store.listConversationsByUser(userId))
    .filter((c) => c.channel === WEBCHAT_CHANNEL && c.metadata[VERIFIED_USER_ID] === userId && (c.scope ?? undefined) === scope)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, HELD_LOOKBACK_CONVERSATIONS);
  for (const conversation of conversations) {
    if ((await store.listUndeliveredFor(conversation.id)).length) return conversation;
  }
  return undefined;
}

/** Marks the held messages (`undelivered`) that the history just shown to the customer (`shown`) contains as delivered. */
export async function markHeldAsShown(store: Store, undelivered: readonly OutboxRecord[], shown: readonly MessageRecord[]): Promise<void> {
  const ids = new Set(shown.map((message) => message.id));
  for (const record of undelivered) if (ids.has(record.activity.id)) await store.markOutbound(record.id, 'sent');
}
