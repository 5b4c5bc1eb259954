import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, type Store } from '../bot/core/index.js';
import { openStore } from '../bot/storage/index.js';
import { TestChannel } from '../bot/testing/test-channel.js';
import { Generator, KnowledgeBase } from '../knowledge/index.js';
import { valueIn } from './slot-requests.js';
import { createSupportBot } from './support-router.js';

describe('slots and facts in answers (support router with the composer)', () => {
  let home: string;
  let store: Store;
  let bot: Bot;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-slots-'));
    store = await openStore({ home });
    const knowledge = new KnowledgeBase(store);
    const ticket = (id: string, question: string, answer: string) => ({ id, question, answer, source: 't', metadata: {} });
    await knowledge.ingest(
      [
        ticket('track', 'Where is my parcel? It has not arrived', 'Enter {{Tracking Number}} on the carrier page to see where your parcel is. Parcels usually arrive within 3–5 business days. ^SA'),
        ticket('phone', 'What is your customer support phone number?', 'You can call {{Customer Support Phone Number}} during {{Customer Support Availability}}. I will call you back tomorrow.'),
        ticket('invoice', 'how can I check invoice #00108', 'To check invoice #00108, open {{Invoices}} on our {{Website Name}} and choose it from the list.'),
      ],
      { redact: false, dedupe: false },
    );
    const facts = async (scope: string | null) => (scope === 'brand-b' ? { phone: '+1 555 0222', hours: '8:00–20:00' } : { phone: '+1 555 0100', hours: 'Mon–Fri 9:00–17:00' });
    bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds: { answer: 0.2, clarify: 0.1 }, generation: { generator: new Generator(), facts } }).handler });
  });
  afterAll(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it("fills the operator's facts and drops the promise", async () => {
    // "What is your phone number?" itself is answered from the facts before retrieval (contact-facts.ts).
    await new TestChannel(bot, store).say('what is your customer support phone number?').assertReply((reply) => expect(reply).toMatchObject({ action: 'answer', text: 'You can call us on +1 555 0100 during Mon–Fri 9:00–17:00.' }));
    await new TestChannel(bot, store).say('Which number do I dial for customer support, and during what times?').assertReply((reply) => {
      expect(reply.action).toBe('answer');
      expect(reply.text).toMatch(/^You can call \+1 555 0100 during Mon–Fri 9:00–17:00\./);
      expect(reply.text).not.toMatch(/\{\{|call you back/);
    });
  });

  it('asks for the missing value first and answers with it on the next turn', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('where is my parcel? it has not arrived').assertReply((reply) => {
      expect(reply.action).toBe('clarify');
      expect(reply.text).toMatch(/tracking number/);
    });
    await channel.say('1Z999AA10123456784').assertReply((reply) => {
      expect(reply.action).toBe('answer');
      expect(reply.text).toMatch(/^Enter 1Z999AA10123456784 on the carrier page/);
      expect(reply.text).not.toMatch(/\^SA|\{\{/);
    });
  });

  it('asks only once: without the value the answer goes without that sentence', async () => {
    const channel = new TestChannel(bot, store);
    await channel.say('where is my parcel? it has not arrived').assertAction('clarify');
    await channel.say("I don't have it").assertReply((reply) => {
      expect(reply.action).toBe('answer');
      expect(reply.text).toBe('Parcels usually arrive within 3–5 business days. [1]');
    });
    await channel.say('where is my parcel? it has not arrived').assertReply((reply) => expect(reply.text).not.toMatch(/tracking number|\{\{/));
  });

  it("never replaces the value the customer gave with the old customer's", async () => {
    await new TestChannel(bot, store).say('how can I check invoice #12588?').assertReply((reply) => {
      expect(reply.text).toMatch(/invoice #12588/);
      expect(reply.text).not.toMatch(/00108|\{\{/);
    });
  });

  it('reads a bare reference as the value asked for', () => {
    expect(valueIn('trackingNumber', "it's 1Z999AA10123456784")).toBe('1Z999AA10123456784');
    expect(valueIn('orderNumber', '#A-12345')).toBe('A-12345');
    expect(valueIn('orderNumber', 'I do not know')).toBeUndefined();
  });
});
