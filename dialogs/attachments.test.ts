import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Attachment, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { KnowledgeBase, readTicketsFile, sampleTicketsPath } from '../knowledge/index.js';
import { attachmentOnlyReply, imageAttachments } from './attachments.js';
import { createSupportBot } from './support-router.js';

const photo: Attachment = { contentType: 'image/png', name: 'upl_1.png', url: '/api/conversations/c/uploads/upl_1' };
const pdf: Attachment = { contentType: 'application/pdf', name: 'receipt.pdf' };

function activity(conversationId: string, text: string, attachments: Attachment[]): Activity {
  const id = newId('act');
  return { id, type: 'message', channel: 'test', channelMessageId: id, conversationId, from: { id: 'u', role: 'customer' }, text, timestamp: new Date().toISOString(), attachments };
}

describe('attachmentOnlyReply', () => {
  it('acknowledges photos sent without text and asks what the customer wants to know (clarify)', () => {
    const reply = attachmentOnlyReply(activity('c', '  ', [photo]));
    expect(reply).toMatchObject({ action: 'clarify', sources: [] });
    expect(reply?.text).toBe("Thanks, I've added your photo to this conversation so our team can see it. What would you like to know about it?");
    expect(attachmentOnlyReply(activity('c', '', [photo, photo]))?.text).toMatch(/your photos .* see them\. .* about them\?/);
    expect(attachmentOnlyReply(activity('c', '', [pdf]))?.text).toMatch(/your file/);
  });

  it('leaves messages with text, or without attachments, to the usual routing', () => {
    expect(attachmentOnlyReply(activity('c', 'does this come in navy?', [photo]))).toBeUndefined();
    expect(attachmentOnlyReply(activity('c', 'hello', []))).toBeUndefined();
    expect(imageAttachments(activity('c', '', [photo, pdf]))).toEqual([photo]);
  });
});

describe('support router with photos', () => {
  let home: string;
  let store: Store;
  let bot: Bot;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-photos-'));
    store = await openStore({ home });
    const knowledge = new KnowledgeBase(store);
    await knowledge.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
    bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds: { answer: 0.3, clarify: 0.2 } }).handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('answers a photo without text with the clarify acknowledgement, and keeps the attachment in the transcript', async () => {
    const conversation = await store.createConversation({ userId: 'u', channel: 'test' });
    const { replies } = await bot.processActivity(activity(conversation.id, '', [photo]));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ action: 'clarify', text: expect.stringMatching(/added your photo/) });
    const messages = await store.listMessages(conversation.id);
    expect(messages[0]?.activity.attachments).toEqual([photo]);
  });

  it('answers the text of a photo with a question as usual', async () => {
    const conversation = await store.createConversation({ userId: 'u', channel: 'test' });
    const { replies } = await bot.processActivity(activity(conversation.id, 'how long do refunds take?', [photo]));
    expect(replies[0]).toMatchObject({ action: 'answer', text: expect.stringMatching(/5–7 business days/) });
  });
});
