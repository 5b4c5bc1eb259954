import type { MessageRecord } from '../../bot/core/index.js';

/** The customer message a bot message answers: its `replyToId`, else the last customer message before it. */
export function questionOf(messages: readonly MessageRecord[], index: number): MessageRecord | undefined {
  const reply = messages[index];
  const byId = reply?.activity.replyToId ? messages.find((m) => m.id === reply.activity.replyToId) : undefined;
  if (byId) return byId;
  return messages.slice(0, index).findLast((m) => m.role === 'customer');
}
