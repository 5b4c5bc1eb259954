import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Store, type TurnSink } from '../core/index.js';
import { openStore } from '../storage/index.js';
import { InboundSpool, SAVED_NOTICE_TEXT } from './inbound-spool.js';
import { flakyStore } from '../testing/flaky-store.js';

describe('InboundSpool: messages that arrive while the store is unavailable', () => {
  let home: string;
  let base: Store;
  let store: Store;
  let setDown: (down: boolean) => void;
  let spool: InboundSpool;
  let bot: Bot;
  let delivered: Activity[];
  let turns: string[];

  const message = (conversationId: string, text: string, channelMessageId = newId('cm')): Activity => ({
    id: newId('act'),
    type: 'message',
    channel: 'test',
    channelMessageId,
    conversationId,
    from: { id: 'customer', role: 'customer' },
    text,
    timestamp: new Date().toISOString(),
  });
  const start = (target: InboundSpool) =>
    target.start({ process: (activity, sink) => bot.processActivity(activity, sink), sinkFor: () => ({ send: async (reply) => void delivered.push(reply) }) });

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-spool-'));
    base = await openStore({ home });
    ({ store, setDown } = flakyStore(base));
    delivered = [];
    turns = [];
    spool = new InboundSpool({ dir: join(home, 'spool'), retryIntervalMs: 60_000 });
    bot = new Bot({
      store,
      spool,
      handler: async (ctx) => {
        turns.push(ctx.activity.text);
        await ctx.send({ text: `answer to ${ctx.activity.text}` });
      },
    });
  });

  afterEach(async () => {
    await spool.stop();
    await base.close();
    await rm(home, { recursive: true, force: true });
  });

  it('keeps the message on disk (0600), answers "saved" through the sink, and runs its turn once the store is back', async () => {
    await start(spool);
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    const sent: Activity[] = [];
    const sink: TurnSink = { send: async (reply) => void sent.push(reply) };
    const result = await bot.processActivity(message(conversationId, 'where is my order?'), sink);
    expect(result.replies).toEqual([expect.objectContaining({ text: SAVED_NOTICE_TEXT, pending: true, conversationId })]);
    expect(sent.map((r) => r.text)).toEqual([SAVED_NOTICE_TEXT]);
    expect(spool.size).toBe(1);
    const file = join(home, 'spool', 'inbound.jsonl');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'spool'))).mode & 0o777).toBe(0o700);
    expect(await readFile(file, 'utf8')).toContain('where is my order?');

    // Still down: the drainer's attempt keeps it, and sends no second notice.
    await spool.drain();
    expect(spool.size).toBe(1);
    expect(delivered).toEqual([]);

    setDown(false);
    await spool.drain();
    expect(spool.size).toBe(0);
    expect(turns).toEqual(['where is my order?']);
    expect(delivered.map((r) => r.text)).toEqual(['answer to where is my order?']);
    expect((await store.listMessages(conversationId)).map((m) => m.text)).toEqual(['where is my order?', 'answer to where is my order?']);
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('a kept message survives a restart: a new spool on the same folder runs it', async () => {
    await start(spool);
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await bot.processActivity(message(conversationId, 'kept across a restart'));
    await spool.stop();
    setDown(false);

    spool = new InboundSpool({ dir: join(home, 'spool'), retryIntervalMs: 60_000 });
    bot = new Bot({ store, spool, handler: async (ctx) => void (await ctx.send({ text: `answer to ${ctx.activity.text}` })) });
    await start(spool);
    await spool.drain();
    expect(delivered.map((r) => r.text)).toEqual(['answer to kept across a restart']);
  });

  it('runs kept messages before the next message of their conversation, in order, and a re-sent copy once', async () => {
    await start(spool);
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await bot.processActivity(message(conversationId, 'first', 'm1'));
    await bot.processActivity(message(conversationId, 'second', 'm2'));
    await bot.processActivity(message(conversationId, 'second', 'm2')); // the customer's retry
    expect(spool.size).toBe(2);
    setDown(false);
    const third = await bot.processActivity(message(conversationId, 'third', 'm3'));
    expect(third.replies.map((r) => r.text)).toEqual(['answer to third']);
    expect(turns).toEqual(['first', 'second', 'third']);
    expect((await store.listMessages(conversationId)).filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['first', 'second', 'third']);
  });

  it('a new message waits behind kept ones while the store is still unavailable for them', async () => {
    await start(spool);
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await bot.processActivity(message(conversationId, 'first'));
    const next = await bot.processActivity(message(conversationId, 'next'));
    expect(next.replies[0]).toMatchObject({ pending: true });
    expect(spool.size).toBe(2);
    setDown(false);
    await spool.drain();
    expect(turns).toEqual(['first', 'next']);
  });

  it('without a spool, the store error reaches the caller as store_unavailable (503)', async () => {
    const plain = new Bot({ store, handler: async () => undefined });
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await expect(plain.processActivity(message(conversationId, 'hello'))).rejects.toMatchObject({ code: 'store_unavailable', httpStatus: 503 });
  });
});
