import { describe, expect, it } from '@jest/globals';
import { conversationFor, newId, type TicketRecord } from '../../core/index.js';
import { message, ticket, type ContractContext } from './fixtures.js';

/** The records part of the store contract: tickets, settings, channel links, privacy, idle close and retention. */
export function describeRecordStorage({ store, newConversation }: ContractContext): void {
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

    it('lists tickets page by page in id order (after an id, at most a limit)', async () => {
      const source = newId('page');
      const ids = Array.from({ length: 7 }, (_, i) => `${source}-${i}`);
      await store().upsertTickets(ids.map((id) => ticket(id, source)));
      const pages: string[][] = [];
      let afterId: string | undefined;
      for (;;) {
        const page = await store().listTickets({ source, limit: 3, ...(afterId === undefined ? {} : { afterId }) });
        if (page.length === 0) break;
        pages.push(page.map((t) => t.id));
        afterId = page[page.length - 1]?.id;
      }
      expect(pages).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
      expect((await store().listTickets({ limit: 2 })).length).toBe(2);
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

    it('replaces a value with setSetting', async () => {
      const key = newId('setting');
      await store().setSetting(key, 'one');
      expect(await store().getSetting(key)).toBe('one');
      await store().setSetting(key, 'two');
      expect(await store().getSetting(key)).toBe('two');
      expect(await store().setSettingIfAbsent(key, 'three')).toBe('two');
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
}
