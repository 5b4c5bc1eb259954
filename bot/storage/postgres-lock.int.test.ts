import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Store, type TurnContext } from '../core/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { openStore, PostgresAdvisoryLock, PostgresDriver } from './index.js';

const { available, connectionString } = await postgresForTests('the PostgreSQL lock tests');
const describeIfPg = available ? describe : describe.skip;

describeIfPg('PostgresAdvisoryLock', () => {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  let home: string;
  let stores: Store[];
  let locks: PostgresAdvisoryLock[];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-pglock-'));
    // Two "servers": their own store connections and their own lock, one database.
    stores = [await openStore({ home, databaseUrl: connectionString, schema }), await openStore({ home, databaseUrl: connectionString, schema })];
    locks = [new PostgresAdvisoryLock(connectionString), new PostgresAdvisoryLock(connectionString)];
  });
  afterAll(async () => {
    for (const lock of locks) await lock.close();
    for (const store of stores) await store.close();
    const driver = new PostgresDriver({ connectionString, schema });
    await driver.dropSchema(schema);
    await driver.close();
    await rm(home, { recursive: true, force: true });
  });

  it('serializes work on one key across instances and lets other keys run', async () => {
    const order: string[] = [];
    const slow = (name: string) => async () => {
      order.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      order.push(`${name}:end`);
    };
    await Promise.all([locks[0]!.run('conv-1', slow('a')), locks[1]!.run('conv-1', slow('b'))]);
    expect([order.slice(0, 2), order.slice(2)].map((pair) => pair[0]!.split(':')[0] === pair[1]!.split(':')[0])).toEqual([true, true]);
    const started = Date.now();
    await Promise.all([locks[0]!.run('conv-2', slow('c')), locks[1]!.run('conv-3', slow('d'))]);
    expect(Date.now() - started).toBeLessThan(190);
  });

  it('tryRun runs work on one instance only while another holds the key, and again once it is free', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = locks[0]!.tryRun('zendesk-sync', async () => {
      await held;
      return 'first';
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await locks[1]!.tryRun('zendesk-sync', async () => 'second')).toEqual({ ran: false });
    // The same process does not run it twice at once either.
    expect(await locks[0]!.tryRun('zendesk-sync', async () => 'again')).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, value: 'first' });
    expect(await locks[1]!.tryRun('zendesk-sync', async () => 'second')).toEqual({ ran: true, value: 'second' });
  });

  it('makes a redelivery racing its first delivery on another server answer with the same replies, once', async () => {
    let runs = 0;
    const handler = async (ctx: TurnContext) => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      await ctx.send({ text: 'refunds take 5–7 business days' });
    };
    const bots = [0, 1].map((i) => new Bot({ store: stores[i]!, handler, lock: locks[i]! }));
    const conversation = await stores[0]!.createConversation({ userId: 'u', channel: 'sms' });
    const activity: Activity = {
      id: newId('act'),
      type: 'message',
      channel: 'sms',
      channelMessageId: newId('SM'),
      conversationId: conversation.id,
      from: { id: 'u', role: 'customer' },
      text: 'how long do refunds take?',
      timestamp: new Date().toISOString(),
    };
    const [first, second] = await Promise.all([bots[0]!.processActivity(activity), bots[1]!.processActivity({ ...activity, id: newId('act') })]);
    expect(runs).toBe(1);
    expect([first!.duplicate, second!.duplicate].sort()).toEqual([false, true]);
    expect(first!.replies.map((r) => r.text)).toEqual(['refunds take 5–7 business days']);
    expect(second!.replies.map((r) => r.text)).toEqual(['refunds take 5–7 business days']);
  });
});
