import { describe, expect, it } from '@jest/globals';
import { newId, type Activity } from '../../core/index.js';
import { message, type ContractContext } from './fixtures.js';

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const later = (ms: number): string => new Date(Date.now() + ms).toISOString();

/**
 * The exactly-once part of the store contract: accepting a message (inbox row + transcript entry, atomically), turn
 * leases (claim, heartbeat, expiry, recovery) and replies recorded once per position in their turn.
 */
export function describeLeaseStorage({ store, newConversation }: ContractContext): void {
  describe('accepted messages and turn leases', () => {
    it('accepts a message once, with its transcript entry, before any turn runs', async () => {
      const conversation = await newConversation();
      const channelMessageId = newId('SM');
      const activity = message(conversation.id, 'where is my order?', { channel: 'twilio', channelMessageId });
      const first = await store().acceptInbound(activity);
      expect(first).toEqual({ inboxId: expect.any(String), duplicate: false, status: 'accepted', activityId: activity.id });
      // A redelivery (new Parley id, same channel id) stores nothing more.
      const again = await store().acceptInbound({ ...activity, id: newId('act') });
      expect(again).toEqual({ inboxId: first.inboxId, duplicate: true, status: 'accepted', activityId: activity.id });
      expect((await store().listMessages(conversation.id)).map((m) => [m.id, m.text])).toEqual([[activity.id, 'where is my order?']]);
      expect(await store().getInbound(first.inboxId)).toMatchObject({ status: 'accepted' });
    });

    it('leaves neither the inbox row nor the transcript entry behind when the accept fails', async () => {
      const conversation = await newConversation();
      const taken = message(conversation.id, 'first');
      await store().acceptInbound(taken);
      // Same activity id as a stored message (transcript insert fails) under a new channel message id.
      const clash = { ...taken, channelMessageId: newId('other'), text: 'second' };
      // Matched on the message: the driver's error may come from another realm than jest's (native module).
      await expect(store().acceptInbound(clash)).rejects.toMatchObject({ message: expect.stringMatching(/unique|duplicate/i) });
      const retry = await store().acceptInbound({ ...clash, id: newId('act') });
      expect(retry.duplicate).toBe(false);
      expect((await store().listMessages(conversation.id)).map((m) => m.text)).toEqual(['first', 'second']);
    });

    it('refuses a message of a conversation that does not exist with conversation_not_found, storing nothing', async () => {
      const activity = message(newId('conv'), 'hello?', { channel: 'twilio', channelMessageId: newId('SM') });
      await expect(store().acceptInbound(activity)).rejects.toMatchObject({ code: 'conversation_not_found' });
      // Nothing was kept: the same message for a conversation that exists is a first delivery.
      const conversation = await newConversation();
      expect((await store().acceptInbound({ ...activity, conversationId: conversation.id })).duplicate).toBe(false);
    });

    it('claims a message as it accepts it under a lease when nothing else of its conversation is unfinished (SQLite only)', async () => {
      const conversation = await newConversation();
      const first = message(conversation.id, 'one', { channel: 'webchat', channelMessageId: newId('cm') });
      const claimed = await store().acceptInbound(first, { owner: 'a', ttlMs: 150 });
      if (store().kind === 'postgres') {
        // Concurrent writers: accepted as without a lease, and claimed as usual.
        expect(claimed).toEqual({ inboxId: expect.any(String), duplicate: false, status: 'accepted', activityId: first.id });
        expect(await store().claimInbound(claimed.inboxId, { owner: 'a', ttlMs: 10_000 })).toEqual({ attempts: 1 });
        return;
      }
      expect(claimed).toEqual({ inboxId: expect.any(String), duplicate: false, status: 'processing', activityId: first.id, claimedAttempts: 1 });
      expect((await store().listMessages(conversation.id)).map((m) => m.id)).toEqual([first.id]);
      // The lease is held as after claimInbound: nobody else takes it while it lives, and its fence ends the turn.
      expect(await store().claimInbound(claimed.inboxId, { owner: 'b', ttlMs: 150 })).toBeUndefined();
      // A second message while the first is unfinished is only accepted (its turn is claimed after the first one's).
      const second = await store().acceptInbound(message(conversation.id, 'two', { channel: 'webchat' }), { owner: 'a', ttlMs: 10_000 });
      expect(second).toMatchObject({ duplicate: false, status: 'accepted' });
      expect(second.claimedAttempts).toBeUndefined();
      // A redelivery is a duplicate, never claimed.
      const again = await store().acceptInbound({ ...first, id: newId('act') }, { owner: 'c', ttlMs: 10_000 });
      expect(again).toEqual({ inboxId: claimed.inboxId, duplicate: true, status: 'processing', activityId: first.id });
      expect(await store().finishTurn({ inboxId: claimed.inboxId, status: 'done', fence: { owner: 'a', attempts: 1 }, sent: [] })).toBe(true);
      expect(await store().claimInbound(second.inboxId, { owner: 'a', ttlMs: 10_000 })).toEqual({ attempts: 1 });
      // Expired without a renewal, the claim taken at accept is taken over like any other.
      const third = await store().acceptInbound(message((await newConversation()).id, 'three'), { owner: 'a', ttlMs: 100 });
      expect(third.claimedAttempts).toBe(1);
      await delay(200);
      expect(await store().claimInbound(third.inboxId, { owner: 'd', ttlMs: 10_000 })).toEqual({ attempts: 2 });
      expect(await store().finishTurn({ inboxId: third.inboxId, status: 'done', fence: { owner: 'a', attempts: 1 }, sent: [] })).toBe(false);
    });

    it('gives the lease to one owner at a time, until it expires', async () => {
      const conversation = await newConversation();
      const { inboxId } = await store().acceptInbound(message(conversation.id, 'hello'));
      const claims = await Promise.all(['a', 'b', 'c'].map((owner) => store().claimInbound(inboxId, { owner, ttlMs: 150 })));
      expect(claims.filter(Boolean)).toEqual([{ attempts: 1 }]);
      expect(await store().getInbound(inboxId)).toMatchObject({ status: 'processing' });
      expect(await store().claimInbound(inboxId, { owner: 'd', ttlMs: 150 })).toBeUndefined();
      await delay(250);
      // The owner stopped renewing (its process died): another one takes the turn over.
      expect(await store().claimInbound(inboxId, { owner: 'd', ttlMs: 10_000 })).toEqual({ attempts: 2 });
      expect(await store().claimInbound(inboxId, { owner: 'a', ttlMs: 10_000 })).toBeUndefined();
    });

    it('renews a lease only for its owner, and keeps a renewed lease alive', async () => {
      const conversation = await newConversation();
      const { inboxId } = await store().acceptInbound(message(conversation.id, 'hello'));
      await store().claimInbound(inboxId, { owner: 'owner', ttlMs: 200 });
      expect(await store().renewInboundLease(inboxId, { owner: 'intruder', ttlMs: 200 })).toBe(false);
      for (let i = 0; i < 3; i++) {
        await delay(100);
        expect(await store().renewInboundLease(inboxId, { owner: 'owner', ttlMs: 200 })).toBe(true);
      }
      expect(await store().claimInbound(inboxId, { owner: 'intruder', ttlMs: 200 })).toBeUndefined();
      await store().completeInbound(inboxId, 'done');
      expect(await store().renewInboundLease(inboxId, { owner: 'owner', ttlMs: 200 })).toBe(false);
      expect(await store().claimInbound(inboxId, { owner: 'owner', ttlMs: 200 })).toBeUndefined();
    });

    it('fences a run whose lease was taken over: its completion is refused, the new run\'s is kept', async () => {
      const conversation = await newConversation();
      const { inboxId } = await store().acceptInbound(message(conversation.id, 'a long question'));
      expect(await store().claimInbound(inboxId, { owner: 'stale', ttlMs: 100 })).toEqual({ attempts: 1 });
      await delay(200);
      // The stale owner's process paused past its lease (a GC pause, a lost network): another run takes over.
      expect(await store().claimInbound(inboxId, { owner: 'fresh', ttlMs: 10_000 })).toEqual({ attempts: 2 });
      expect(await store().renewInboundLease(inboxId, { owner: 'stale', ttlMs: 10_000 })).toBe(false);
      expect(await store().completeInbound(inboxId, 'failed', 'stale run', { owner: 'stale', attempts: 1 })).toBe(false);
      expect(await store().getInbound(inboxId)).toMatchObject({ status: 'processing' });
      // The same owner with an older claim number is stale too (it re-claimed since).
      expect(await store().completeInbound(inboxId, 'done', undefined, { owner: 'fresh', attempts: 1 })).toBe(false);
      expect(await store().completeInbound(inboxId, 'done', undefined, { owner: 'fresh', attempts: 2 })).toBe(true);
      expect(await store().getInbound(inboxId)).toMatchObject({ status: 'done' });
      expect(await store().completeInbound(inboxId, 'done', undefined, { owner: 'fresh', attempts: 2 })).toBe(false);
    });

    it('finishes a turn in one step: replies marked sent, the inbox row done and the dialog state saved, only under its fence', async () => {
      const conversation = await newConversation('erin', 'webchat');
      const { inboxId } = await store().acceptInbound(message(conversation.id, 'question', { channel: 'webchat' }));
      const reply = (text: string): Activity => message(conversation.id, text, { role: 'bot', channel: 'webchat', action: 'answer', sources: [] });
      expect(await store().claimInbound(inboxId, { owner: 'stale', ttlMs: 50 })).toEqual({ attempts: 1 });
      const first = await store().recordReply({ inboxId, index: 0, activity: reply('the answer') });
      const second = await store().recordReply({ inboxId, index: 1, activity: reply('anything else?') });
      await store().saveDialogState(conversation.id, { stack: ['before'] });
      await delay(100);
      expect(await store().claimInbound(inboxId, { owner: 'fresh', ttlMs: 10_000 })).toEqual({ attempts: 2 });

      // The stale run delivered its first reply: that is recorded, but it neither ends the turn nor writes the state.
      expect(await store().finishTurn({ inboxId, status: 'done', fence: { owner: 'stale', attempts: 1 }, sent: [first.record.id], dialogState: { conversationId: conversation.id, state: { stack: ['stale'] } } })).toBe(false);
      expect(await store().getInbound(inboxId)).toMatchObject({ status: 'processing' });
      expect(await store().getDialogState(conversation.id)).toEqual({ stack: ['before'] });
      expect((await store().listOutboundFor(inboxId)).map((o) => [o.status, o.attempts])).toEqual([['sent', 1], ['pending', 0]]);

      // Card numbers are masked in the saved state, as saveDialogState does.
      const state = { stack: [{ dialogId: 'form', state: { card: '4111 1111 1111 1111' } }] };
      expect(await store().finishTurn({ inboxId, status: 'done', fence: { owner: 'fresh', attempts: 2 }, sent: [second.record.id], dialogState: { conversationId: conversation.id, state } })).toBe(true);
      expect(await store().getInbound(inboxId)).toMatchObject({ status: 'done' });
      expect(JSON.stringify(await store().getDialogState(conversation.id))).not.toContain('4111 1111 1111 1111');
      expect(await store().getDialogState(conversation.id)).toMatchObject({ stack: [{ dialogId: 'form' }] });
      expect((await store().listOutboundFor(inboxId)).map((o) => o.status)).toEqual(['sent', 'sent']);
      expect(await store().listUndeliveredFor(conversation.id)).toEqual([]);

      // Without a state and with nothing sent, a failed turn ends and keeps the state it had.
      const { inboxId: next } = await store().acceptInbound(message(conversation.id, 'another', { channel: 'webchat' }));
      expect(await store().claimInbound(next, { owner: 'fresh', ttlMs: 10_000 })).toEqual({ attempts: 1 });
      expect(await store().finishTurn({ inboxId: next, status: 'failed', error: 'boom', fence: { owner: 'fresh', attempts: 1 }, sent: [] })).toBe(true);
      expect(await store().getInbound(next)).toMatchObject({ status: 'failed' });
      expect(await store().getDialogState(conversation.id)).toMatchObject({ stack: [{ dialogId: 'form' }] });
    });

    it('keeps a conversation\'s turns in order across owners: no claim while an earlier turn runs under a live lease', async () => {
      const conversation = await newConversation();
      const other = await newConversation();
      const first = await store().acceptInbound(message(conversation.id, 'first'));
      const second = await store().acceptInbound(message(conversation.id, 'second'));
      const elsewhere = await store().acceptInbound(message(other.id, 'another conversation'));
      expect(await store().claimInbound(first.inboxId, { owner: 'a', ttlMs: 10_000 })).toEqual({ attempts: 1 });
      // Even without the conversation lock (lost with its connection), the second turn waits for the first.
      expect(await store().claimInbound(second.inboxId, { owner: 'b', ttlMs: 10_000 })).toBeUndefined();
      expect(await store().claimInbound(elsewhere.inboxId, { owner: 'b', ttlMs: 10_000 })).toEqual({ attempts: 1 });
      expect(await store().completeInbound(first.inboxId, 'done', undefined, { owner: 'a', attempts: 1 })).toBe(true);
      expect(await store().claimInbound(second.inboxId, { owner: 'b', ttlMs: 10_000 })).toEqual({ attempts: 1 });
    });

    it('does not hold a later turn behind an earlier one whose owner died (its lease expired)', async () => {
      const conversation = await newConversation();
      const first = await store().acceptInbound(message(conversation.id, 'first'));
      const second = await store().acceptInbound(message(conversation.id, 'second'));
      await store().claimInbound(first.inboxId, { owner: 'dead', ttlMs: 50 });
      await delay(120);
      expect(await store().claimInbound(second.inboxId, { owner: 'b', ttlMs: 10_000 })).toEqual({ attempts: 1 });
    });

    it('lists accepted messages past the grace period and expired leases for recovery, oldest first', async () => {
      const conversation = await newConversation();
      const accepted = await store().acceptInbound(message(conversation.id, 'never started'));
      const expired = await store().acceptInbound(message(conversation.id, 'process died'));
      const live = await store().acceptInbound(message(conversation.id, 'still running'));
      const done = await store().acceptInbound(message(conversation.id, 'answered'));
      await store().claimInbound(expired.inboxId, { owner: 'dead', ttlMs: 1 });
      // Past the dead owner's lease, so that the later turns of the conversation may be claimed.
      await delay(5);
      await store().claimInbound(live.inboxId, { owner: 'alive', ttlMs: 60_000 });
      await store().claimInbound(done.inboxId, { owner: 'alive', ttlMs: 60_000 });
      await store().completeInbound(done.inboxId, 'done');
      await delay(20);
      const mine = new Set([accepted.inboxId, expired.inboxId, live.inboxId, done.inboxId]);
      const listed = async (acceptedBefore: string) =>
        (await store().listRecoverableInbound({ acceptedBefore, limit: 10_000 })).filter((row) => mine.has(row.inboxId));

      const now = await listed(later(60_000));
      expect(now.map((row) => [row.inboxId, row.status])).toEqual([
        [accepted.inboxId, 'accepted'],
        [expired.inboxId, 'processing'],
      ]);
      expect(now[0]?.activity).toMatchObject({ conversationId: conversation.id, text: 'never started', from: { role: 'customer' } });
      // An accepted message younger than the grace period is still being started by its request.
      expect((await listed(new Date(Date.now() - 60_000).toISOString())).map((row) => row.inboxId)).toEqual([expired.inboxId]);
    });

    it('records each reply of a turn once, with its transcript entry, by its position in the turn', async () => {
      const conversation = await newConversation('dana', 'webchat');
      const { inboxId } = await store().acceptInbound(message(conversation.id, 'question', { channel: 'webchat' }));
      const reply = (text: string): Activity => message(conversation.id, text, { role: 'bot', channel: 'webchat', action: 'answer', sources: [] });
      const first = await store().recordReply({ inboxId, index: 0, activity: reply('the answer') });
      expect(first.duplicate).toBe(false);
      expect(first.record).toMatchObject({ inboxId, conversationId: conversation.id, status: 'pending', attempts: 0 });
      await store().markOutbound(first.record.id, 'sent');

      // The same turn run again after a crash: its first reply is the one already recorded (and sent).
      const rerun = await store().recordReply({ inboxId, index: 0, activity: reply('a different wording') });
      expect(rerun).toMatchObject({ duplicate: true, record: { id: first.record.id, status: 'sent', activity: { text: 'the answer' } } });
      const second = await store().recordReply({ inboxId, index: 1, activity: reply('anything else?') });
      expect(second.duplicate).toBe(false);

      expect((await store().listOutboundFor(inboxId)).map((o) => o.activity.text)).toEqual(['the answer', 'anything else?']);
      expect((await store().listMessages(conversation.id)).map((m) => m.text)).toEqual(['question', 'the answer', 'anything else?']);
      const concurrent = await Promise.all([2, 2, 2].map((index) => store().recordReply({ inboxId, index, activity: reply('once') })));
      expect(concurrent.filter((r) => !r.duplicate)).toHaveLength(1);
      expect((await store().listMessages(conversation.id)).filter((m) => m.text === 'once')).toHaveLength(1);
    });
  });
}
