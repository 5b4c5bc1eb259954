import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Bot, newId, type Activity, type Store, type TurnContext } from '../core/index.js';
import { advisoryLockWaiters, postgresForTests } from '../testing/postgres.js';
import { recordingLogger, waitFor } from '../testing/wait.js';
import { openStore, PostgresAdvisoryLock, PostgresDriver } from './index.js';

/**
 * Per-conversation ordering across two instances on one PostgreSQL database, in the cases a Redis lock store with a
 * fixed expiry gets wrong (Rasa's): a turn longer than any expiry, a lock lost mid-turn (its connection cut) and a
 * stale holder whose lease was taken over, and waiters that must wake as soon as the holder is done.
 */
const { available, connectionString } = await postgresForTests('per-conversation ordering across instances');
const describeIfPg = available ? describe : describe.skip;

describeIfPg('turns of one conversation across two instances', () => {
  const schema = `parley_order_${randomBytes(6).toString('hex')}`;
  let home: string;
  let stores: Store[];
  let locks: PostgresAdvisoryLock[];
  let admin: pg.Client;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-order-'));
    stores = [await openStore({ home, databaseUrl: connectionString, schema }), await openStore({ home, databaseUrl: connectionString, schema })];
    locks = [new PostgresAdvisoryLock(connectionString), new PostgresAdvisoryLock(connectionString)];
    admin = new pg.Client({ connectionString });
    await admin.connect();
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

  const customerMessage = (conversationId: string, text: string): Activity => ({
    id: newId('act'),
    type: 'message',
    channel: 'sms',
    channelMessageId: newId('SM'),
    conversationId,
    from: { id: 'u', role: 'customer' },
    text,
    timestamp: new Date().toISOString(),
  });

  /** Ends the database session holding the advisory lock of `key` (as PostgreSQL does when a connection drops). */
  const cutLockConnection = async (key: string): Promise<number> => {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 7261)`,
      [key],
    );
    for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    return rows.length;
  };

  /**
   * Runs `work`, again while it fails with `store_unavailable` (the shared `waitFor`, for 10 s at most): a cut database
   * session makes every pool of this process start over (as after an outage), and channels re-deliver (or the spool
   * re-runs) what failed meanwhile.
   */
  const retrying = async <T>(work: () => Promise<T>): Promise<T> => {
    const done = await waitFor(async () => {
      try {
        return { value: await work() };
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'store_unavailable') throw error;
        return undefined;
      }
    }, 10_000, 'the database to answer again');
    return done.value;
  };

  /** `store`, counting the calls of `method` (a bot's heartbeats, or its looks at a turn it waits for). */
  const counting = (store: Store, method: keyof Store): { store: Store; calls: () => number } => {
    let calls = 0;
    const proxied = new Proxy(store, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver);
        if (name !== method || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { store: proxied, calls: () => calls };
  };

  /** A gate a turn waits at until the test opens it (or the test ends: a failed test leaves no turn hanging). */
  const gates: Array<() => void> = [];
  const gate = (): { passed: Promise<void>; open: () => void } => {
    let open!: () => void;
    const passed = new Promise<void>((resolve) => (open = resolve));
    gates.push(open);
    return { passed, open };
  };
  afterEach(() => gates.splice(0).forEach((open) => open()));

  // A test that cut a session leaves the pools reconnecting: the next one starts once both instances answer again.
  beforeEach(async () => {
    for (const store of stores) await retrying(() => store.getSetting('order-test'));
  });

  it('keeps a turn longer than its lease (heartbeat, no expiry): a redelivery on the other instance runs nothing twice', async () => {
    let runs = 0;
    const longTurn = gate();
    const handler = async (ctx: TurnContext) => {
      runs++;
      await longTurn.passed;
      await ctx.send({ text: 'the long answer' });
    };
    // A lease of 300 ms, renewed every 100 ms while the turn runs.
    const heartbeats = counting(stores[0]!, 'renewInboundLease');
    const bots = [new Bot({ store: heartbeats.store, handler, lock: locks[0]!, leaseMs: 300 }), new Bot({ store: stores[1]!, handler, lock: locks[1]!, leaseMs: 300 })];
    const conversation = await stores[0]!.createConversation({ userId: 'u', channel: 'sms' });
    const activity = customerMessage(conversation.id, 'a question that takes long');
    const first = bots[0]!.processActivity(activity);
    // Four heartbeats: the turn has outlived its lease (300 ms).
    await waitFor(() => heartbeats.calls() >= 4, 10_000, 'four heartbeats of the long turn');
    const redelivered = bots[1]!.processActivity({ ...activity, id: newId('act') });
    // The redelivery finds the conversation busy, and waits for it instead of running the turn.
    await waitFor(async () => (await advisoryLockWaiters(admin, conversation.id)) >= 1, 10_000, 'the redelivery to wait for the conversation');
    expect(runs).toBe(1);
    longTurn.open();
    const redelivery = await redelivered;
    expect(runs).toBe(1);
    expect(redelivery.duplicate).toBe(true);
    expect(redelivery.replies.map((r) => r.text)).toEqual(['the long answer']);
    expect((await first).replies.map((r) => r.text)).toEqual(['the long answer']);
  });

  it('keeps order when the conversation lock is lost mid-turn: the next message on the other instance waits for the running turn', async () => {
    const events: string[] = [];
    const firstTurn = gate();
    const handler = async (ctx: TurnContext) => {
      events.push(`start:${ctx.activity.text}`);
      if (ctx.activity.text === 'first') await firstTurn.passed;
      events.push(`end:${ctx.activity.text}`);
      await ctx.send({ text: `re: ${ctx.activity.text}` });
    };
    const looks = counting(stores[1]!, 'getInbound');
    const bots = [new Bot({ store: stores[0]!, handler, lock: locks[0]!, leaseMs: 5_000 }), new Bot({ store: looks.store, handler, lock: locks[1]!, leaseMs: 5_000 })];
    const conversation = await stores[0]!.createConversation({ userId: 'u', channel: 'sms' });
    const first = bots[0]!.processActivity(customerMessage(conversation.id, 'first'));
    await waitFor(() => events.includes('start:first'), 10_000, 'the first turn to start');
    // The lock's session ends (network cut, server restart): PostgreSQL releases the lock; the turn goes on.
    expect(await cutLockConnection(conversation.id)).toBe(1);
    const secondMessage = customerMessage(conversation.id, 'second');
    const secondRun = retrying(() => bots[1]!.processActivity(secondMessage));
    // The other instance finds an earlier turn of the conversation running, and waits (looking again).
    await waitFor(() => looks.calls() >= 2, 10_000, 'the second message to wait for the first turn');
    firstTurn.open();
    const second = await secondRun;
    await first;
    expect(events).toEqual(['start:first', 'end:first', 'start:second', 'end:second']);
    expect(second.replies.map((r) => r.text)).toEqual(['re: second']);
    // And the instance whose lock connection was cut takes the lock again for the next turn.
    const third = customerMessage(conversation.id, 'third');
    expect((await retrying(() => bots[0]!.processActivity(third))).replies.map((r) => r.text)).toEqual(['re: third']);
  });

  it('refuses a stale holder: a run whose lease was taken over does not end the turn, nor record its replies twice', async () => {
    const conversation = await stores[0]!.createConversation({ userId: 'u', channel: 'sms' });
    const activity = customerMessage(conversation.id, 'where is my parcel?');
    // Instance A cannot renew its lease (its store answers "no longer yours", as after a long pause): B takes over.
    const paused: Store = new Proxy(stores[0]!, {
      get: (target, name, receiver) => (name === 'renewInboundLease' ? async () => false : Reflect.get(target, name, receiver)),
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let staleStarted = false;
    const logger = recordingLogger();
    const stale = new Bot({
      store: paused,
      lock: locks[0]!,
      leaseMs: 200,
      logger,
      handler: async (ctx) => {
        staleStarted = true;
        await held;
        await ctx.send({ text: 'stale answer' });
      },
    });
    const fresh = new Bot({ store: stores[1]!, lock: locks[1]!, leaseMs: 10_000, handler: async (ctx) => void (await ctx.send({ text: 'fresh answer' })) });
    const staleRun = stale.processActivity(activity);
    await waitFor(() => staleStarted, 10_000, 'the stale run to start its turn');
    // A's conversation lock is gone too (its connection cut), so only the lease and the fence protect the turn.
    await cutLockConnection(conversation.id);
    // B's redelivery waits for A's lease (200 ms, never renewed) to expire, then takes the turn over.
    const redelivery = { ...activity, id: newId('act') };
    const freshRun = await retrying(() => fresh.processActivity(redelivery));
    expect(freshRun.replies.map((r) => r.text)).toEqual(['fresh answer']);
    const inboxId = freshRun.inboxId!;
    // A's pools are back from the cut before its run goes on: what refuses its writes is the fence, not an outage.
    await retrying(() => stores[0]!.getInbound(inboxId));
    release();
    const staleResult = await staleRun;
    // The stale run's reply at the same position is the one already recorded; the turn stays ended by the fresh run.
    expect(staleResult.replies.map((r) => r.text)).toEqual(['fresh answer']);
    expect(logger.lines).toContain('turn lease was taken over by another run: this run does not end the turn');
    const inbox = await stores[0]!.getInbound(inboxId);
    expect(inbox?.status).toBe('done');
    expect((await stores[0]!.listOutboundFor(inboxId)).map((o) => o.activity.text)).toEqual(['fresh answer']);
  });

  it('wakes a waiter on the other instance as soon as the holder is done (no lease expiry waited for), and starves no one', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const endedAt = new Map<string, number>();
    const startedAt = new Map<string, number>();
    const holding = gate();
    const handler = async (ctx: TurnContext) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      startedAt.set(ctx.activity.text ?? '', Date.now());
      if (ctx.activity.text === 'holder') await holding.passed;
      // A hop through the event loop, as a turn's own work makes: the next waiter may try to cut in meanwhile.
      else await new Promise((resolve) => setImmediate(resolve));
      endedAt.set(ctx.activity.text ?? '', Date.now());
      inFlight--;
      await ctx.send({ text: `re: ${ctx.activity.text}` });
    };
    // A long lease: a waiter that only got the turn after the holder's lease expired would wait 60 s.
    const accepts = [counting(stores[0]!, 'acceptInbound'), counting(stores[1]!, 'acceptInbound')];
    const bots = [0, 1].map((i) => new Bot({ store: accepts[i]!.store, handler, lock: locks[i]!, leaseMs: 60_000 }));
    const conversation = await stores[0]!.createConversation({ userId: 'u', channel: 'sms' });
    const holder = bots[0]!.processActivity(customerMessage(conversation.id, 'holder'));
    await waitFor(() => startedAt.has('holder'), 10_000, 'the holder turn to start');
    const waiters = Array.from({ length: 10 }, (_, i) => bots[i % 2]!.processActivity(customerMessage(conversation.id, `waiter-${i}`)));
    // The holder ends once every waiter is in the inbox, waiting for the conversation.
    await waitFor(() => accepts[0]!.calls() + accepts[1]!.calls() >= 11, 10_000, 'every waiter to be accepted');
    holding.open();
    const results = await Promise.all([holder, ...waiters]);
    expect(results.every((r) => r.replies.length === 1)).toBe(true);
    expect(maxInFlight).toBe(1);
    const firstWaiterStart = Math.min(...[...startedAt].filter(([text]) => text !== 'holder').map(([, at]) => at));
    // Woken by the release, far sooner than the lease (60 s).
    expect(firstWaiterStart - endedAt.get('holder')!).toBeLessThan(10_000);
  }, 60_000);
});
