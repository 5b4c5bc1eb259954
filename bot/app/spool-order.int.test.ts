import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Store } from '../core/index.js';
import { openRedis } from '../jobs/index.js';
import { openStore } from '../storage/index.js';
import { flakyStore } from '../testing/flaky-store.js';
import { redisForTests } from '../testing/redis.js';
import { InboundSpool } from './inbound-spool.js';
import { RedisSpoolOrder } from './spool-order.js';

// Finding: two instances behind a round-robin balancer each kept a conversation's messages in their own journal
// while PostgreSQL was down, and ran them in their own order once it was back — the conversation's messages ran out
// of order. Now a shared order in Redis holds each kept message's place.

const redis = await redisForTests('the shared spool order test');
const maybe = redis.available ? describe : describe.skip;

/** One instance: its journal (own folder), its bot, the turns its bot ran. */
interface Instance {
  spool: InboundSpool;
  bot: Bot;
  order: RedisSpoolOrder;
}

maybe('InboundSpool across instances: one order for kept messages (Redis)', () => {
  let home: string;
  let base: Store;
  let store: Store;
  let setDown: (down: boolean) => void;
  let prefix: string;
  let turns: string[];
  const instances: Instance[] = [];

  const message = (conversationId: string, text: string): Activity => ({
    id: newId('act'),
    type: 'message',
    channel: 'test',
    channelMessageId: newId('cm'),
    conversationId,
    from: { id: 'customer', role: 'customer' },
    text,
    timestamp: new Date().toISOString(),
  });

  /** Starts an instance on folder `name` (a restarted instance reuses its folder). */
  const instance = async (name: string, waitElsewhereMs = 5_000): Promise<Instance> => {
    const order = new RedisSpoolOrder({ openRedis, url: redis.url, prefix, aliveMs: 60_000 });
    const spool = new InboundSpool({ dir: join(home, name), retryIntervalMs: 60_000, order, waitElsewhereMs, ping: () => store.ping() });
    const bot = new Bot({
      store,
      spool,
      handler: async (ctx) => {
        turns.push(ctx.activity.text);
        await ctx.send({ text: `answer to ${ctx.activity.text}` });
      },
    });
    await spool.start({ process: (activity, sink) => bot.processActivity(activity, sink), sinkFor: () => ({ send: async () => undefined }) });
    const started = { spool, bot, order };
    instances.push(started);
    return started;
  };

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-spool-order-'));
    base = await openStore({ home });
    ({ store, setDown } = flakyStore(base));
    prefix = `parley:test:spool:${randomBytes(6).toString('hex')}`;
    turns = [];
  });

  afterEach(async () => {
    for (const { spool } of instances.splice(0)) await spool.stop();
    await base.close();
    await rm(home, { recursive: true, force: true });
  });

  it('runs a conversation\'s messages kept on two instances in the order they came, whichever instance drains first', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await a.bot.processActivity(message(conversationId, 'one'));
    await b.bot.processActivity(message(conversationId, 'two'));
    await a.bot.processActivity(message(conversationId, 'three'));
    await b.bot.processActivity(message(conversationId, 'four'));
    setDown(false);
    // B drains first: its "two" waits behind A's "one".
    await b.spool.drain();
    expect(turns).toEqual([]);
    for (let round = 0; round < 4 && a.spool.size + b.spool.size > 0; round++) {
      await a.spool.drain();
      await b.spool.drain();
    }
    expect(turns).toEqual(['one', 'two', 'three', 'four']);
    expect((await store.listMessages(conversationId)).filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('a new message on one instance waits until another has run its kept messages of the conversation', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await a.bot.processActivity(message(conversationId, 'kept on a'));
    setDown(false);
    const lookedAtOrder = b.order.earlierElsewhere.bind(b.order);
    const waiting = new Promise<void>((resolve) => {
      b.order.earlierElsewhere = async (...args) => {
        const found = await lookedAtOrder(...args);
        if (found) resolve();
        return found;
      };
    });
    const next = b.bot.processActivity(message(conversationId, 'new on b'));
    // B's message found A's kept one earlier and waits: nothing of the conversation ran yet.
    await Promise.race([waiting, next]);
    expect(turns).toEqual([]);
    await a.spool.drain();
    const result = await next;
    expect(result.replies.map((r) => r.text)).toEqual(['answer to new on b']);
    expect(turns).toEqual(['kept on a', 'new on b']);
  });

  it('a new message that waited too long is kept after them (told "saved"), and runs in order', async () => {
    const a = await instance('a');
    const b = await instance('b', 0);
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await a.bot.processActivity(message(conversationId, 'kept on a'));
    setDown(false);
    const result = await b.bot.processActivity(message(conversationId, 'new on b'));
    expect(result.replies[0]).toMatchObject({ pending: true });
    await b.spool.drain();
    expect(turns).toEqual([]);
    await a.spool.drain();
    await b.spool.drain();
    expect(turns).toEqual(['kept on a', 'new on b']);
  });

  it('messages kept on an instance that stopped do not hold the others back; they run when it starts again', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await a.bot.processActivity(message(conversationId, 'kept on a'));
    await a.spool.stop();
    instances.splice(instances.indexOf(a), 1);
    setDown(false);
    const result = await b.bot.processActivity(message(conversationId, 'new on b'));
    expect(result.replies.map((r) => r.text)).toEqual(['answer to new on b']);
    const restarted = await instance('a');
    await restarted.spool.drain();
    // Nothing lost; the order is given up for the stopped instance's message.
    expect(turns).toEqual(['new on b', 'kept on a']);
    expect(restarted.spool.size).toBe(0);
  });

  it('with Redis unreachable, each instance keeps and runs its own messages in its own order', async () => {
    const order = new RedisSpoolOrder({ openRedis, url: 'redis://127.0.0.1:1', prefix });
    const spool = new InboundSpool({ dir: join(home, 'alone'), retryIntervalMs: 60_000, order });
    const bot = new Bot({ store, spool, handler: async (ctx) => void turns.push(ctx.activity.text) });
    await spool.start({ process: (activity, sink) => bot.processActivity(activity, sink), sinkFor: () => ({ send: async () => undefined }) });
    instances.push({ spool, bot, order });
    const { id: conversationId } = await store.createConversation({ userId: 'customer', channel: 'test' });
    setDown(true);
    await bot.processActivity(message(conversationId, 'first'));
    await bot.processActivity(message(conversationId, 'second'));
    setDown(false);
    await spool.drain();
    expect(turns).toEqual(['first', 'second']);
  });
});
