import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { conversationFor, newId, ParleyError, type Activity, type Role, type Store, type TicketRecord } from '../core/index.js';

/** An opened store plus how to throw it away after the tests. */
export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

/** A customer (or other role) message activity in `conversationId`; `overrides` replace any field. */
function message(conversationId: string, text: string, overrides: Partial<Activity> & { role?: Role } = {}): Activity {
  const { role = 'customer', ...rest } = overrides;
  const id = newId('act');
  return {
    id,
    type: 'message',
    channel: 'test',
    channelMessageId: id,
    conversationId,
    from: { id: role === 'customer' ? 'user-1' : 'parley', role },
    text,
    timestamp: new Date().toISOString(),
    ...rest,
  };
}

function ticket(id: string, source: string, overrides: Partial<TicketRecord> = {}): TicketRecord {
  return { id, question: `question ${id}?`, answer: `answer ${id}.`, source, metadata: {}, ...overrides };
}

/** Resolves to the error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/**
 * The behaviour every {@link Store} implementation must have, as one jest `describe` block. `open` is called once
 * for the block and must return a freshly migrated, empty store; tests keep their data apart with fresh ids.
 */
export function describeStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let opened: OpenedStore | undefined;
    const store = (): Store => {
      if (!opened) throw new Error('store not opened');
      return opened.store;
    };
    const newConversation = (userId = 'user-1', channel = 'test') => store().createConversation({ userId, channel });

    beforeAll(async () => {
      opened = await open();
    });

    afterAll(async () => {
      await opened?.cleanup();
    });

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
        for (let n = 0; n < 4; n++) {
          records.push(await store().enqueueOutbound({ inboxId: null, activity: message(conversation.id, `proactive ${n}`, { role: 'agent' }) }));
        }
        expect(records[0]?.inboxId).toBeNull();
        await store().markOutbound(records[1]?.id as string, 'sent');
        await store().markOutbound(records[2]?.id as string, 'failed', 'timeout');

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
      });
    });

    describe('tickets', () => {
      it('upserts tickets and counts inserted, updated and unchanged', async () => {
        const source = newId('src');
        const before = await store().countTickets();
        const batch = [ticket(`${source}-a`, source), ticket(`${source}-b`, source), ticket(`${source}-c`, source)];

        expect(await store().upsertTickets(batch)).toEqual({ inserted: 3, updated: 0, unchanged: 0 });
        expect(await store().countTickets()).toBe(before + 3);
        expect(await store().upsertTickets(batch)).toEqual({ inserted: 0, updated: 0, unchanged: 3 });

        const changed = [
          { ...batch[0], answer: 'a better answer.' } as TicketRecord,
          { ...batch[1], metadata: { category: 'billing' } } as TicketRecord,
          batch[2] as TicketRecord,
          ticket(`${source}-d`, source),
        ];
        expect(await store().upsertTickets(changed)).toEqual({ inserted: 1, updated: 2, unchanged: 1 });
        expect(await store().countTickets()).toBe(before + 4);
        expect(await store().upsertTickets([])).toEqual({ inserted: 0, updated: 0, unchanged: 0 });

        const listed = await store().listTickets({ source });
        const a = listed.find((t) => t.id === `${source}-a`);
        expect(a).toMatchObject({ question: `question ${source}-a?`, answer: 'a better answer.', source });
        expect(listed.find((t) => t.id === `${source}-b`)?.metadata).toEqual({ category: 'billing' });
      });

      it('keeps every metadata field as given', async () => {
        const source = newId('src');
        const metadata = { category: 'shipping', tags: ['late', 'eu'], priority: 2, resolved: true, agent: { name: 'Zoë', id: null }, note: 'naïve “quotes”' };
        await store().upsertTickets([ticket(`${source}-m`, source, { metadata, question: 'Où est mon colis ?', answer: 'Il arrive demain.' })]);
        const [stored] = await store().listTickets({ source });
        expect(stored).toMatchObject({ id: `${source}-m`, question: 'Où est mon colis ?', answer: 'Il arrive demain.', source, metadata });
        expect(typeof stored?.updatedAt).toBe('string');
      });

      it('lists tickets by source and moves a ticket that changes source', async () => {
        const one = newId('src');
        const two = newId('src');
        await store().upsertTickets([ticket(`${one}-1`, one), ticket(`${one}-2`, one), ticket(`${two}-1`, two)]);
        const ids = async (source?: string) =>
          (await store().listTickets(source === undefined ? {} : { source })).map((t) => t.id).filter((id) => id.startsWith(one) || id.startsWith(two)).sort();

        expect(await ids(one)).toEqual([`${one}-1`, `${one}-2`]);
        expect(await ids(two)).toEqual([`${two}-1`]);
        expect(await ids()).toEqual([`${one}-1`, `${one}-2`, `${two}-1`].sort());
        expect((await store().listTickets()).length).toBe(await store().countTickets());
        expect(await store().listTickets({ source: newId('nothing') })).toEqual([]);

        expect(await store().upsertTickets([ticket(`${one}-2`, two)])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
        expect(await ids(one)).toEqual([`${one}-1`]);
        expect(await ids(two)).toEqual([`${one}-2`, `${two}-1`].sort());
      });

      it('deletes tickets by id and reports how many went', async () => {
        const source = newId('src');
        await store().upsertTickets([ticket(`${source}-x`, source), ticket(`${source}-y`, source), ticket(`${source}-z`, source)]);
        const before = await store().countTickets();

        expect(await store().deleteTickets([`${source}-x`, `${source}-z`, `${source}-missing`])).toBe(2);
        expect(await store().countTickets()).toBe(before - 2);
        expect((await store().listTickets({ source })).map((t) => t.id)).toEqual([`${source}-y`]);
        expect(await store().deleteTickets([])).toBe(0);
        expect(await store().deleteTickets([`${source}-x`])).toBe(0);

        // A deleted ticket comes back as new.
        expect(await store().upsertTickets([ticket(`${source}-x`, source)])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
      });
    });

    describe('settings', () => {
      it('keeps the first value set', async () => {
        const key = newId('setting');
        expect(await store().getSetting(key)).toBeUndefined();
        expect(await store().setSettingIfAbsent(key, 'first')).toBe('first');
        expect(await store().setSettingIfAbsent(key, 'second')).toBe('first');
        expect(await store().getSetting(key)).toBe('first');
      });

      it('makes concurrent first callers agree on one value', async () => {
        const key = newId('secret');
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store().setSettingIfAbsent(key, `candidate-${i}`)));
        expect(new Set(results).size).toBe(1);
        expect(results[0]).toMatch(/^candidate-\d$/);
        expect(await store().getSetting(key)).toBe(results[0]);
      });
    });

    describe('channel links, opt-outs and delivery statuses', () => {
      it('links channel keys to conversations once, and concurrent first messages agree', async () => {
        const a = await store().createConversation({ userId: 'u', channel: 'twilio' });
        const b = await store().createConversation({ userId: 'u', channel: 'twilio' });
        const key = newId('+1555');
        const first = await store().linkConversation({ channel: 'twilio', key, conversationId: a.id, ref: { to: key } });
        const second = await store().linkConversation({ channel: 'twilio', key, conversationId: b.id, ref: {} });
        expect(first).toEqual({ channel: 'twilio', key, conversationId: a.id, ref: { to: key } });
        expect(second.conversationId).toBe(a.id);
        expect(await store().findConversationRef('twilio', key)).toEqual(first);
        expect(await store().findConversationRef('email', key)).toBeUndefined();
        await store().linkConversation({ channel: 'email', key: `<${key}@mail>`, conversationId: a.id, ref: {} });
        expect((await store().listConversationRefs(a.id)).map((r) => r.channel).sort()).toEqual(['email', 'twilio']);
        await store().updateConversationRef('twilio', key, { to: key, serviceUrl: 'https://x' });
        expect((await store().findConversationRef('twilio', key))?.ref).toEqual({ to: key, serviceUrl: 'https://x' });

        const racedKey = newId('race');
        const conversations = await Promise.all(Array.from({ length: 8 }, () => conversationFor(store(), { channel: 'sms', key: racedKey, userId: 'u' })));
        expect(new Set(conversations.map((c) => c.id)).size).toBe(1);
      });

      it('persists opt-outs and opt-ins per channel and address', async () => {
        const address = newId('+1555');
        expect(await store().isOptedOut('twilio', address)).toBe(false);
        await store().setOptOut('twilio', address, true);
        expect(await store().isOptedOut('twilio', address)).toBe(true);
        expect(await store().isOptedOut('email', address)).toBe(false);
        await store().setOptOut('twilio', address, false);
        expect(await store().isOptedOut('twilio', address)).toBe(false);
      });

      it('records the latest delivery status of a sent message', async () => {
        const sid = newId('SM');
        expect(await store().getDeliveryStatus('twilio', sid)).toBeUndefined();
        await store().recordDeliveryStatus({ channel: 'twilio', messageId: sid, status: 'sent' });
        await store().recordDeliveryStatus({ channel: 'twilio', messageId: sid, status: 'undelivered', error: '30003' });
        expect(await store().getDeliveryStatus('twilio', sid)).toMatchObject({ status: 'undelivered', error: '30003' });
      });
    });

    describe('privacy: per-customer listing and erasure', () => {
      it('lists a customer\'s conversations oldest first, and nobody else\'s', async () => {
        const userId = newId('customer');
        const first = await store().createConversation({ userId, channel: 'webchat', metadata: { locale: 'fr' } });
        await store().createConversation({ userId: newId('someone-else'), channel: 'webchat' });
        const second = await store().createConversation({ userId, channel: 'twilio' });
        const listed = await store().listConversationsByUser(userId);
        // Oldest first; conversations created in the same millisecond come in id order.
        const expected = [first, second].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
        expect(listed).toEqual(expected);
        expect(await store().listConversationsByUser(newId('nobody'))).toEqual([]);
      });

      it('deletes a conversation with its messages, dialog state, channel links, inbox and outbox rows', async () => {
        const userId = newId('customer');
        const [doomed, kept] = [await store().createConversation({ userId, channel: 'twilio' }), await store().createConversation({ userId, channel: 'twilio' })] as const;
        const seed = async (conversationId: string) => {
          const inbound = message(conversationId, 'my address is 1 Main St', { channel: 'twilio' });
          const receipt = await store().receiveInbound(inbound);
          await store().appendMessage(inbound);
          const reply = message(conversationId, 'thanks', { role: 'bot', channel: 'twilio' });
          await store().enqueueOutbound({ inboxId: receipt.inboxId, activity: reply });
          await store().enqueueOutbound({ inboxId: null, activity: message(conversationId, 'proactive', { role: 'agent', channel: 'twilio' }) });
          await store().appendMessage(reply);
          await store().saveDialogState(conversationId, { stack: ['x'] });
          const key = newId('+1555');
          await store().linkConversation({ channel: 'twilio', key, conversationId, ref: { to: key } });
          return { receipt, inbound, key };
        };
        const gone = await seed(doomed.id);
        const stays = await seed(kept.id);
        const proactive = async (conversationId: string) =>
          (await store().listPendingOutbound(100_000)).filter((o) => o.conversationId === conversationId && o.inboxId === null);
        expect(await proactive(doomed.id)).toHaveLength(1);

        expect(await store().deleteConversation(doomed.id)).toBe(true);
        expect(await store().getConversation(doomed.id)).toBeUndefined();
        expect(await store().listMessages(doomed.id)).toEqual([]);
        expect(await store().getDialogState(doomed.id)).toBeUndefined();
        expect(await store().listConversationRefs(doomed.id)).toEqual([]);
        expect(await store().findConversationRef('twilio', gone.key)).toBeUndefined();
        expect(await store().getInbound(gone.receipt.inboxId)).toBeUndefined();
        expect(await store().listOutboundFor(gone.receipt.inboxId)).toEqual([]);
        expect(await proactive(doomed.id)).toEqual([]);
        expect(await store().listConversationsByUser(userId)).toEqual([expect.objectContaining({ id: kept.id })]);

        // The other conversation keeps everything.
        expect(await store().listMessages(kept.id)).toHaveLength(2);
        expect(await store().getDialogState(kept.id)).toEqual({ stack: ['x'] });
        expect(await store().findConversationRef('twilio', stays.key)).toMatchObject({ conversationId: kept.id });
        expect(await store().getInbound(stays.receipt.inboxId)).toBeDefined();
        expect(await store().listOutboundFor(stays.receipt.inboxId)).toHaveLength(1);
        expect(await proactive(kept.id)).toHaveLength(1);

        // Deleting again finds nothing; the freed channel key and message id can be used again.
        expect(await store().deleteConversation(doomed.id)).toBe(false);
        expect((await store().receiveInbound(gone.inbound)).duplicate).toBe(false);
        const fresh = await newConversation();
        expect((await store().linkConversation({ channel: 'twilio', key: gone.key, conversationId: fresh.id, ref: {} })).conversationId).toBe(fresh.id);
      });
    });

    describe('idle close and transcript retention', () => {
      // Old timestamps keep these tests apart from the other tests' data, which is all from now.
      const at = (iso: string) => ({ timestamp: iso });

      it('closes open and handed-off conversations whose last message is older than the cutoff', async () => {
        const idleOpen = await newConversation();
        const idleHuman = await newConversation();
        const active = await newConversation();
        const closed = await newConversation();
        for (const c of [idleOpen, idleHuman, active, closed]) await store().appendMessage(message(c.id, 'hello', at('2000-01-01T00:00:00.000Z')));
        await store().appendMessage(message(active.id, 'still here', at('2000-06-01T00:00:00.000Z')));
        await store().updateConversation(idleHuman.id, { status: 'needs_human', handoffReason: 'customer_request' });
        await store().updateConversation(closed.id, { status: 'closed' });
        const closedBefore = (await store().getConversation(closed.id))?.updatedAt;

        const ids = await store().closeIdleConversations('2000-03-01T00:00:00.000Z');
        expect(ids).toEqual(expect.arrayContaining([idleOpen.id, idleHuman.id]));
        expect(ids).not.toContain(active.id);
        expect(ids).not.toContain(closed.id);
        expect(await store().getConversation(idleOpen.id)).toMatchObject({ status: 'closed' });
        expect(await store().getConversation(idleHuman.id)).toMatchObject({ status: 'closed', handoffReason: 'customer_request' });
        expect(await store().getConversation(active.id)).toMatchObject({ status: 'open' });
        expect((await store().getConversation(closed.id))?.updatedAt).toBe(closedBefore);

        // Already closed: not closed (or reported) again.
        const again = await store().closeIdleConversations('2000-03-01T00:00:00.000Z');
        expect(again).not.toContain(idleOpen.id);
        expect(again).not.toContain(idleHuman.id);
      });

      it('deletes messages older than the cutoff and reports how many', async () => {
        const conversation = await newConversation();
        const old = [message(conversation.id, 'old 1', at('1990-01-01T00:00:00.000Z')), message(conversation.id, 'old 2', at('1990-02-01T00:00:00.000Z'))];
        const recent = message(conversation.id, 'recent');
        for (const m of [...old, recent]) await store().appendMessage(m);

        expect(await store().deleteMessagesBefore('1991-01-01T00:00:00.000Z')).toBe(2);
        expect((await store().listMessages(conversation.id)).map((m) => m.text)).toEqual(['recent']);
        expect(await store().getConversation(conversation.id)).toBeDefined();
        expect(await store().deleteMessagesBefore('1991-01-01T00:00:00.000Z')).toBe(0);
      });

      // Last: a cutoff in the future touches every conversation in the store.
      it('with a cutoff after now, closes conversations without messages and drops inbox and outbox rows too', async () => {
        const quiet = await newConversation();
        const busy = await newConversation();
        const receipt = await store().receiveInbound(message(busy.id, 'hi'));
        await store().appendMessage(message(busy.id, 'hi'));
        await store().enqueueOutbound({ inboxId: receipt.inboxId, activity: message(busy.id, 'hello', { role: 'bot' }) });
        const future = new Date(Date.now() + 60_000).toISOString();

        expect(await store().closeIdleConversations(future)).toEqual(expect.arrayContaining([quiet.id, busy.id]));
        expect(await store().deleteMessagesBefore(future)).toBeGreaterThanOrEqual(1);
        expect(await store().listMessages(busy.id)).toEqual([]);
        expect(await store().getInbound(receipt.inboxId)).toBeUndefined();
        expect(await store().listOutboundFor(receipt.inboxId)).toEqual([]);
        expect(await store().getConversation(busy.id)).toMatchObject({ status: 'closed' });
      });
    });
  });
}
