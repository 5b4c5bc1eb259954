import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { TestChannel } from '../bot/testing/test-channel.js';
import { KnowledgeBase, readTicketsFile, sampleTicketsPath } from '../knowledge/index.js';
import { createSupportBot } from './support-router.js';

describe('support router on the sample store', () => {
  let home: string;
  let store: Store;
  let bot: Bot;
  let knowledge: KnowledgeBase;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-router-'));
    store = await openStore({ home });
    knowledge = new KnowledgeBase(store);
    await knowledge.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
    bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds: { answer: 0.3, clarify: 0.2 } }).handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('answers a known question with the past answer and its source ticket', async () => {
    await new TestChannel(bot, store)
      .say('how long do refunds take?')
      .assertReply((reply) => {
        expect(reply.action).toBe('answer');
        expect(reply.text).toMatch(/5–7 business days/);
        expect(reply.sources[0]?.id).toMatch(/^NWT-/);
        expect(reply.sources[0]?.title).toBe('Returns');
      });
  });

  it('shows the typing indicator while it looks for an answer', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('can I machine wash a wool sweater?').assertAction('answer');
    expect(channel.typing).toEqual([true, false]);
  });

  it('attaches the size chart image to size chart answers', async () => {
    const hit = (await knowledge.search('size chart', { k: 20 })).find((h) => h.ticket.metadata.image);
    expect(hit).toBeDefined();
    await new TestChannel(bot, store).say(hit?.ticket.question ?? '').assertReply((reply) => {
      expect(reply.images?.[0]?.url).toBe('/assets/size-chart.svg');
    });
  });

  it('hands off when asked for a person and marks the conversation with the reason', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('can I speak to a real person please').assertReply((reply) => {
      expect(reply.action).toBe('handoff');
      expect(reply.handoff?.reason).toBe('customer_request');
      expect(reply.text).toMatch(/reply right here/);
    });
    const conversation = await store.getConversation(await channel.conversation());
    expect(conversation).toMatchObject({ status: 'needs_human', handoffReason: 'customer_request' });
    // While a person has it, the bot does not answer from tickets.
    await channel.say('how long do refunds take?').assertAction('handoff');
  });

  it('never answers an out-of-scope question from tickets', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('what is the capital of Mongolia').assertReply((reply) => expect(reply.action).not.toBe('answer'));
  });

  it('declines an off-topic request politely instead of handing it to a person', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('write me a poem about the sea').assertReply((reply) => {
      expect(reply.action).toBe('clarify');
      expect(reply.text).toMatch(/^Sorry, that's not something I can help with/);
    });
    expect((await store.getConversation(await channel.conversation()))?.status).toBe('open');
  });

  it('never gives the same answer twice in a row: asked again, it offers the other candidates', async () => {
    let first: string | undefined;
    const channel = new TestChannel(bot, store);
    await channel.say('how long do refunds take?').assertReply((reply) => {
      expect(reply.action).toBe('answer');
      first = reply.sources[0]?.id;
    });
    await channel.say('how long do refunds take?').assertReply((reply) => {
      expect(reply.action).toBe('clarify');
      expect(reply.text).not.toMatch(/5–7 business days/);
      expect(reply.quickReplies?.length).toBeGreaterThan(1);
    });
    const state = await store.getDialogState(await channel.conversation());
    const stack = (state as { stack?: { state?: { options?: { ticketId: string }[] } }[] } | undefined)?.stack ?? [];
    const offered = stack[0]?.state?.options?.map((o) => o.ticketId) ?? [];
    expect(offered.length).toBeGreaterThan(0);
    expect(offered).not.toContain(first);
  });

  it('greets with quick replies and acknowledges thanks', async () => {
    await new TestChannel(bot, store)
      .say('hello')
      .assertReply((reply) => {
        expect(reply.action).toBe('clarify');
        expect(reply.quickReplies).toContain('Talk to a person');
      })
      .say('thanks!')
      .assertReply(/welcome/);
  });
});

describe('clarifying questions', () => {
  let home: string;
  let store: Store;
  let bot: Bot;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-clarify-'));
    store = await openStore({ home });
    const knowledge = new KnowledgeBase(store);
    const ticket = (id: string, question: string, answer: string) => ({ id, question, answer, source: 't', metadata: {} });
    await knowledge.ingest([
      ticket('gift', 'How do I check my gift card balance?', 'Enter the gift card number on the balance page.'),
      ticket('credit', 'How do I use my store credit at checkout?', 'Store credit is applied automatically at checkout.'),
      ticket('wash', 'How should I wash linen trousers?', 'Cold gentle cycle, line dry.'),
    ]);
    // Thresholds chosen so that a partial match clarifies instead of answering.
    bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds: { answer: 0.9, clarify: 0.15 } }).handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('offers candidate topics as quick replies, then answers the chosen one (state survives between turns)', async () => {
    let options: string[] = [];
    const channel = new TestChannel(bot, store);
    await channel.say('gift card or store credit balance').assertReply((reply) => {
      expect(reply.action).toBe('clarify');
      options = reply.quickReplies ?? [];
      expect(options).toEqual(expect.arrayContaining(['How do I check my gift card balance?', 'Something else']));
    });
    expect(await store.getDialogState(await channel.conversation())).toMatchObject({ stack: [{ dialogId: 'clarify' }] });
    await channel.say('How do I check my gift card balance?').assertReply((reply) => {
      expect(reply.action).toBe('answer');
      expect(reply.sources[0]?.id).toBe('gift');
    });
    expect(await store.getDialogState(await channel.conversation())).toEqual({ stack: [] });
  });

  it('hands off on "Something else" and treats an unrelated reply as a new question', async () => {
    await new TestChannel(bot, store).say('gift card or store credit balance').assertAction('clarify').say('Something else').assertReply((reply) => {
      expect(reply.action).toBe('handoff');
      expect(reply.handoff?.reason).toBe('no_match');
    });
    await new TestChannel(bot, store).say('gift card or store credit balance').assertAction('clarify').say('wash linen trousers').assertAction('clarify');
  });

  it('writes no dialog state for a turn that leaves the dialog stack as it was', async () => {
    const channel = new TestChannel(bot, store);
    // A greeting is answered by the router's small talk: no dialog begins, none was waiting.
    await channel.say('hello').assertReply((reply) => expect(reply.quickReplies).toContain('Talk to a person'));
    expect(await store.getDialogState(await channel.conversation())).toBeUndefined();
  });
});
