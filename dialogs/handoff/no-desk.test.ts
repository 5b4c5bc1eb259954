import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { Generator, KnowledgeBase, LanguageDetector, readStoreProfile, readTicketsFile, sampleStoreProfilePath, sampleTicketsPath } from '../../knowledge/index.js';
import { handoffReply } from '../replies.js';
import { createSupportBot } from '../support-router.js';
import { contactDetails } from './reach.js';
import { REQUEST_REPLY, UNREACHABLE_REQUEST_REPLY } from './request-replies.js';
import { HandoffService, type HandoffServiceOptions } from './service.js';
import { RecordingDesk } from './testing/recording-desk.js';

/** Anything that tells the customer a person is on the way or will write to them. */
const PROMISES_A_PERSON = /connecting you|passing (you|your conversation|this)|bringing in|will reply|reply (right )?here|follow up by e-mail|e-mail address/i;

let home: string;
let store: Store;
let knowledge: KnowledgeBase;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-no-desk-'));
  store = await openStore({ home });
  knowledge = new KnowledgeBase(store);
  await knowledge.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
});

afterAll(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

const MINUTE = 60_000;

async function setup(options: Partial<HandoffServiceOptions>) {
  let now = Date.parse('2026-03-03T10:00:00Z');
  const delivered: Activity[] = [];
  const service = new HandoffService({
    store,
    knowledge,
    deliver: async (activity) => {
      await store.appendMessage(activity);
      delivered.push(activity);
    },
    now: () => now,
    ...options,
  });
  const generation = { generator: new Generator({}), language: new LanguageDetector() };
  const profile = await readStoreProfile(sampleStoreProfilePath());
  const bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds: { answer: 0.3, clarify: 0.2 }, generation, profile }).handler });
  bot.use(service.middleware());
  const conversation = await store.createConversation({ userId: 'jane', channel: 'test' });
  const say = async (text: string) => {
    const activity: Activity = { id: newId('act'), type: 'message', channel: 'test', conversationId: conversation.id, from: { id: 'jane', role: 'customer' }, text, timestamp: new Date().toISOString() };
    return (await bot.processActivity(activity)).replies;
  };
  return { service, delivered, say, conversationId: conversation.id, advance: (ms: number) => (now += ms) };
}

test('without an agent desk a request for a person is answered honestly, recorded, and the bot keeps answering; no follow-up promises an e-mail', async () => {
  const { service, delivered, say, conversationId, advance } = await setup({ desk: undefined, emailFollowUp: false, contact: async () => 'phone: 555-0100' });
  expect(service.hasDesk).toBe(false);

  const [reply] = await say('I want to talk to a human please');
  expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'customer_request' } });
  expect(reply?.text).toMatch(/^I'm sorry — I can't connect you with a person here: nobody from our team replies in this chat\. I've recorded your request for our team\. You can also reach our team directly — phone: 555-0100\. Meanwhile I'm happy to keep helping\./);
  expect(reply?.text).not.toMatch(PROMISES_A_PERSON);
  // Recorded for the team: the conversation waits for a person and its escalation is stored.
  expect(await store.getConversation(conversationId)).toMatchObject({ status: 'needs_human', handoffReason: 'customer_request' });
  expect(await store.handoffs.activeHandoff(conversationId)).toMatchObject({ status: 'waiting', reason: 'customer_request' });

  // The next question is answered, not acknowledged into a conversation nobody reads.
  const [answer] = await say('how long do refunds take?');
  expect(answer).toMatchObject({ action: 'answer' });
  expect(answer?.text).toMatch(/5–7 business days/);

  // Past the claim timeout nothing more is promised.
  advance(16 * MINUTE);
  expect(await service.tick()).toMatchObject({ followUps: 0 });
  expect(delivered).toEqual([]);
  const [later] = await say('jane.doe@example.com');
  expect(later?.text ?? '').not.toMatch(/follow up by e-mail/);
});

test('with a desk but nothing that sends e-mail, the claim-timeout follow-up asks for no address and promises no e-mail', async () => {
  const desk = new RecordingDesk();
  const { service, delivered, say, conversationId, advance } = await setup({ desk, emailFollowUp: false });
  const [reply] = await say('I want to talk to a human please');
  expect(reply?.text).toMatch(/connecting you with a person/);
  advance(16 * MINUTE);
  await service.tick();
  expect(delivered.filter((a) => a.conversationId === conversationId).map((a) => a.text)).toEqual([
    "Sorry for the wait — nobody from our team has been able to pick this up yet. Your request stays with our team, and they'll reply in this conversation as soon as someone is free. You can keep writing here too.",
  ]);
  // An address the customer sends anyway is relayed, not taken as a follow-up the install cannot send.
  const [ack] = await say('jane.doe@example.com');
  expect(ack?.text).toBe("Thanks — I've added this to your conversation with our team. A person will reply here.");
});

test('every handoff reason and sensitive topic has an honest reply without a desk', () => {
  const reach = { desk: false, email: false };
  const reasons = ['customer_request', 'low_confidence', 'out_of_scope', 'no_match', 'sensitive_topic', 'vip', 'frustration', 'repeated_failure', 'ungrounded', 'language', 'error'] as const;
  for (const reason of reasons) expect(handoffReply(reason, { reach, language: 'es', apologize: true }).text).not.toMatch(PROMISES_A_PERSON);
  expect(handoffReply('sensitive_topic', { reach, topic: 'safety' }).text).toMatch(/emergency services/);
  expect(handoffReply('sensitive_topic', { reach, topic: 'refund', amount: '$450' }).text).toMatch(/^A refund of \$450 is reviewed by a person from our team\./);
});

test('contact facts become one list, said in one sentence; other facts are left out', () => {
  const contact = contactDetails({ phone: '555-0100', 'support_email': 'help@example.com', 'return window': '30 days' });
  expect(contact).toBe('phone: 555-0100; support email: help@example.com');
  expect(contactDetails({ 'return window': '30 days' })).toBeUndefined();
  expect(handoffReply('customer_request', { reach: { desk: false, email: false, contact } }).text).toContain(
    'You can also reach our team directly — phone: 555-0100; support email: help@example.com.',
  );
});

test('a request for a person in another language gets the honest reply in that language, with the contact details', () => {
  const reach = { desk: false, email: false, contact: 'phone: 555-0100' };
  for (const language of Object.keys(REQUEST_REPLY)) {
    const text = handoffReply('customer_request', { reach, language }).text;
    const translated = UNREACHABLE_REQUEST_REPLY[language];
    expect({ language, text }).toEqual({ language, text: expect.stringContaining(translated?.opening ?? 'missing') });
    expect(text).toContain('phone: 555-0100');
    expect(text).not.toMatch(/nobody|I'm sorry/);
  }
  expect(handoffReply('customer_request', { reach: { desk: false, email: false }, language: 'es' }).text).toBe(
    'Lo siento: aquí no puedo pasarle con una persona, nadie de nuestro equipo responde en este chat. He registrado su solicitud para nuestro equipo. Mientras tanto, con gusto le sigo ayudando. Pregúnteme lo que necesite.',
  );
});
