import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, runMiddleware, type Middleware, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { TestChannel } from '../bot/testing/test-channel.js';
import { csatDialog } from './csat-dialog.js';
import { DialogEngine } from './engine.js';
import { NEUTRAL_PROFILE, readStoreProfile, sampleStoreProfilePath, storeProfile, type StoreProfile } from '../knowledge/index.js';
import { HANDOFF_REACH_KEY } from './handoff/reach.js';
import { supportSteps } from './support-steps.js';

/** The router's steps on their own: each answers what it owns and stops, or passes the message on to the decision. */
describe('support steps as middleware', () => {
  let home: string;
  let store: Store;
  let bot: Bot;
  let handler: DialogEngine['handler'];
  const decided: string[] = [];
  const profile: StoreProfile = { help: 'I can help with bikes, repairs and rentals.', topics: ['Book a repair', 'Talk to a person'] };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-steps-'));
    store = await openStore({ home });
    const steps = supportSteps({ engine: () => engine, tryOn: false, csatChannels: ['test'], profile });
    const engine: DialogEngine = new DialogEngine([csatDialog()], (ctx) =>
      runMiddleware(steps, ctx, async (turn) => {
        decided.push(turn.activity.text);
        await turn.send({ text: 'decided', action: 'answer' });
      }),
    );
    handler = engine.handler;
    bot = new Bot({ store, handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('answers small talk itself and passes a question on to the decision', async () => {
    await new TestChannel(bot, store, 'steps-1')
      .say('hello')
      .assertReply((reply) => expect(reply).toMatchObject({ text: 'Hi! I can help with bikes, repairs and rentals. What can I do for you?', quickReplies: ['Book a repair', 'Talk to a person'] }))
      .say('where is my order?')
      .assertReply('decided');
    expect(decided).toEqual(['where is my order?']);
  });

  it('answers a question for the phone number itself, before the decision, saying what it can do without the fact', async () => {
    decided.length = 0;
    await new TestChannel(bot, store, 'steps-4')
      .say("What's your phone number?")
      .assertReply((reply) => expect(reply).toMatchObject({ action: 'clarify', text: expect.stringMatching(/^I don't have a phone number to give you here\. I can help with bikes, repairs and rentals\./), quickReplies: ['Book a repair', 'Talk to a person'] }));
    expect(decided).toEqual([]);
  });

  it('begins the CSAT rating after thanks on a CSAT channel', async () => {
    await new TestChannel(bot, store, 'steps-2').say('thanks!').assertReply(/welcome/).assertReply(/rate|1.{1,3}5/i);
  });

  it('relays a message to the person who has the conversation, without a decision', async () => {
    const channel = new TestChannel(bot, store, 'steps-3');
    const conversationId = await channel.conversation();
    await store.updateConversation(conversationId, { status: 'needs_human', handoffReason: 'customer_request' });
    decided.length = 0;
    await channel.say('how long do refunds take?').assertReply((reply) => expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'customer_request' } }));
    expect(decided).toEqual([]);
  });

  it('keeps answering while the conversation waits for a person nobody can be (no agent desk)', async () => {
    const noDesk: Middleware = async (ctx, next) => {
      ctx.turnState.set(HANDOFF_REACH_KEY, { desk: false, email: false });
      await next();
    };
    const channel = new TestChannel(new Bot({ store, handler, middleware: [noDesk] }), store, 'steps-4');
    await store.updateConversation(await channel.conversation(), { status: 'needs_human', handoffReason: 'customer_request' });
    decided.length = 0;
    await channel.say('how long do refunds take?').assertReply('decided');
    expect(decided).toEqual(['how long do refunds take?']);
  });

  it('says goodbye to a goodbye, answers "are you a bot?" honestly and declines off-topic questions, without a decision', async () => {
    decided.length = 0;
    await new TestChannel(bot, store, 'steps-5')
      .say('thanks, bye')
      .assertReply((reply) => expect(reply).toMatchObject({ text: 'Thanks for chatting — goodbye! Write again any time.', action: 'answer' }))
      .say('are you a bot?')
      .assertReply((reply) =>
        expect(reply).toMatchObject({
          text: "I'm the store's virtual assistant, not a person. I can help with bikes, repairs and rentals. If you'd like a person from our team, just ask.",
          action: 'clarify',
          quickReplies: ['Talk to a person'],
        }),
      )
      .say("What's the capital of Australia?")
      .assertReply((reply) =>
        expect(reply).toMatchObject({
          text: "Sorry, that's not something I can help with — I'm here for questions about our store. I can help with bikes, repairs and rentals.",
          action: 'clarify',
          quickReplies: ['Book a repair', 'Talk to a person'],
        }),
      );
    expect(decided).toEqual([]);
  });
});

describe('the store profile', () => {
  it('takes each configured text over the fallback, and neutral texts without either', async () => {
    const sample = await readStoreProfile(sampleStoreProfilePath());
    expect(sample.topics).toContain('Where is my order?');
    expect(storeProfile({ helpText: 'I can help with bikes.' }, sample)).toEqual({ help: 'I can help with bikes.', topics: sample.topics });
    expect(storeProfile({ topics: ['Rent a bike'] }, sample)).toEqual({ help: sample.help, topics: ['Rent a bike'] });
    expect(storeProfile({})).toEqual(NEUTRAL_PROFILE);
  });

  it('refuses a bad profile file naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-profile-'));
    try {
      const file = join(dir, 'store.json');
      await writeFile(file, JSON.stringify({ help: 'Hi', topics: [] }));
      await expect(readStoreProfile(file)).rejects.toThrow(/topics/);
      await writeFile(file, '{');
      await expect(readStoreProfile(file)).rejects.toMatchObject({ code: 'config_invalid' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
