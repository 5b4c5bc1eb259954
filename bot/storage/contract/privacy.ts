import { describe, expect, it } from '@jest/globals';
import { message, ticket, type ContractContext } from './fixtures.js';

const CARD = '4111 1111 1111 1111';
const MASKED = 'XXXX XXXX XXXX 1111';

/**
 * Card numbers never reach the store (transcript, inbox, outbox and dialog state keep only the last four digits), and
 * quarantined tickets are kept apart from the searchable ones.
 */
export function describePrivacyStorage({ store, newConversation }: ContractContext): void {
  describe('card numbers', () => {
    it('are masked in the transcript (text and activity), the inbox and the outbox', async () => {
      const conversation = await newConversation();
      const inbound = message(conversation.id, `my card is ${CARD}, can you check it?`, { channelMessageId: '4111111111111111' });
      const receipt = await store().receiveInbound(inbound);
      const saved = await store().appendMessage(inbound);
      const reply = message(conversation.id, `Noted card 5500-0000-0000-0004.`, { role: 'bot', quickReplies: [`Use ${CARD}`] });
      await store().appendMessage(reply);
      const outbox = await store().enqueueOutbound({ inboxId: receipt.inboxId, activity: reply });

      expect(saved.text).toBe(`my card is ${MASKED}, can you check it?`);
      const transcript = await store().listMessages(conversation.id);
      expect(transcript.map((m) => m.text)).toEqual([`my card is ${MASKED}, can you check it?`, 'Noted card XXXX-XXXX-XXXX-0004.']);
      expect(transcript[0]?.activity.text).toBe(`my card is ${MASKED}, can you check it?`);
      // Identifiers are not free text: a numeric channel message id stays as the channel sent it.
      expect(transcript[0]?.activity.channelMessageId).toBe('4111111111111111');
      expect(transcript[1]?.activity.quickReplies).toEqual([`Use ${MASKED}`]);
      expect(outbox.activity.text).toBe('Noted card XXXX-XXXX-XXXX-0004.');
      expect((await store().listOutboundFor(receipt.inboxId))[0]?.activity.quickReplies).toEqual([`Use ${MASKED}`]);
      expect(JSON.stringify(await store().listMessages(conversation.id))).not.toMatch(/4111 1111 1111 1111|5500-0000-0000-0004/);
      // The inbox keeps the message once, masked: a second delivery is still recognised by its channel id.
      expect(await store().receiveInbound(inbound)).toMatchObject({ inboxId: receipt.inboxId, duplicate: true });
    });

    it('are masked in dialog state; numbers and other text are kept', async () => {
      const conversation = await newConversation();
      await store().saveDialogState(conversation.id, { stack: [{ id: 'pay', state: { card: CARD, startedAt: 1733450000000, note: 'order 12345' } }] });
      expect(await store().getDialogState(conversation.id)).toEqual({ stack: [{ id: 'pay', state: { card: MASKED, startedAt: 1733450000000, note: 'order 12345' } }] });
    });
  });

  describe('quarantine', () => {
    it('moves a ticket out of the searchable tickets, lists, releases and removes held ones', async () => {
      const source = `q-${Date.now()}`;
      const id = `${source}-1`;
      await store().upsertTickets([ticket(id, source), ticket(`${source}-2`, source)]);
      const reasons = [{ code: 'asks_card_data', message: 'asks customers to send card data' }];
      expect(await store().quarantine.quarantine([{ ticket: ticket(id, source, { answer: 'send your CVV' }), reasons }])).toBe(1);
      expect((await store().listTickets({ source })).map((t) => t.id)).toEqual([`${source}-2`]);
      const [held] = await store().quarantine.list({ source });
      expect(held).toMatchObject({ ticket: { id, answer: 'send your CVV', source }, reasons, releasedAt: null, releasedBy: null });
      expect(await store().quarantine.get(id)).toEqual(held);

      const released = await store().quarantine.release(id, 'lead');
      expect(released).toMatchObject({ ticket: { id }, releasedBy: 'lead' });
      expect(await store().quarantine.release(id, 'lead')).toBeUndefined();
      expect(await store().quarantine.list({ source })).toEqual([]);
      expect((await store().quarantine.list({ source, includeReleased: true })).map((q) => q.ticket.id)).toEqual([id]);

      // Quarantined again (the text changed): held anew.
      await store().quarantine.quarantine([{ ticket: ticket(id, source, { answer: 'send your PIN' }), reasons }]);
      expect((await store().quarantine.get(id))?.releasedAt).toBeNull();
      expect(await store().quarantine.remove([id, 'missing'])).toBe(1);
      expect(await store().quarantine.get(id)).toBeUndefined();
    });
  });
}
