import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { TestChannel } from '../bot/testing/test-channel.js';
import { KnowledgeBase } from '../knowledge/index.js';
import { FakeTryOnRunner } from '../vision/index.js';
import { createSupportBot } from './support-router.js';
import { wantsTryOn } from './tryon-dialog.js';

describe('try-on dialog', () => {
  let home: string;
  let store: Store;
  let bot: Bot;
  const runner = new FakeTryOnRunner();
  const photo = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-tryon-dialog-'));
    store = await openStore({ home });
    await store.tryon.upsertProducts([
      { id: 'nw-tee-navy', name: 'Classic Tee in Navy', description: '', price: '$24.00', imageType: 'image/png', image: new Uint8Array([137, 80, 1]) },
      { id: 'nw-tank-sage', name: 'Everyday Tank in Sage', description: '', price: '$18.00', imageType: 'image/png', image: new Uint8Array([137, 80, 2]) },
    ]);
    const tryOn = {
      runner,
      retentionHours: 24,
      mediaUrl: (id: string) => `https://bot.example.com/media/tryon/${id}`,
      productImageUrl: (id: string) => `https://bot.example.com/media/catalogue/${id}`,
      readAttachment: async (_conversationId: string, attachment: { data?: Uint8Array }) => attachment.data,
    };
    bot = new Bot({ store, handler: createSupportBot({ knowledge: new KnowledgeBase(store), thresholds: { answer: 0.3, clarify: 0.2 }, tryOn }).handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  /** Sends a photo (no text) into the channel's conversation, as MMS or an e-mail attachment arrive. */
  async function sendPhoto(channel: TestChannel, data: Uint8Array = photo): Promise<void> {
    const id = newId('act');
    const activity: Activity = {
      id, type: 'message', channel: 'test', channelMessageId: id, conversationId: await channel.conversation(),
      from: { id: 'test-user', role: 'customer' }, text: '', timestamp: new Date().toISOString(),
      attachments: [{ contentType: 'image/jpeg', name: 'me.jpg', data }],
    };
    await bot.processActivity(activity, { send: (reply) => channel.send(reply) });
  }

  it('recognises try-on requests', () => {
    for (const text of ['Can I see this on me?', 'how would it look on me', 'I want to try it on', 'virtual try-on please']) expect(wantsTryOn(text)).toBe(true);
    for (const text of ['where is my order?', 'can I return this?', 'Is it on sale?']) expect(wantsTryOn(text)).toBe(false);
  });

  it('asks which product, asks for a photo with a consent note, and sends the try-on image back', async () => {
    const channel = new TestChannel(bot, store);
    await channel
      .say('can I see it on me?')
      .assertReply((reply) => {
        expect(reply.text).toMatch(/which item/i);
        expect(reply.quickReplies).toEqual(['Classic Tee in Navy', 'Everyday Tank in Sage']);
        expect(reply.images?.[0]).toEqual({ url: 'https://bot.example.com/media/catalogue/nw-tee-navy', alt: 'Classic Tee in Navy ($24.00)' });
      })
      .say('Classic Tee in Navy')
      .assertReply((reply) => {
        expect(reply.text).toMatch(/send a photo/i);
        expect(reply.text).toMatch(/deleted within 24 hours/);
      });
    await sendPhoto(channel);
    const reply = channel.nextReply();
    expect(reply?.action).toBe('answer');
    expect(reply?.text).toMatch(/Classic Tee in Navy on you/);
    const url = reply?.images?.[0]?.url ?? '';
    expect(url).toMatch(/^https:\/\/bot\.example\.com\/media\/tryon\/tro_[A-Za-z0-9_-]{24}$/);
    const stored = await store.tryon.getMedia(url.split('/').pop()!);
    expect(stored?.conversationId).toBe(await channel.conversation());
    expect(Array.from(runner.calls.at(-1)!.garment)).toEqual([137, 80, 1]);
    expect(Array.from(runner.calls.at(-1)!.person)).toEqual(Array.from(photo));
  });

  it('goes straight to the photo when the product is named, and explains a refused photo', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('How would the sage tank look on me?').assertReply(/Everyday Tank in Sage/);
    runner.refuseNext('several_people');
    await sendPhoto(channel);
    expect(channel.nextReply()?.text).toMatch(/several_people.*another photo/);
    await sendPhoto(channel);
    expect(channel.nextReply()?.images).toHaveLength(1);
  });

  it('lets the shopper cancel, and hands other questions back to the router', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('try it on').assertReply(/which item/i).say('cancel').assertReply(/no problem/i);
    const other = new TestChannel(bot, store);
    await other.say('can I try the navy tee on?').assertReply(/send a photo/i).say('hello').assertReply((reply) => expect(reply.text).toMatch(/Hi!/));
  });

  it('offers ten products of a larger catalogue, says there are more, and takes the name of one not offered', async () => {
    const colours = ['Red', 'Olive', 'Rust', 'Sand', 'Teal', 'Plum', 'Ochre', 'Slate', 'Mint', 'Coral'];
    await store.tryon.upsertProducts(colours.map((colour, i) => ({ id: `nw-linen-${i}`, name: `Linen Shirt in ${colour}`, description: '', price: '$60.00', imageType: 'image/png', image: new Uint8Array([137, 80, 10 + i]) })));
    const all = (await store.tryon.listProducts()).map((p) => p.name);
    const channel = new TestChannel(bot, store);
    let offered: string[] = [];
    await channel.say('can I see it on me?').assertReply((reply) => {
      expect(reply.text).toBe('Which item would you like to see on you? Here are 10 of our 12 items; you can also type the name of another one.');
      offered = reply.quickReplies ?? [];
    });
    expect(offered).toEqual(all.slice(0, 10));
    const notOffered = all.find((name) => !offered.includes(name)) as string;
    await channel.say(notOffered).assertReply(new RegExp(`Happy to show you the ${notOffered}`));
  });
});
