import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, silentLogger, undeliverable, type Activity, type ChannelAdapter, type Store } from '../core/index.js';
import { openStore } from '../storage/index.js';
import { OutboxWorker } from './outbox-worker.js';

function adapter(channel: string, behaviour: () => Promise<void>): ChannelAdapter & { sent: Activity[] } {
  const sent: Activity[] = [];
  return {
    channel,
    sent,
    capabilities: { typing: false, quickReplies: false, images: false, streaming: false, proactive: true },
    send: async (activity) => {
      await behaviour();
      sent.push(activity);
    },
  };
}

describe('OutboxWorker', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-outbox-'));
    store = await openStore({ home });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  /** Runs a turn on `channel` whose delivery fails, leaving one failed reply in the outbox. */
  async function failedReply(channel: string): Promise<string> {
    const bot = new Bot({ store, handler: async (ctx) => void (await ctx.send({ text: 'your refund is on its way' })) });
    const conversation = await store.createConversation({ userId: 'u', channel });
    const activity: Activity = { id: newId('act'), type: 'message', channel, conversationId: conversation.id, from: { id: 'u', role: 'customer' }, text: 'refund?', timestamp: new Date().toISOString() };
    await bot.processActivity(activity, { send: async () => Promise.reject(new Error('vendor API down')) });
    const receipt = await store.receiveInbound(activity);
    return receipt.inboxId;
  }

  it('re-sends failed replies through their channel adapter until they are delivered', async () => {
    const inboxId = await failedReply('sms');
    let down = true;
    const sms = adapter('sms', async () => {
      if (down) throw new Error('still down');
    });
    const worker = new OutboxWorker({ store, adapters: new Map([['sms', sms]]), logger: silentLogger });
    expect(await worker.pass()).toBe(0);
    expect((await store.listOutboundFor(inboxId))[0]).toMatchObject({ status: 'failed', attempts: 2 });
    down = false;
    expect(await worker.pass()).toBe(1);
    expect(sms.sent.map((a) => a.text)).toEqual(['your refund is on its way']);
    expect((await store.listOutboundFor(inboxId))[0]?.status).toBe('sent');
    expect(await worker.pass()).toBe(0);
  });

  it('gives up after the maximum attempts and leaves channels without an adapter alone', async () => {
    const inboxId = await failedReply('sms');
    await failedReply('webchat');
    const sms = adapter('sms', async () => Promise.reject(new Error('down')));
    const worker = new OutboxWorker({ store, adapters: new Map([['sms', sms]]), logger: silentLogger, maxAttempts: 3 });
    for (let i = 0; i < 5; i++) await worker.pass();
    expect((await store.listOutboundFor(inboxId))[0]).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('drops a reply that may never go out (the customer opted out) instead of retrying it', async () => {
    const bot = new Bot({ store, handler: async (ctx) => void (await ctx.send({ text: 'your refund is on its way' })) });
    const conversation = await store.createConversation({ userId: 'u', channel: 'sms' });
    const activity: Activity = { id: newId('act'), type: 'message', channel: 'sms', conversationId: conversation.id, from: { id: 'u', role: 'customer' }, text: 'refund?', timestamp: new Date().toISOString() };
    await bot.processActivity(activity, { send: async () => Promise.reject(undeliverable('opted_out', 'the recipient opted out')) });
    const inboxId = (await store.receiveInbound(activity)).inboxId;
    expect((await store.listOutboundFor(inboxId))[0]).toMatchObject({ status: 'dropped', attempts: 1 });
    // A reply that failed for a passing reason and is then refused for good is dropped by the worker as well.
    const failedId = await failedReply('sms');
    const optedOut = adapter('sms', async () => Promise.reject(undeliverable('opted_out', 'the recipient opted out')));
    const worker = new OutboxWorker({ store, adapters: new Map([['sms', optedOut]]), logger: silentLogger, graceMs: 0 });
    expect(await worker.pass()).toBe(0);
    expect((await store.listOutboundFor(failedId))[0]).toMatchObject({ status: 'dropped', attempts: 2 });
    // Once the customer opts back in, nothing held back is sent.
    const sms = adapter('sms', async () => undefined);
    expect(await new OutboxWorker({ store, adapters: new Map([['sms', sms]]), logger: silentLogger, graceMs: 0 }).pass()).toBe(0);
    expect(sms.sent).toEqual([]);
  });

  it('does not touch a pending reply while its turn may still deliver it', async () => {
    const conversation = await store.createConversation({ userId: 'u', channel: 'sms' });
    const activity: Activity = { id: newId('act'), type: 'message', channel: 'sms', conversationId: conversation.id, from: { id: 'parley', role: 'bot' }, text: 'hi', timestamp: new Date().toISOString() };
    await store.enqueueOutbound({ inboxId: null, activity });
    const sms = adapter('sms', async () => undefined);
    expect(await new OutboxWorker({ store, adapters: new Map([['sms', sms]]), logger: silentLogger }).pass()).toBe(0);
    expect(await new OutboxWorker({ store, adapters: new Map([['sms', sms]]), logger: silentLogger, graceMs: -1000 }).pass()).toBe(1);
  });
});
