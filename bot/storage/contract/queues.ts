import { describe, expect, it } from '@jest/globals';
import type { QueueName, Store } from '../../core/index.js';
import { message, type ContractContext } from './fixtures.js';

async function depthOf(store: Store, queue: QueueName): Promise<{ depth: number; oldestAt: string | null }> {
  const found = (await store.queueDepths()).find((q) => q.queue === queue);
  if (!found) throw new Error(`queueDepths() has no ${queue} entry`);
  return found;
}

/** The store contract for the queue depths that `/metrics` reports. */
export function describeQueueStorage({ store, newConversation }: ContractContext): void {
  describe('queue depths', () => {
    it('reports every queue, counting unfinished turns and undelivered replies until they are done', async () => {
      expect((await store().queueDepths()).map((q) => q.queue).sort()).toEqual(['handoff_jobs', 'inbox', 'outbox']);
      const conversation = await newConversation();
      const inboxBefore = (await depthOf(store(), 'inbox')).depth;
      const outboxBefore = (await depthOf(store(), 'outbox')).depth;

      const inbound = message(conversation.id, 'where is my order?');
      const { inboxId } = await store().acceptInbound(inbound);
      const waiting = await depthOf(store(), 'inbox');
      expect(waiting.depth).toBe(inboxBefore + 1);
      expect(Number.isNaN(Date.parse(waiting.oldestAt ?? ''))).toBe(false);

      const { record } = await store().recordReply({ inboxId, index: 0, activity: message(conversation.id, 'it ships today', { role: 'bot' }) });
      expect((await depthOf(store(), 'outbox')).depth).toBe(outboxBefore + 1);
      await store().markOutbound(record.id, 'sent');
      await store().completeInbound(inboxId, 'done');
      expect((await depthOf(store(), 'outbox')).depth).toBe(outboxBefore);
      expect((await depthOf(store(), 'inbox')).depth).toBe(inboxBefore);
    });
  });
}
