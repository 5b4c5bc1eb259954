import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, type Activity, type Store, type TurnContext } from '../core/index.js';
import pg from 'pg';
import { advisoryLockWaiters, postgresForTests } from '../testing/postgres.js';
import { waitFor } from '../testing/wait.js';
import { openStore, PostgresAdvisoryLock, PostgresDriver } from './index.js';

const { available, connectionString } = await postgresForTests('the PostgreSQL lock tests');
const describeIfPg = available ? describe : describe.skip;

describeIfPg('PostgresAdvisoryLock', () => {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  let home: string;
  let stores: Store[];
  let locks: PostgresAdvisoryLock[];
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString });
    await admin.connect();
    home = await mkdtemp(join(tmpdir(), 'parley-pglock-'));
    // Two "servers": their own store connections and their own lock, one database.
    stores = [await openStore({ home, databaseUrl: connectionString, schema }), await openStore({ home, databaseUrl: connectionString, schema })];
    locks = [new PostgresAdvisoryLock(connectionString), new PostgresAdvisoryLock(connectionString)];
  });
  afterAll(async () => {
    await admin.end();
    for (const lock of locks) await lock.close();
    for (const store of stores) await store.close();
    const driver = new PostgresDriver({ connectionString, schema });
    await driver.dropSchema(schema);
    await driver.close();
    await rm(home, { recursive: true, force: true });
  });

  it('serializes work on one key across instances and lets other keys run', async () => {
    const order: string[] = [];
    // The first holder of conv-1 keeps it until the other instance waits for it (or, were the lock broken, has
    // started too).
    const holdsUntilOtherWaits = (name: string) => async () => {
      order.push(`${name}:start`);
      if (order.length === 1) await waitFor(async () => order.length > 1 || (await advisoryLockWaiters(admin, 'conv-1')) >= 1, 10_000, 'the other instance to wait');
      order.push(`${name}:end`);
    };
    await Promise.all([locks[0]!.run('conv-1', holdsUntilOtherWaits('a')), locks[1]!.run('conv-1', holdsUntilOtherWaits('b'))]);
    expect([order.slice(0, 2), order.slice(2)].map((pair) => pair[0]!.split(':')[0] === pair[1]!.split(':')[0])).toEqual([true, true]);
    // Different keys run at once: each ends only once both have started (serialized, they would wait for ever).
    const started = new Set<string>();
    const endsWhenBothStarted = (name: string) => async () => {
      started.add(name);
      await waitFor(() => started.size === 2, 10_000, 'both keys to be held at once');
    };
    await Promise.all([locks[0]!.run('conv-2', endsWhenBothStarted('c')), locks[1]!.run('conv-3', endsWhenBothStarted('d'))]);
  });

  it('tryRun runs work on one instance only while another holds the key, and again once it is free', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    const first = locks[0]!.tryRun('zendesk-sync', async () => {
      holding = true;
      await held;
      return 'first';
    });
    await waitFor(() => holding, 10_000, 'the first instance to hold the key');
    expect(await locks[1]!.tryRun('zendesk-sync', async () => 'second')).toEqual({ ran: false });
    // The same process does not run it twice at once either.
    expect(await locks[0]!.tryRun('zendesk-sync', async () => 'again')).toEqual({ ran: false });
    release();
    expect(await first).toEqual({ ran: true, value: 'first' });
    expect(await locks[1]!.tryRun('zendesk-sync', async () => 'second')).toEqual({ ran: true, value: 'second' });
  });

  it('makes a redelivery racing its first delivery on another server answer with the same replies, once', async () => {
    let runs = 0;
    // The turn goes on once the other server's delivery waits for the conversation, so that the two race.
    let conversationId = '';
    const handler = async (ctx: TurnContext) => {
      runs++;
      await waitFor(async () => runs > 1 || (await advisoryLockWaiters(admin, conversationId)) >= 1, 10_000, 'the other delivery to wait for the conversation');
      await ctx.send({ text: 'refunds take 5–7 business days' });
    };
    const bots = [0, 1].map((i) => new Bot({ store: stores[i]!, handler, lock: locks[i]! }));
    const conversation = await stores[0]!.createConversation({ userId: 'u', channel: 'sms' });
    conversationId = conversation.id;
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
