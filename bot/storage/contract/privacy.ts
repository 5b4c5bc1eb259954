import { describe, expect, it } from '@jest/globals';
import { message, type ContractContext } from './fixtures.js';

const CARD = '4111 1111 1111 1111';
const MASKED = 'XXXX XXXX XXXX 1111';

/** Card numbers never reach the store: transcript, inbox, outbox and dialog state keep only the last four digits. */
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
}
