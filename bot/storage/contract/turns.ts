import { describe, expect, it } from '@jest/globals';
import { newId, ParleyError, type Activity } from '../../core/index.js';
import { message, rejection, type ContractContext } from './fixtures.js';

/** The turn-path part of the store contract: migrations, conversations, transcripts, dialog state, inbox, outbox. */
export function describeTurnStorage({ store, newConversation }: ContractContext): void {
  describe('migrate', () => {
    it('is idempotent and keeps existing data', async () => {
      const conversation = await newConversation();
      await store().migrate();
      await store().migrate();
      expect(await store().getConversation(conversation.id)).toEqual(conversation);
      expect(['sqlite', 'postgres']).toContain(store().kind);
    });
  });

  describe('conversations', () => {
    it('creates an open conversation and reads it back', async () => {
      const created = await store().createConversation({ userId: 'alice', channel: 'webchat', metadata: { locale: 'en', n: 1 } });
      expect(created).toMatchObject({ userId: 'alice', channel: 'webchat', status: 'open', handoffReason: null, metadata: { locale: 'en', n: 1 } });
      expect(created.id).toMatch(/\S/);
      expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);
      expect(created.updatedAt).toBe(created.createdAt);
      expect(await store().getConversation(created.id)).toEqual(created);

      const other = await store().createConversation({ userId: 'alice', channel: 'webchat' });
      expect(other.id).not.toBe(created.id);
      expect(other.metadata).toEqual({});
    });

    it('returns undefined for an unknown conversation', async () => {
      expect(await store().getConversation('conv_does_not_exist')).toBeUndefined();
    });

    it('updates status and handoff reason and merges metadata', async () => {
      const created = await store().createConversation({ userId: 'bob', channel: 'test', metadata: { a: 1, b: 'keep' } });
      const handedOff = await store().updateConversation(created.id, { status: 'needs_human', handoffReason: 'customer_request', metadata: { a: 2, c: [1, 2] } });
      expect(handedOff).toMatchObject({ id: created.id, status: 'needs_human', handoffReason: 'customer_request', metadata: { a: 2, b: 'keep', c: [1, 2] } });
      expect(handedOff.createdAt).toBe(created.createdAt);
      expect(Date.parse(handedOff.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
      expect(await store().getConversation(created.id)).toEqual(handedOff);

      // Omitted fields stay as they are.
      const metadataOnly = await store().updateConversation(created.id, { metadata: { d: true } });
      expect(metadataOnly).toMatchObject({ status: 'needs_human', handoffReason: 'customer_request', metadata: { a: 2, b: 'keep', c: [1, 2], d: true } });

      // An explicit null clears the reason.
      const reopened = await store().updateConversation(created.id, { status: 'open', handoffReason: null });
      expect(reopened).toMatchObject({ status: 'open', handoffReason: null, metadata: { a: 2, b: 'keep', c: [1, 2], d: true } });
      expect(await store().getConversation(created.id)).toEqual(reopened);
    });

    it('rejects updating an unknown conversation with conversation_not_found', async () => {
      const error = await rejection(store().updateConversation('conv_missing', { status: 'closed' }));
      expect(error).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code).toBe('conversation_not_found');
    });
  });

  describe('messages', () => {
    it('appends messages and lists them in order with their activities', async () => {
      const conversation = await newConversation();
      const first = message(conversation.id, 'where is my order?');
      const reply = message(conversation.id, 'It ships tomorrow.', {
        role: 'bot',
        action: 'answer',
        sources: [{ id: 't-1', score: 0.87, metadata: { title: 'Shipping' } }],
        quickReplies: ['Thanks', 'Talk to a person'],
        replyToId: first.id,
      });
      const agent = message(conversation.id, 'Hi, Sam here.', { role: 'agent' });

      const record = await store().appendMessage(first);
      expect(record).toMatchObject({ id: first.id, conversationId: conversation.id, role: 'customer', text: 'where is my order?', channel: 'test', createdAt: first.timestamp });
      await store().appendMessage(reply);
      await store().appendMessage(agent);

      const listed = await store().listMessages(conversation.id);
      expect(listed.map((m) => [m.id, m.role, m.text])).toEqual([
        [first.id, 'customer', 'where is my order?'],
        [reply.id, 'bot', 'It ships tomorrow.'],
        [agent.id, 'agent', 'Hi, Sam here.'],
      ]);
      expect(listed[1]?.activity).toMatchObject({
        action: 'answer',
        sources: [{ id: 't-1', score: 0.87, metadata: { title: 'Shipping' } }],
        quickReplies: ['Thanks', 'Talk to a person'],
        replyToId: first.id,
      });
      expect(listed[0]?.activity).toEqual(first);
    });

    it('lists nothing for a conversation without messages', async () => {
      const conversation = await newConversation();
      expect(await store().listMessages(conversation.id)).toEqual([]);
    });

    it('keeps each conversation in insertion order when many are appended concurrently', async () => {
      const conversations = await Promise.all(Array.from({ length: 6 }, () => newConversation()));
      const expected = new Map<string, string[]>();
      // All conversations write at once; each one's messages are appended one after the other, as its turns are.
      await Promise.all(
        conversations.map(async (conversation) => {
          const ids: string[] = [];
          expected.set(conversation.id, ids);
          for (let i = 0; i < 15; i++) {
            const activity = message(conversation.id, `message ${i}`, { role: i % 2 ? 'bot' : 'customer' });
            ids.push(activity.id);
            await store().appendMessage(activity);
          }
        }),
      );
      for (const conversation of conversations) {
        const listed = await store().listMessages(conversation.id);
        expect(listed.map((m) => m.id)).toEqual(expected.get(conversation.id));
        expect(listed.map((m) => m.text)).toEqual(Array.from({ length: 15 }, (_, i) => `message ${i}`));
      }
    });

    it('loses nothing when one conversation gets many messages at once', async () => {
      const conversation = await newConversation();
      const activities = Array.from({ length: 30 }, (_, i) => message(conversation.id, `burst ${i}`));
      const records = await Promise.all(activities.map((a) => store().appendMessage(a)));
      expect(records.map((r) => r.id)).toEqual(activities.map((a) => a.id));
      const listed = await store().listMessages(conversation.id);
      expect(listed).toHaveLength(30);
      expect(new Set(listed.map((m) => m.id))).toEqual(new Set(activities.map((a) => a.id)));
      // The transcript order is stable from one read to the next.
      expect((await store().listMessages(conversation.id)).map((m) => m.id)).toEqual(listed.map((m) => m.id));
    });

    it('does not persist raw payloads or attachment data', async () => {
      const conversation = await newConversation();
      const activity = message(conversation.id, 'here is a photo', {
        raw: { secret: 'signing-secret', body: 'x'.repeat(100) },
        attachments: [{ contentType: 'image/png', name: 'shirt.png', url: 'https://example.com/shirt.png', data: new Uint8Array([1, 2, 3]) }],
      });
      const record = await store().appendMessage(activity);
      const [listed] = await store().listMessages(conversation.id);
      for (const stored of [record.activity, listed?.activity]) {
        expect(stored).toBeDefined();
        expect(stored).not.toHaveProperty('raw');
        expect(stored?.attachments).toEqual([{ contentType: 'image/png', name: 'shirt.png', url: 'https://example.com/shirt.png' }]);
        expect(JSON.stringify(stored)).not.toContain('signing-secret');
        expect(stored?.text).toBe('here is a photo');
      }
      // The caller's activity is left as it was.
      expect(activity.raw).toBeDefined();
      expect(activity.attachments?.[0]?.data).toEqual(new Uint8Array([1, 2, 3]));

      const outbound = await store().enqueueOutbound({ inboxId: null, activity: { ...activity, id: newId('act') } });
      expect(outbound.activity).not.toHaveProperty('raw');
      expect(outbound.activity.attachments?.[0]).not.toHaveProperty('data');
    });
  });

  describe('dialog state', () => {
    it('saves, overwrites and reads state per conversation', async () => {
      const conversation = await newConversation();
      const other = await newConversation();
      expect(await store().getDialogState(conversation.id)).toBeUndefined();

      const state = { stack: [{ id: 'order-status', step: 1, values: { order: 'A-1', tags: ['x'] } }], version: 1 };
      await store().saveDialogState(conversation.id, state);
      expect(await store().getDialogState(conversation.id)).toEqual(state);

      await store().saveDialogState(conversation.id, { stack: [], version: 2 });
      expect(await store().getDialogState(conversation.id)).toEqual({ stack: [], version: 2 });

      expect(await store().getDialogState(other.id)).toBeUndefined();
      await store().saveDialogState(other.id, 'plain string');
      expect(await store().getDialogState(other.id)).toBe('plain string');
      expect(await store().getDialogState(conversation.id)).toEqual({ stack: [], version: 2 });
    });
  });

  describe('inbox', () => {
    it('records a channel message once; a second delivery is a duplicate with the same inbox id', async () => {
      const conversation = await newConversation();
      const channelMessageId = newId('wamid');
      const first = await store().receiveInbound(message(conversation.id, 'hello', { channel: 'twilio', channelMessageId }));
      expect(first).toEqual({ inboxId: expect.any(String), duplicate: false, status: 'processing' });

      // A redelivery is a new activity (new Parley id) carrying the same channel message id.
      const second = await store().receiveInbound(message(conversation.id, 'hello', { channel: 'twilio', channelMessageId }));
      expect(second).toEqual({ inboxId: first.inboxId, duplicate: true, status: 'processing' });

      await store().completeInbound(first.inboxId, 'done');
      const third = await store().receiveInbound(message(conversation.id, 'hello', { channel: 'twilio', channelMessageId }));
      expect(third).toEqual({ inboxId: first.inboxId, duplicate: true, status: 'done' });
    });

    it('treats the same channel message id on another channel as a new message', async () => {
      const conversation = await newConversation();
      const channelMessageId = newId('m');
      const onSlack = await store().receiveInbound(message(conversation.id, 'hi', { channel: 'slack', channelMessageId }));
      const onEmail = await store().receiveInbound(message(conversation.id, 'hi', { channel: 'email', channelMessageId }));
      expect(onSlack.duplicate).toBe(false);
      expect(onEmail.duplicate).toBe(false);
      expect(onEmail.inboxId).not.toBe(onSlack.inboxId);
    });

    it('falls back to the activity id when there is no channel message id', async () => {
      const conversation = await newConversation();
      const activity = message(conversation.id, 'no channel id', { channelMessageId: undefined });
      const first = await store().receiveInbound(activity);
      const again = await store().receiveInbound({ ...activity });
      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ inboxId: first.inboxId, duplicate: true });
    });

    it('lets exactly one of 20 concurrent deliveries of one message through', async () => {
      const conversation = await newConversation();
      const channelMessageId = newId('concurrent');
      const receipts = await Promise.all(
        Array.from({ length: 20 }, () => store().receiveInbound(message(conversation.id, 'same', { channel: 'webchat', channelMessageId }))),
      );
      expect(receipts.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(receipts.map((r) => r.inboxId)).size).toBe(1);
    });

    it('completes inbound messages and reads their status', async () => {
      const conversation = await newConversation();
      expect(await store().getInbound('in_unknown')).toBeUndefined();

      const ok = await store().receiveInbound(message(conversation.id, 'one'));
      const bad = await store().receiveInbound(message(conversation.id, 'two'));
      expect(await store().getInbound(ok.inboxId)).toMatchObject({ inboxId: ok.inboxId, status: 'processing' });

      await store().completeInbound(ok.inboxId, 'done');
      await store().completeInbound(bad.inboxId, 'failed', 'handler exploded');
      expect(await store().getInbound(ok.inboxId)).toMatchObject({ inboxId: ok.inboxId, status: 'done' });
      expect(await store().getInbound(bad.inboxId)).toMatchObject({ inboxId: bad.inboxId, status: 'failed' });
    });
  });

  describe('outbox', () => {
    it('enqueues replies as pending and marks them sent or failed', async () => {
      const conversation = await newConversation('carol', 'webchat');
      const inbox = await store().receiveInbound(message(conversation.id, 'question', { channel: 'webchat' }));
      const replies = [1, 2, 3].map((n) => message(conversation.id, `reply ${n}`, { role: 'bot', channel: 'webchat', action: 'answer', sources: [] }));

      const first = await store().enqueueOutbound({ inboxId: inbox.inboxId, activity: replies[0] as Activity });
      expect(first).toMatchObject({ inboxId: inbox.inboxId, conversationId: conversation.id, channel: 'webchat', status: 'pending', attempts: 0 });
      expect(first.activity).toEqual(replies[0]);
      expect(Number.isNaN(Date.parse(first.createdAt))).toBe(false);
      const second = await store().enqueueOutbound({ inboxId: inbox.inboxId, activity: replies[1] as Activity });
      const third = await store().enqueueOutbound({ inboxId: inbox.inboxId, activity: replies[2] as Activity });
      expect(new Set([first.id, second.id, third.id]).size).toBe(3);

      await store().markOutbound(first.id, 'sent');
      await store().markOutbound(second.id, 'failed', 'socket closed');

      const listed = await store().listOutboundFor(inbox.inboxId);
      expect(listed.map((o) => [o.id, o.status, o.attempts, o.activity.text])).toEqual([
        [first.id, 'sent', 1, 'reply 1'],
        [second.id, 'failed', 1, 'reply 2'],
        [third.id, 'pending', 0, 'reply 3'],
      ]);

      // A retry counts another attempt.
      await store().markOutbound(second.id, 'sent');
      expect((await store().listOutboundFor(inbox.inboxId))[1]).toMatchObject({ id: second.id, status: 'sent', attempts: 2 });
      expect(await store().listOutboundFor('in_unknown')).toEqual([]);
    });

    it('lists undelivered replies (pending or failed) oldest first, up to the limit', async () => {
      const conversation = await newConversation();
      const records = [];
      for (let n = 0; n < 5; n++) {
        records.push(await store().enqueueOutbound({ inboxId: null, activity: message(conversation.id, `proactive ${n}`, { role: 'agent' }) }));
      }
      expect(records[0]?.inboxId).toBeNull();
      await store().markOutbound(records[1]?.id as string, 'sent');
      await store().markOutbound(records[2]?.id as string, 'failed', 'timeout');
      // A dropped reply (e.g. the customer opted out) is never delivered later.
      await store().markOutbound(records[4]?.id as string, 'dropped', 'opted_out');

      const mine = new Set(records.map((r) => r.id));
      const pending = (await store().listPendingOutbound(10_000)).filter((o) => mine.has(o.id));
      expect(pending.map((o) => [o.id, o.status])).toEqual([
        [records[0]?.id, 'pending'],
        [records[2]?.id, 'failed'],
        [records[3]?.id, 'pending'],
      ]);
      expect(await store().listPendingOutbound(1)).toHaveLength(1);
      expect((await store().listPendingOutbound(2)).every((o) => o.status !== 'sent')).toBe(true);
      // Replies that used up their attempts are left out, so they cannot crowd out ones still worth retrying.
      const retryable = (await store().listPendingOutbound(10_000, 1)).filter((o) => mine.has(o.id));
      expect(retryable.map((o) => o.id)).toEqual([records[0]?.id, records[3]?.id]);
      // One conversation's undelivered replies, whatever their attempts (web chat shows them when the customer is back).
      const other = await newConversation();
      await store().enqueueOutbound({ inboxId: null, activity: message(other.id, 'elsewhere', { role: 'agent' }) });
      expect((await store().listUndeliveredFor(conversation.id)).map((o) => o.id)).toEqual([records[0]?.id, records[2]?.id, records[3]?.id]);
      expect(await store().listUndeliveredFor('conv_unknown')).toEqual([]);
    });
  });
}
