import { describe, expect, it } from '@jest/globals';
import type { ContractContext } from './fixtures.js';

/** The handoff part of the store contract: escalations (compare-and-set), corrections and handoff jobs. */
export function describeHandoffStorage({ store, newConversation }: ContractContext): void {
  describe('handoffs', () => {
    it('creates, finds and updates an escalation by conversation, desk thread and ticket', async () => {
      const conversation = await newConversation('handoff-user');
      const created = await store().handoffs.createHandoff({ conversationId: conversation.id, reason: 'customer_request' });
      expect(created).toMatchObject({ conversationId: conversation.id, status: 'waiting', reason: 'customer_request', desk: null, deskThread: null, claimedBy: null, reminders: 0, followUp: null, ticket: null });
      expect(await store().handoffs.activeHandoff(conversation.id)).toEqual(created);

      const thread = `slack:C0TEST:${created.id}`;
      const posted = await store().handoffs.updateHandoff(created.id, { desk: { desk: 'slack', channel: 'C0TEST', threadTs: '1.2' }, deskThread: thread, ticket: { system: 'zendesk', id: '42' } });
      expect(posted).toMatchObject({ deskThread: thread, desk: { channel: 'C0TEST' } });
      expect((await store().handoffs.findHandoffByThread(thread))?.id).toBe(created.id);
      expect((await store().handoffs.findHandoffByTicket('zendesk', '42'))?.id).toBe(created.id);
      expect(await store().handoffs.findHandoffByTicket('zendesk', '43')).toBeUndefined();
      expect((await store().handoffs.listActiveHandoffs()).map((h) => h.id)).toContain(created.id);

      const followUp = { why: 'unclaimed' as const, state: 'awaiting_email' as const, email: null, offeredAt: new Date().toISOString() };
      expect((await store().handoffs.updateHandoff(created.id, { followUp }))?.followUp).toEqual(followUp);
      expect(await store().handoffs.getHandoff('hof_missing')).toBeUndefined();
      expect(await store().handoffs.updateHandoff('hof_missing', { reminders: 1 })).toBeUndefined();
    });

    it('lets exactly one of two concurrent claims win, and keeps finished escalations out of the active ones', async () => {
      const conversation = await newConversation('claim-race');
      const handoff = await store().handoffs.createHandoff({ conversationId: conversation.id, reason: 'frustration' });
      const claim = (agent: string) => store().handoffs.updateHandoff(handoff.id, { status: 'claimed', claimedBy: agent }, ['waiting']);
      const results = await Promise.all([claim('U1'), claim('U2'), claim('U3')]);
      const winners = results.filter(Boolean);
      expect(winners).toHaveLength(1);
      expect((await store().handoffs.getHandoff(handoff.id))?.claimedBy).toBe(winners[0]?.claimedBy);

      await store().handoffs.updateHandoff(handoff.id, { status: 'resolved', closedAt: new Date().toISOString() }, ['claimed']);
      expect(await store().handoffs.activeHandoff(conversation.id)).toBeUndefined();
      expect((await store().handoffs.listActiveHandoffs()).map((h) => h.id)).not.toContain(handoff.id);
      const again = await store().handoffs.createHandoff({ conversationId: conversation.id, reason: 'customer_request' });
      expect((await store().handoffs.activeHandoff(conversation.id))?.id).toBe(again.id);
      expect((await store().handoffs.listHandoffs(conversation.id)).map((h) => h.id)).toEqual([handoff.id, again.id]);
    });

    it('deletes a conversation\'s escalations with it', async () => {
      const conversation = await newConversation('erase-me');
      const handoff = await store().handoffs.createHandoff({ conversationId: conversation.id, reason: 'vip' });
      await store().deleteConversation(conversation.id);
      expect(await store().handoffs.getHandoff(handoff.id)).toBeUndefined();
    });
  });

  describe('corrections', () => {
    it('stores who corrected what, lists newest first and reverts once', async () => {
      const base = { original: 'old', correctsTicketId: 'T-1', agent: 'U1', agentName: 'Alex', conversationId: null, messageId: null };
      const first = await store().handoffs.addCorrection({ ...base, question: 'q one?', corrected: 'new one' });
      const second = await store().handoffs.addCorrection({ ...base, question: 'q two?', corrected: 'new two' });
      expect(first).toMatchObject({ ...base, question: 'q one?', corrected: 'new one', revertedAt: null, revertedBy: null });
      expect(first.id).toMatch(/^corr_[0-9a-f]{32}$/);
      const listed = (await store().handoffs.listCorrections()).map((c) => c.id);
      expect(listed.indexOf(second.id)).toBeLessThan(listed.indexOf(first.id));

      const reverted = await store().handoffs.revertCorrection(first.id, 'lead');
      expect(reverted).toMatchObject({ id: first.id, revertedBy: 'lead' });
      expect(await store().handoffs.revertCorrection(first.id, 'lead')).toBeUndefined();
      expect((await store().handoffs.listCorrections()).map((c) => c.id)).not.toContain(first.id);
      expect((await store().handoffs.listCorrections({ includeReverted: true })).map((c) => c.id)).toContain(first.id);
      expect((await store().handoffs.getCorrection(first.id))?.revertedAt).toEqual(reverted?.revertedAt);
    });
  });

  describe('handoff jobs', () => {
    it('lists due pending jobs and keeps their attempts, errors and next time', async () => {
      const job = await store().handoffs.enqueueHandoffJob({ kind: 'contract_test', payload: { n: 1 } });
      expect(job).toMatchObject({ kind: 'contract_test', payload: { n: 1 }, status: 'pending', attempts: 0, lastError: null });
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await store().handoffs.listDueHandoffJobs(future, 100)).map((j) => j.id)).toContain(job.id);
      await store().handoffs.updateHandoffJob(job.id, { status: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect((await store().handoffs.listDueHandoffJobs(future, 100)).map((j) => j.id)).not.toContain(job.id);
      await store().handoffs.updateHandoffJob(job.id, { status: 'done', attempts: 2, lastError: null });
      expect((await store().handoffs.listDueHandoffJobs(new Date(Date.now() + 7_200_000).toISOString(), 100)).map((j) => j.id)).not.toContain(job.id);
    });
  });
}
