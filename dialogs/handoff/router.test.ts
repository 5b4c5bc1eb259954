import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { TestChannel } from '../../bot/testing/test-channel.js';
import { KnowledgeBase, readTicketsFile, sampleTicketsPath } from '../../knowledge/index.js';
import { decide } from '../policy.js';
import { createSupportBot } from '../support-router.js';
import { DETAILS_KEY, FAILURES_KEY, TOPIC_KEY } from './conversation.js';

const thresholds = { answer: 0.3, clarify: 0.2 };

describe('handoff triggers in the support router (sample store)', () => {
  let home: string;
  let store: Store;
  let knowledge: KnowledgeBase;
  let bot: Bot;

  const conversationOf = async (channel: TestChannel) => store.getConversation(await channel.conversation());

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-handoff-'));
    store = await openStore({ home });
    knowledge = new KnowledgeBase(store);
    await knowledge.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
    bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds, handoff: { vipUsers: ['@bigco.example'] } }).handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('hands a legal threat to a person even though a ticket answers the question, and records the topic', async () => {
    const text = 'I am going to sue you, where is my refund?';
    expect(decide(await knowledge.retrieve(text, { k: 8 }), thresholds).action).toBe('answer');
    const channel = new TestChannel(bot, store);
    await channel.say(text).assertReply((reply) => {
      expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'sensitive_topic' }, sources: [] });
      expect(reply.text).toMatch(/needs a person .* reply right here/);
    });
    expect(await conversationOf(channel)).toMatchObject({ status: 'needs_human', handoffReason: 'sensitive_topic', metadata: { [TOPIC_KEY]: 'legal' } });
  });

  it('hands off a refund over the limit, naming the amount', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('I want my $450 back').assertReply((reply) => {
      expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'sensitive_topic' } });
      expect(reply.text).toMatch(/refund of \$450 is reviewed by a person/);
    });
    expect((await conversationOf(channel))?.metadata).toMatchObject({ [TOPIC_KEY]: 'refund', [DETAILS_KEY]: { amount: { amount: 450, currency: 'USD' } } });
  });

  it('routes a small refund as usual', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('I want my $20 back').assertReply((reply) => expect(reply.handoff?.reason).not.toBe('sensitive_topic'));
    expect((await conversationOf(channel))?.metadata[TOPIC_KEY]).toBeUndefined();
    await new TestChannel(bot, store).say('when will I get my $20 back?').assertReply((reply) => {
      expect(reply.action).toBe('answer');
      expect(reply.sources[0]?.id).toBe('NWT-1055');
    });
  });

  it('tells a customer in danger to call emergency services first', async () => {
    await new TestChannel(bot, store).say('the hood drawstring nearly choked my son').assertReply((reply) => {
      expect(reply.handoff?.reason).toBe('sensitive_topic');
      expect(reply.text).toMatch(/^I'm so sorry .* emergency services/);
    });
  });

  it('hands off on the second failed answer: a complaint, then the same question again (the same answer would come back)', async () => {
    const channel = new TestChannel(bot, store);
    await channel
      .say('how long does delivery take?')
      .assertAction('answer')
      .say("that doesn't answer my question")
      .assertReply((reply) => {
        expect(reply.action).toBe('clarify');
        expect(reply.text).toMatch(/^Sorry that didn't help/);
        expect(reply.quickReplies).toContain('Talk to a person');
      });
    expect((await conversationOf(channel))?.metadata[FAILURES_KEY]).toBe(1);
    await channel
      .say('how long does delivery take?')
      .assertReply((reply) => {
        expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'repeated_failure' } });
        expect(reply.text).toMatch(/^I'm sorry I haven't been able to answer that properly/);
      });
    expect(await conversationOf(channel)).toMatchObject({ handoffReason: 'repeated_failure', metadata: { [FAILURES_KEY]: 2 } });
  });

  it('counts asking the same question again as a failure: other topics offered instead of the same answer, then a person', async () => {
    const channel = new TestChannel(bot, store);
    await channel
      .say('how long does delivery take?')
      .assertAction('answer')
      .say('how long does shipping take')
      .assertAction('clarify')
      .say('how long does delivery take??')
      .assertReply((reply) => expect(reply.handoff?.reason).toBe('repeated_failure'));
  });

  it('answers a first angry message about the problem, and hands off when frustration follows a reply', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('This is ridiculous, how long do refunds take?!').assertReply((reply) => {
      expect(reply.action).toBe('answer');
    });
    await channel.say('This is ridiculous, my order STILL has not arrived!!').assertReply((reply) => {
      expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'frustration' } });
      expect(reply.text).toMatch(/^I'm really sorry this has been frustrating/);
    });
  });

  it('hands a furious customer to a person at once', async () => {
    await new TestChannel(bot, store).say('This is a JOKE!!! Worst service EVER, you are useless and I am fed up!!!').assertReply((reply) => {
      expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'frustration' } });
    });
  });

  it('answers a VIP when confident, and gives them a person instead of a clarifying question', async () => {
    const channel = new TestChannel(bot, store);
    await store.updateConversation(await channel.conversation(), { metadata: { vip: true } });
    await channel
      .say('how long does delivery take?')
      .assertAction('answer')
      .say('Where is my order?')
      .assertReply((reply) => {
        expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'vip' } });
        expect(reply.text).toMatch(/right answer straight away/);
      });
    expect(await conversationOf(channel)).toMatchObject({ status: 'needs_human', handoffReason: 'vip', metadata: { [DETAILS_KEY]: { signal: 'clarify' } } });
  });

  it('recognises VIPs by a configured e-mail domain', async () => {
    await new TestChannel(bot, store, 'ceo@bigco.example').say('Where is my order?').assertReply((reply) => expect(reply.handoff?.reason).toBe('vip'));
    await new TestChannel(bot, store, 'someone@example.com').say('Where is my order?').assertAction('clarify');
  });

  it('interrupts a waiting clarification for a sensitive topic', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('Where is my order?').assertAction('clarify');
    expect(await store.getDialogState(await channel.conversation())).toMatchObject({ stack: [{ dialogId: 'clarify' }] });
    await channel.say('my lawyer will hear about this').assertReply((reply) => expect(reply.handoff?.reason).toBe('sensitive_topic'));
    expect(await store.getDialogState(await channel.conversation())).toEqual({ stack: [] });
  });

  it('honours configured topics and limits', async () => {
    const lenient = new Bot({ store, handler: createSupportBot({ knowledge, thresholds, handoff: { refundLimit: 1000, sensitiveTopics: ['safety'] } }).handler });
    await new TestChannel(lenient, store).say('When will I get my refund of $450?').assertAction('answer');
    await new TestChannel(lenient, store).say('I am going to sue you, where is my refund?').assertAction('answer');
  });
});
