import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebchatSockets } from '../../channels/webchat/index.js';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger, type Activity, type ChannelAdapter } from '../core/index.js';
import { customerDelivery } from './handoff.js';
import { createParley, type Parley } from './parley.js';

let home: string;
let parley: Parley;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-delivery-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
});

afterAll(async () => {
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

const agentMessage = (conversationId: string, channel: string, text: string): Activity => ({
  id: newId('act'),
  type: 'message',
  channel,
  conversationId,
  from: { id: 'U1', role: 'agent', name: 'Alex' },
  text,
  timestamp: new Date().toISOString(),
});

test('agent messages go through the outbox and transcript to the conversation\'s channel; a failed send stays for the retry worker', async () => {
  const sent: Activity[] = [];
  let fail = false;
  const sms: ChannelAdapter = {
    channel: 'twilio',
    capabilities: { typing: false, quickReplies: false, images: true, streaming: false, proactive: true },
    send: async (activity) => {
      if (fail) throw new Error('Twilio is down');
      sent.push(activity);
    },
  };
  const pushed: { conversationId: string; frame: Record<string, unknown> }[] = [];
  const webchat = { push: (conversationId: string, frame: Record<string, unknown>) => (pushed.push({ conversationId, frame }), 1) } as unknown as WebchatSockets;
  const deliver = customerDelivery(parley, { adapters: () => new Map([['twilio', sms]]), webchat: () => webchat });

  const phone = await parley.store.createConversation({ userId: '+15550001111', channel: 'twilio' });
  await deliver(agentMessage(phone.id, 'twilio', 'Your parcel ships today'));
  expect(sent.map((a) => a.text)).toEqual(['Your parcel ships today']);
  fail = true;
  await deliver(agentMessage(phone.id, 'twilio', 'And here is the tracking link'));
  const pending = await parley.store.listPendingOutbound(10);
  expect(pending.map((o) => [o.activity.text, o.status, o.attempts])).toEqual([['And here is the tracking link', 'failed', 1]]);
  expect((await parley.store.listMessages(phone.id)).map((m) => [m.role, m.text])).toEqual([
    ['agent', 'Your parcel ships today'],
    ['agent', 'And here is the tracking link'],
  ]);

  const chat = await parley.store.createConversation({ userId: 'visitor', channel: 'webchat' });
  await deliver(agentMessage(chat.id, 'webchat', 'Hi from Alex'));
  expect(pushed).toEqual([{ conversationId: chat.id, frame: { type: 'message', message: expect.objectContaining({ role: 'agent', text: 'Hi from Alex', channel: 'webchat', authorName: 'Alex' }) } }]);

  // REST clients read the transcript: nothing to push, and the message counts as delivered.
  const rest = await parley.store.createConversation({ userId: 'api', channel: 'rest' });
  await deliver(agentMessage(rest.id, 'rest', 'Hello REST'));
  expect((await parley.store.listPendingOutbound(10)).map((o) => o.activity.text)).toEqual(['And here is the tracking link']);
});
