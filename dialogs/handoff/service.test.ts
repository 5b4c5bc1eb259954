import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { KnowledgeBase } from '../../knowledge/index.js';
import { createSupportBot } from '../support-router.js';
import { parseBusinessHours } from './hours.js';
import { HandoffService, type HandoffServiceOptions } from './service.js';
import { RecordingDesk } from './testing/recording-desk.js';

let home: string;
let store: Store;
let knowledge: KnowledgeBase;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-handoff-'));
  store = await openStore({ home });
  knowledge = new KnowledgeBase(store);
  await knowledge.load();
});

afterAll(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

const MINUTE = 60_000;
/** Tuesday 2026-03-03 10:00 UTC. */
const TUESDAY_10 = Date.parse('2026-03-03T10:00:00Z');

function setup(options: Partial<HandoffServiceOptions> = {}) {
  let now = TUESDAY_10;
  const delivered: Activity[] = [];
  const desk = new RecordingDesk();
  const service = new HandoffService({
    store,
    knowledge,
    desk,
    deliver: async (activity) => {
      await store.appendMessage(activity);
      delivered.push(activity);
    },
    now: () => now,
    ...options,
  });
  const bot = new Bot({ store, handler: createSupportBot({ knowledge, thresholds: { answer: 0.3, clarify: 0.2 } }).handler });
  bot.use(service.middleware());
  const say = async (conversationId: string, text: string) => {
    const activity: Activity = { id: newId('act'), type: 'message', channel: 'test', conversationId, from: { id: 'cust', role: 'customer' }, text, timestamp: new Date().toISOString() };
    return (await bot.processActivity(activity)).replies;
  };
  return { service, desk, delivered, say, advance: (ms: number) => (now += ms), at: () => now };
}

async function escalated(userId = 'cust') {
  const conversation = await store.createConversation({ userId, channel: 'test' });
  return conversation;
}

test('a turn that ends in needs_human opens one escalation with a card; later messages go to the desk, not to a second card', async () => {
  const { desk, say } = setup();
  const conversation = await escalated();
  const [reply] = await say(conversation.id, 'I want to talk to a human');
  expect(reply?.action).toBe('handoff');
  expect(desk.cards).toHaveLength(1);
  const card = desk.cards[0]!;
  expect(card).toMatchObject({ reason: 'customer_request', channel: 'test', customer: { id: 'cust' }, outOfHours: false });
  expect(card.summary).toMatch(/Customer asked: “I want to talk to a human”.*Handed off: asked for a person/);
  expect(card.lastMessages.map((m) => m.role)).toEqual(['customer', 'bot']);
  const handoff = await store.handoffs.activeHandoff(conversation.id);
  expect(handoff).toMatchObject({ status: 'waiting', deskThread: 'recording:1' });

  // While waiting, the bot acknowledges and the message reaches the desk.
  const [ack] = await say(conversation.id, 'hello? anyone there');
  expect(ack?.text).toMatch(/added this to your conversation/);
  expect(desk.of('customer').map((p) => p.text)).toEqual(['hello? anyone there']);
  expect(desk.cards).toHaveLength(1);
});

test('reminders follow the configured interval on the injected clock and stop once claimed', async () => {
  const { service, desk, advance, say } = setup({ reminderMinutes: 5, claimTimeoutMinutes: 60 });
  const conversation = await escalated();
  await say(conversation.id, 'agent please');
  const handoff = (await store.handoffs.activeHandoff(conversation.id))!;
  const mine = () => desk.of('reminder').filter((p) => p.handoffId === handoff.id);

  advance(4 * MINUTE);
  await service.tick();
  expect(mine()).toHaveLength(0);
  advance(1 * MINUTE);
  await service.tick();
  expect(mine().map((p) => p.text)).toEqual([expect.stringMatching(/Still waiting for an agent after 5 min/)]);
  await service.tick();
  expect(mine()).toHaveLength(1);
  advance(5 * MINUTE);
  await service.tick();
  expect(mine()).toHaveLength(2);
  expect((await store.handoffs.getHandoff(handoff.id))?.reminders).toBe(2);

  expect((await service.claim(handoff.id, { id: 'U1', name: 'Alex' })).ok).toBe(true);
  advance(30 * MINUTE);
  await service.tick();
  expect(mine()).toHaveLength(2);
});

test('unclaimed after the claim timeout: the customer is asked for an e-mail address, and a stored ticket is made once they give it', async () => {
  const { service, delivered, advance, say, desk } = setup({ reminderMinutes: 100, claimTimeoutMinutes: 15 });
  const conversation = await escalated('visitor-9');
  await say(conversation.id, 'can i speak to someone');
  const handoff = (await store.handoffs.activeHandoff(conversation.id))!;
  // Other tests' escalations share the store: look at this one's record.
  advance(14 * MINUTE);
  await service.tick();
  expect((await store.handoffs.getHandoff(handoff.id))?.followUp).toBeNull();
  advance(1 * MINUTE);
  expect((await service.tick()).followUps).toBeGreaterThanOrEqual(1);
  const offer = delivered.filter((a) => a.conversationId === conversation.id).at(-1);
  expect(offer).toMatchObject({ from: { role: 'bot' }, action: 'handoff' });
  expect(offer?.text).toMatch(/nobody from our team.*reply with your e-mail address/);
  expect((await store.handoffs.getHandoff(handoff.id))?.followUp).toMatchObject({ why: 'unclaimed', state: 'awaiting_email', email: null });
  await service.tick();
  expect(delivered.filter((a) => a.conversationId === conversation.id && /e-mail address/.test(a.text))).toHaveLength(1);

  const [thanks] = await say(conversation.id, 'sure: Visitor.Nine@example.org');
  expect(thanks?.text).toBe("Thanks — we'll follow up by e-mail at visitor.nine@example.org.");
  const after = await store.handoffs.getHandoff(handoff.id);
  expect(after).toMatchObject({ followUp: { state: 'scheduled', email: 'visitor.nine@example.org' }, ticket: { system: 'parley', id: handoff.id } });
  expect((await store.getConversation(conversation.id))?.metadata.email).toBe('visitor.nine@example.org');
  expect(desk.of('notice').some((p) => /asked the customer for their address/.test(p.text))).toBe(true);
});

test('outside business hours the follow-up is offered at once, to the known address', async () => {
  const { delivered, say, desk } = setup({ hours: parseBusinessHours('Mon-Fri 09:00-18:00', 'America/New_York') });
  // 10:00 UTC is 05:00 in New York.
  const conversation = await store.createConversation({ userId: 'jo@example.com', channel: 'test' });
  await say(conversation.id, 'I need a real person');
  const handoff = (await store.handoffs.activeHandoff(conversation.id))!;
  expect(handoff).toMatchObject({ followUp: { why: 'out_of_hours', state: 'scheduled', email: 'jo@example.com' }, ticket: { system: 'parley' } });
  expect(delivered.at(-1)?.text).toMatch(/offline right now \(we're here Mon-Fri 09:00-18:00, America\/New_York time\).*jo@example\.com/);
  expect(desk.cards.at(-1)?.outOfHours).toBe(true);
});

test('claim, agent messages, return to bot and resolve go through the state machine', async () => {
  const { service, desk, delivered, say } = setup();
  const conversation = await escalated();
  await say(conversation.id, 'human please');
  const handoff = (await store.handoffs.activeHandoff(conversation.id))!;
  const thread = handoff.deskThread!;

  expect(await service.agentMessage(thread, { id: 'U1' }, 'early')).toBe('note');
  expect(desk.notices.at(-1)).toMatchObject({ agent: 'U1', text: expect.stringMatching(/internal note.*Claim first/) });
  expect(await service.claim(handoff.id, { id: 'U1', name: 'Alex' })).toMatchObject({ ok: true, changed: true });
  expect(await service.claim(handoff.id, { id: 'U2', name: 'Sam' })).toMatchObject({ ok: false, reason: 'claimed_by_other' });
  expect(await service.agentMessage(thread, { id: 'U2', name: 'Sam' }, 'sneaky')).toBe('note');
  expect(await service.agentMessage(thread, { id: 'U1', name: 'Alex' }, 'Hi, Alex here')).toBe('customer');
  expect(await service.agentMessage('recording:none', { id: 'U1' }, 'x')).toBe('unknown');
  expect(delivered.filter((a) => a.from.role === 'agent').map((a) => [a.text, a.from.id, a.from.name, a.channel])).toEqual([['Hi, Alex here', 'U1', 'Alex', 'test']]);

  // Claimed: the customer's message reaches the desk and the bot stays silent.
  expect(await say(conversation.id, 'thanks Alex, it is order 42')).toEqual([]);
  expect(desk.of('customer').at(-1)?.text).toBe('thanks Alex, it is order 42');

  await store.updateConversation(conversation.id, { metadata: { handoffFailures: 2 } });
  expect(await service.returnToBot(handoff.id, { id: 'U2' })).toMatchObject({ ok: false, reason: 'not_claimer' });
  expect(await service.returnToBot(handoff.id, { id: 'U1', name: 'Alex' })).toMatchObject({ ok: true });
  expect(await store.getConversation(conversation.id)).toMatchObject({ status: 'open', handoffReason: null, metadata: { handoffFailures: 0 } });
  expect(desk.updates.at(-1)?.handoff.status).toBe('returned');
  expect(await service.resolve(handoff.id, { id: 'U1' })).toMatchObject({ ok: false, reason: 'finished' });

  // A new handoff of the same conversation is a new escalation, resolved by the helpdesk.
  await say(conversation.id, 'a person please');
  const second = (await store.handoffs.activeHandoff(conversation.id))!;
  expect(second.id).not.toBe(handoff.id);
  await store.handoffs.updateHandoff(second.id, { ticket: { system: 'zendesk', id: '777' } });
  expect(await service.ticketSolved('zendesk', '777')).toBe(true);
  expect(await service.ticketSolved('zendesk', '777')).toBe(false);
  expect((await store.getConversation(conversation.id))?.status).toBe('closed');
});

test('a card the desk could not post is posted by a later tick; a conversation no longer handed off ends its escalation', async () => {
  const { service, desk, say } = setup();
  desk.failOpen = true;
  const conversation = await escalated();
  const [reply] = await say(conversation.id, 'talk to a human');
  expect(reply?.action).toBe('handoff');
  const handoff = (await store.handoffs.activeHandoff(conversation.id))!;
  expect(handoff.deskThread).toBeNull();
  desk.failOpen = false;
  expect((await service.tick()).reopened).toBeGreaterThanOrEqual(1);
  expect((await store.handoffs.getHandoff(handoff.id))?.deskThread).toMatch(/^recording:/);

  await store.updateConversation(conversation.id, { status: 'closed' });
  await service.tick();
  expect((await store.handoffs.getHandoff(handoff.id))?.status).toBe('resolved');
});

test('escalations survive a restart: a new service on the same store continues them', async () => {
  const first = setup();
  const conversation = await escalated();
  await first.say(conversation.id, 'a human please');
  const handoff = (await store.handoffs.activeHandoff(conversation.id))!;
  expect((await first.service.claim(handoff.id, { id: 'U7', name: 'Kim' })).ok).toBe(true);

  const restarted = setup();
  expect(await restarted.service.agentMessage(handoff.deskThread!, { id: 'U7', name: 'Kim' }, 'Back after the deploy')).toBe('customer');
  expect(restarted.delivered.map((a) => a.text)).toEqual(['Back after the deploy']);
  expect(await restarted.say(conversation.id, 'great')).toEqual([]);
  expect(restarted.desk.of('customer').map((p) => p.text)).toEqual(['great']);
});

test('a failed turn (the bot hands off with reason error) opens an escalation too', async () => {
  const { service, desk } = setup();
  const failing = new Bot({ store, handler: async () => {
    throw new Error('retrieval exploded');
  } });
  failing.use(service.middleware());
  const conversation = await escalated();
  const activity: Activity = { id: newId('act'), type: 'message', channel: 'test', conversationId: conversation.id, from: { id: 'cust', role: 'customer' }, text: 'where is my order?', timestamp: new Date().toISOString() };
  const { replies } = await failing.processActivity(activity);
  expect(replies[0]).toMatchObject({ action: 'handoff', handoff: { reason: 'error' } });
  expect(await store.getConversation(conversation.id)).toMatchObject({ status: 'needs_human', handoffReason: 'error' });
  expect((await store.handoffs.activeHandoff(conversation.id))?.reason).toBe('error');
  expect(desk.cards.at(-1)?.reason).toBe('error');
});
