import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../storage/index.js';
import type { Activity } from './activity.js';
import { Bot } from './bot.js';
import { undeliverable } from './delivery.js';
import { ParleyError } from './errors.js';
import { newId } from './ids.js';
import type { Store } from './store.js';

/** `Bot.record`: inbound activity stored with a turn's bookkeeping, without a turn. */
describe('Bot.record', () => {
  let home: string;
  let store: Store;
  let turns: number;
  let bot: Bot;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-record-'));
    store = await openStore({ home });
    turns = 0;
    bot = new Bot({ store, handler: async (ctx) => void (turns++, await ctx.send({ text: 'a turn ran' })) });
  });

  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  const message = async (text: string, channelMessageId = newId('sid')): Promise<Activity> => {
    const { id: conversationId } = await store.createConversation({ userId: '+15550001', channel: 'twilio' });
    return { id: newId('act'), type: 'message', channel: 'twilio', channelMessageId, conversationId, from: { id: '+15550001', role: 'customer' }, text, timestamp: new Date().toISOString() };
  };

  it('stores the message in the transcript and ends its inbox row, running no middleware or handler', async () => {
    let middleware = 0;
    bot.use(async (_ctx, next) => void (middleware++, await next()));
    const activity = await message('STOP');
    const result = await bot.record(activity);
    expect(result).toEqual({ duplicate: false, replies: [], inboxId: expect.any(String) });
    expect((await store.listMessages(activity.conversationId)).map((m) => [m.role, m.text])).toEqual([['customer', 'STOP']]);
    expect(await store.getInbound(result.inboxId)).toMatchObject({ status: 'done' });
    expect([turns, middleware]).toEqual([0, 0]);
  });

  it('sends a notice once and runs onFirstDelivery once, however often the message is redelivered', async () => {
    const activity = await message('HELP', 'SM-help');
    const sent: Activity[] = [];
    let first = 0;
    const options = { notice: 'Reply STOP to opt out.', sink: { send: async (reply: Activity) => void sent.push(reply) }, onFirstDelivery: async () => void first++ };
    const once = await bot.record(activity, options);
    const again = await bot.record({ ...activity, id: newId('act') }, options);
    expect(once.replies).toEqual([expect.objectContaining({ text: 'Reply STOP to opt out.', action: 'answer', from: { id: 'parley', role: 'bot' }, replyToId: activity.id })]);
    expect(again).toEqual({ duplicate: true, replies: once.replies, inboxId: once.inboxId });
    expect(sent.map((a) => a.id)).toEqual([once.replies[0]?.id]);
    expect(first).toBe(1);
    expect((await store.listMessages(activity.conversationId)).map((m) => [m.role, m.text])).toEqual([
      ['customer', 'HELP'],
      ['bot', 'Reply STOP to opt out.'],
    ]);
    expect(turns).toBe(0);
  });

  it('a redelivered message that was recorded is not run as a turn either', async () => {
    const activity = await message('an out-of-office reply', 'msg-1');
    await bot.record(activity);
    const result = await bot.processActivity({ ...activity, id: newId('act') });
    expect(result.duplicate).toBe(true);
    expect(turns).toBe(0);
  });

  it('a recorded message left unfinished by a crash is recorded again by the recovery run, not answered', async () => {
    const activity = await message('Automatic reply: out of office', 'msg-ooo');
    // The process died after storing the message: the inbox row is accepted, its activity marked record-only.
    await store.acceptInbound({ ...activity, recordOnly: true });
    const [row] = await store.listRecoverableInbound({ acceptedBefore: new Date(Date.now() + 1000).toISOString(), limit: 10 });
    expect(row?.activity).toMatchObject({ id: activity.id, recordOnly: true });
    const result = await bot.run(row!.activity);
    expect(result).toMatchObject({ duplicate: false, replies: [] });
    expect(await store.getInbound(result.inboxId!)).toMatchObject({ status: 'done' });
    expect(turns).toBe(0);
  });

  it('drops an undeliverable notice and keeps one that failed otherwise for the outbox retry', async () => {
    const optedOut = await message('HELP');
    const dropped = await bot.record(optedOut, { notice: 'help text', sink: { send: async () => Promise.reject(undeliverable('opted_out', 'opted out')) } });
    const failing = await message('HELP');
    const kept = await bot.record(failing, { notice: 'help text', sink: { send: async () => Promise.reject(new Error('Twilio 503')) } });
    expect((await store.listOutboundFor(dropped.inboxId)).map((o) => o.status)).toEqual(['dropped']);
    expect((await store.listOutboundFor(kept.inboxId)).map((o) => o.status)).toEqual(['failed']);
  });

  it('refuses a message of a conversation that does not exist', async () => {
    const activity = { ...(await message('STOP')), conversationId: 'conv_missing' };
    await expect(bot.record(activity)).rejects.toThrow(ParleyError);
    await expect(bot.record(activity)).rejects.toMatchObject({ code: 'conversation_not_found' });
  });
});
