import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { TestChannel } from '../../bot/testing/test-channel.js';
import { Generator, KnowledgeBase, LanguageDetector, readTicketsFile, sampleTicketsPath } from '../../knowledge/index.js';
import { createSupportBot } from '../support-router.js';
import { claimsHandoff } from './claims.js';

const thresholds = { answer: 0.3, clarify: 0.2 };

/** Past tickets whose agents answered "I want a person" as if they were transferring the customer. */
const CONNECTING_TICKETS = [
  {
    id: 'CONNECT-1',
    question: 'operator assistance',
    answer: 'Please hold on for a moment while I connect you with one of our representatives. While I establish the connection, feel free to tell me your order number.',
  },
  { id: 'CONNECT-2', question: 'escalation desk', answer: "Certainly! Let me transfer you to a live agent who will take it from here." },
];

describe('handoff requests through the support router (sample store, composer)', () => {
  let home: string;
  let store: Store;
  let bots: { name: string; bot: Bot }[];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-handoff-request-'));
    store = await openStore({ home });
    const knowledge = new KnowledgeBase(store);
    await knowledge.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
    await knowledge.ingest(CONNECTING_TICKETS.map((ticket) => ({ ...ticket, source: 'past', metadata: {} })));
    const generation = { generator: new Generator({}), language: new LanguageDetector() };
    bots = [
      { name: 'composer', bot: new Bot({ store, handler: createSupportBot({ knowledge, thresholds, generation }).handler }) },
      { name: 'ticket answers', bot: new Bot({ store, handler: createSupportBot({ knowledge, thresholds }).handler }) },
    ];
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  const expectHandoff = async (bot: Bot, text: string, says = /connecting you with a person/) => {
    const channel = new TestChannel(bot, store);
    await channel.say(text).assertReply((reply) => {
      expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'customer_request' } });
      expect(reply.text).toMatch(says);
    });
    expect(await store.getConversation(await channel.conversation())).toMatchObject({ status: 'needs_human', handoffReason: 'customer_request' });
  };

  it.each(['talking with somebody', 'help talking to an operator', 'I want help speaking with an assistant'])('hands %p to a person and records the handoff', async (text) => {
    for (const { bot } of bots) await expectHandoff(bot, text);
  });

  it.each([
    ['Hola, necesito hablar con una persona de atención al cliente, por favor', /le paso con una persona/],
    ['Ich möchte bitte mit einem Menschen sprechen', /ich verbinde Sie mit einer Person/],
    ['je voudrais parler à un conseiller', /je vous mets en relation/],
  ])('hands %p to a person and says so in the customer\'s language', async (text, says) => {
    const [composer, plain] = bots;
    await expectHandoff(composer!.bot, text, says);
    await expectHandoff(plain!.bot, text); // without language detection, in English
  });

  it('never pastes an answer that claims a handoff: the best ticket says "connecting you", so the handoff happens', async () => {
    expect(CONNECTING_TICKETS.every((ticket) => claimsHandoff(ticket.answer))).toBe(true);
    for (const { bot } of bots) {
      for (const { question } of CONNECTING_TICKETS) await expectHandoff(bot, question);
    }
  });

  it('still answers ordinary questions, and no reply that is not a handoff claims one', async () => {
    for (const { bot } of bots) {
      const channel = new TestChannel(bot, store);
      await channel.say('How long does shipping take?').assertReply((reply) => {
        expect(reply.action).not.toBe('handoff');
        expect(claimsHandoff(reply.text)).toBe(false);
      });
    }
  });

  it('says goodbye to "thanks, bye" after an answer instead of repeating it, and hands off none of the look-alikes', async () => {
    for (const { bot } of bots) {
      let answer = '';
      const channel = new TestChannel(bot, store);
      await channel
        .say('how long do refunds take?')
        .assertReply((reply) => {
          expect(reply.action).toBe('answer');
          answer = reply.text;
        })
        .say('thanks, bye')
        .assertReply((reply) => expect(reply).toMatchObject({ action: 'answer', text: 'Thanks for chatting — goodbye! Write again any time.' }));
      expect(answer).toMatch(/5–7 business days/);
      for (const text of ['ok bye', 'are you a bot?', 'am I talking to a real person?', "What's the capital of Australia?"]) {
        await new TestChannel(bot, store).say(text).assertReply((reply) => expect(reply.action).not.toBe('handoff'));
      }
    }
  });
});

describe('claimsHandoff', () => {
  it.each([
    'Please hold on for a moment while I connect you with one of our customer service representatives.',
    "I'll transfer you to a live agent now.",
    'While I establish the connection, could you share your order number?',
    "We're connecting you to our support team.",
  ])('recognizes %p', (text) => expect(claimsHandoff(text)).toBe(true));

  it.each([
    'You can connect with them through our Live Chat on the website.',
    'If you use a mobile device, tap the call button and it will connect you directly to our customer service team.',
    'Bank transfer: transfer funds directly from your bank account to ours.',
    "Of course — I'm connecting you with a person from our team.",
  ])('does not flag %p', (text) => {
    // the last one is the bot's own handoff reply, sent only with the handoff recorded: it claims a handoff by design
    expect(claimsHandoff(text)).toBe(text.startsWith('Of course'));
  });
});
