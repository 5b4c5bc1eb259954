import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { TestChannel } from '../bot/testing/test-channel.js';
import { KnowledgeBase } from '../knowledge/index.js';
import { FakeTryOnRunner } from '../vision/index.js';
import { FakeAugmentRunner } from '../vision/testing/fake-augment.js';
import { productPhotosRequest } from './product-photos-dialog.js';
import { createSupportBot } from './support-router.js';

describe('product photos in the conversation', () => {
  let home: string;
  let store: Store;
  let bot: Bot;
  const runner = new FakeAugmentRunner();

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-product-photos-'));
    store = await openStore({ home });
    await store.tryon.upsertProducts([
      { id: 'nw-tee-navy', name: 'Classic Tee in Navy', description: '', price: '$24.00', imageType: 'image/png', image: new Uint8Array([137, 80, 1]) },
      { id: 'nw-shirt-linen', name: 'Linen Shirt in Sand', description: '', price: '$48.00', imageType: 'image/png', image: new Uint8Array([137, 80, 2]) },
    ]);
    const media = {
      retentionHours: 24,
      mediaUrl: (id: string) => `https://bot.example.com/media/tryon/${id}`,
      productImageUrl: (id: string) => `https://bot.example.com/media/catalogue/${id}`,
    };
    const tryOn = { ...media, runner: new FakeTryOnRunner(), readAttachment: async () => undefined };
    bot = new Bot({ store, handler: createSupportBot({ knowledge: new KnowledgeBase(store), thresholds: { answer: 0.3, clarify: 0.2 }, tryOn, productPhotos: { ...media, runner } }).handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('recognises requests for more photos or another colour, in their paraphrases', () => {
    const asks = [
      'show me more photos of the linen shirt', 'Do you have any other pictures of it?', 'could you send me a few more pics',
      'Got more images?', 'are there different angles of the tee', 'what does it look like in navy?', 'What would the linen shirt look like in olive',
      'can I see it in red?', 'how would the tee look in forest green', 'show me the shirt in #1f2a44', 'I would like to see more photos please',
    ];
    for (const text of asks) expect([text, productPhotosRequest(text)?.kind]).toEqual([text, expect.any(String)]);
    expect(productPhotosRequest('what does it look like in navy?')?.colour?.name).toBe('navy');
    expect(productPhotosRequest('how would the tee look in forest green')?.colour?.name).toBe('forest green');
  });

  it('leaves look-alike support questions alone', () => {
    const lookAlikes = [
      'I sent photos of the damaged item', 'I have more photos of the damage if you need them', 'Should I send more pictures?',
      'Do you need more photos?', 'How do I upload a photo of my receipt?', 'Does the tee come in navy?', 'Is the linen shirt available in red?',
      'What colour is the navy tee?', 'Can I see this on me in red?', 'The shirt looks different in real life', 'where is my order?',
      'can I return the red shirt?', 'Can you show me how to return it in store?', "I'll attach more pictures of the stain", 'I want to see my order in the app',
    ];
    for (const text of lookAlikes) expect([text, productPhotosRequest(text)]).toEqual([text, undefined]);
  });

  it('sends the product recoloured when asked "what does it look like in navy?", stored like try-on images', async () => {
    const channel = new TestChannel(bot, store);
    let firstUrl = '';
    await channel.say('What does the linen shirt look like in navy?').assertReply((reply) => {
      firstUrl = reply.images?.[0]?.url ?? '';
      expect(reply.action).toBe('answer');
      expect(reply.text).toMatch(/Linen Shirt in Sand recoloured in navy/);
      expect(reply.text).toMatch(/deleted within 24 hours/);
      expect(reply.images).toHaveLength(2);
      for (const image of reply.images ?? []) expect(image.url).toMatch(/^https:\/\/bot\.example\.com\/media\/tryon\/tro_[A-Za-z0-9_-]{24}$/);
    });
    // The colour word did not pick the product named "… in Navy".
    const call = runner.calls.at(-1)!;
    expect(call.productId).toBe('nw-shirt-linen');
    expect(call.options).toMatchObject({ colours: [{ name: 'navy' }], original: false });
    const id = firstUrl.split('/').pop() ?? '';
    expect((await store.tryon.getMedia(id))?.conversationId).toBe(await channel.conversation());
  });

  it('asks which product for "more photos" without one, then sends settings and a turned view', async () => {
    const channel = new TestChannel(bot, store);
    await channel
      .say('can you show me more photos?')
      .assertReply((reply) => {
        expect(reply.text).toMatch(/which item/i);
        expect(reply.quickReplies).toEqual(['Classic Tee in Navy', 'Linen Shirt in Sand']);
      })
      .say('Classic Tee in Navy')
      .assertReply((reply) => {
        expect(reply.text).toMatch(/more photos of the Classic Tee in Navy/);
        expect(reply.images).toHaveLength(4);
      });
    expect(runner.calls.at(-1)?.productId).toBe('nw-tee-navy');
  });

  it('does not take "photos of" that names no product, nor an availability question', async () => {
    const before = runner.calls.length;
    const channel = new TestChannel(bot, store);
    await channel.say('please send me photos of the return label').assertReply((reply) => expect(reply.images ?? []).toHaveLength(0));
    await channel.say('Does the linen shirt come in navy?').assertReply((reply) => expect(reply.images ?? []).toHaveLength(0));
    expect(runner.calls.length).toBe(before);
  });

  it('skips "which item?" when the message names a product by its full name, colour included', async () => {
    await store.tryon.upsertProducts([{ id: 'nw-tee-red', name: 'Classic Tee in Tomato Red', description: '', price: '$24.00', imageType: 'image/png', image: new Uint8Array([137, 80, 3]) }]);
    const channel = new TestChannel(bot, store);
    await channel.say('can I see more photos of the Classic Tee in Navy?').assertReply((reply) => {
      expect(reply.action).toBe('answer');
      expect(reply.text).toMatch(/more photos of the Classic Tee in Navy/);
      expect(reply.images).toHaveLength(4);
    });
    // The product's own colour is no recolouring: more photos of it, as they are.
    expect(runner.calls.at(-1)).toMatchObject({ productId: 'nw-tee-navy', options: { views: ['front', 'left'] } });
    await new TestChannel(bot, store).say('what would the Classic Tee in Tomato Red look like in navy?').assertReply((reply) => expect(reply.text).toMatch(/Classic Tee in Tomato Red recoloured in navy/));
    expect(runner.calls.at(-1)).toMatchObject({ productId: 'nw-tee-red', options: { colours: [{ name: 'navy' }] } });
  });
});
