import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, newId, silentLogger, type Activity, type Store, type TurnContext } from '../core/index.js';
import { openStore } from '../storage/index.js';
import { TurnRecovery } from './turn-recovery.js';
import { advanceClock, useFakeDate } from '../testing/clock.js';
import { waitFor } from '../testing/wait.js';

let home: string;
let store: Store;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-recovery-'));
  store = await openStore({ home });
});

afterAll(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

// Leases and the accept grace are compared with the clock: it is faked and moved by the tests (`advanceClock`), so
// a lease expires exactly when a test says so and nobody sleeps. Timers stay real (the bots poll on them).
beforeEach(() => useFakeDate());
afterEach(() => void jest.useRealTimers());

/** The store, counting the times a bot looked at an inbox row it could not claim (it then waits and looks again). */
function watchingInbox(target: Store): { store: Store; looks: () => number } {
  let looks = 0;
  const store = new Proxy(target, {
    get(object, property) {
      if (property === 'getInbound') {
        return (...args: Parameters<Store['getInbound']>) => {
          looks++;
          return object.getInbound(...args);
        };
      }
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
  return { store, looks: () => looks };
}

async function customerMessage(text: string, channel = 'webchat'): Promise<Activity> {
  const conversation = await store.createConversation({ userId: 'u1', channel });
  const id = newId('act');
  return { id, type: 'message', channel, channelMessageId: `${conversation.id}:${newId('c')}`, conversationId: conversation.id, from: { id: 'u1', role: 'customer' }, text, timestamp: new Date().toISOString() };
}

const echo = async (ctx: TurnContext): Promise<void> => void (await ctx.send({ text: `answer to ${ctx.activity.text}` }));

/** A sink that records what it was given. */
function recording(): { sent: Activity[]; send: (a: Activity) => Promise<void> } {
  const sent: Activity[] = [];
  return { sent, send: async (activity) => void sent.push(activity) };
}

/** A process that accepted a message, started its turn and died: the lease is never renewed. */
async function diedMidTurn(activity: Activity, leaseMs = 100): Promise<string> {
  const receipt = await store.acceptInbound(activity);
  expect(await store.claimInbound(receipt.inboxId, { owner: 'dead-process', ttlMs: leaseMs })).toEqual({ attempts: 1 });
  return receipt.inboxId;
}

describe('a turn killed mid-way', () => {
  it('is run again by the recovery loop once its lease has expired, and its reply is delivered', async () => {
    const activity = await customerMessage('where is my parcel?');
    const inboxId = await diedMidTurn(activity);
    const sink = recording();
    const bot = new Bot({ store, handler: echo, leaseMs: 1_000 });
    const recovery = new TurnRecovery({ bot, store, logger: silentLogger, sink: () => sink });

    // Up to the end of the lease the turn may still be running elsewhere: nothing is run again.
    advanceClock(100);
    expect(await recovery.pass()).toBe(0);
    expect(sink.sent).toEqual([]);
    // Once the lease has expired, a pass runs it again.
    advanceClock(1);
    expect(await recovery.pass()).toBe(1);

    expect(sink.sent.map((a) => a.text)).toEqual(['answer to where is my parcel?']);
    expect(await store.getInbound(inboxId)).toMatchObject({ status: 'done' });
    expect((await store.listOutboundFor(inboxId)).map((o) => o.status)).toEqual(['sent']);
    expect((await store.listMessages(activity.conversationId)).map((m) => m.text)).toEqual(['where is my parcel?', 'answer to where is my parcel?']);
    // Nothing left to recover.
    await recovery.pass();
    expect(sink.sent).toHaveLength(1);
  });

  it('runs messages that were accepted but never started, in the order they came', async () => {
    const first = await customerMessage('one');
    const second = { ...first, id: newId('act'), channelMessageId: `${first.conversationId}:${newId('c')}`, text: 'two' };
    await store.acceptInbound(first);
    await store.acceptInbound(second);
    // Older than the grace (none here) only once the clock has passed their accept times, which never go back within
    // a process: earlier tests moved this process's clock up to 201 ms ahead of the real one.
    advanceClock(1_000);
    const sink = recording();
    const bot = new Bot({ store, handler: echo });
    await new TurnRecovery({ bot, store, logger: silentLogger, sink: () => sink, acceptGraceMs: 0 }).pass();
    expect(sink.sent.filter((a) => a.conversationId === first.conversationId).map((a) => a.text)).toEqual(['answer to one', 'answer to two']);
  });

  it('does not send or store again a reply the dead run had recorded and delivered', async () => {
    const activity = await customerMessage('two replies please');
    const inboxId = await diedMidTurn(activity, 1);
    // The dead run got as far as its first reply (recorded and sent), then died before the second.
    const firstReply: Activity = { id: newId('act'), type: 'message', channel: 'webchat', conversationId: activity.conversationId, from: { id: 'parley', role: 'bot' }, text: 'first part', timestamp: new Date().toISOString(), replyToId: activity.id };
    const { record } = await store.recordReply({ inboxId, index: 0, activity: firstReply });
    await store.markOutbound(record.id, 'sent');
    advanceClock(2);

    const sink = recording();
    const bot = new Bot({ store, handler: async (ctx) => {
      await ctx.send({ text: 'first part, worded differently this time' });
      await ctx.send({ text: 'second part' });
    } });
    const result = await bot.run(activity, sink);

    expect(sink.sent.map((a) => a.text)).toEqual(['second part']);
    expect(result.replies.map((a) => a.text)).toEqual(['first part', 'second part']);
    expect((await store.listMessages(activity.conversationId)).map((m) => m.text)).toEqual(['two replies please', 'first part', 'second part']);
    expect((await store.listOutboundFor(inboxId)).map((o) => [o.activity.text, o.status])).toEqual([
      ['first part', 'sent'],
      ['second part', 'sent'],
    ]);
  });

  it('answers politely instead of running a turn that keeps taking its process down', async () => {
    const activity = await customerMessage('poison');
    const inboxId = await diedMidTurn(activity, 1);
    // Two more processes claim it (each once the last one's 1 ms lease expired) and die too.
    for (let i = 0; i < 2; i++) {
      expect(await store.claimInbound(inboxId, { owner: `dead-${i}`, ttlMs: 1 })).toBeUndefined();
      advanceClock(2);
      expect(await store.claimInbound(inboxId, { owner: `dead-${i}`, ttlMs: 1 })).toEqual({ attempts: i + 2 });
    }
    // The last one's 1 ms lease must have expired before this run claims the turn (a fourth attempt).
    advanceClock(2);
    let ran = false;
    const bot = new Bot({ store, handler: async () => void (ran = true), maxTurnAttempts: 3 });
    const result = await bot.run(activity, recording());
    expect(ran).toBe(false);
    expect(result.replies).toEqual([expect.objectContaining({ action: 'handoff' })]);
    expect(await store.getInbound(inboxId)).toMatchObject({ status: 'failed' });
  });
});

describe('a re-sent message', () => {
  it('waits for the turn running in another process and gets its replies', async () => {
    const activity = await customerMessage('slow question');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const running = new Bot({ store, handler: async (ctx) => {
      started = true;
      await gate;
      await echo(ctx);
    } });
    const watched = watchingInbox(store);
    const other = new Bot({ store: watched.store, handler: echo });

    const firstSink = recording();
    const first = running.processActivity(activity, firstSink);
    await waitFor(() => started, 5_000, 'the first process to start the turn');
    // The customer re-sends to another server process while the first one is still working on it.
    const resent = other.processActivity({ ...activity, id: newId('act') }, recording());
    // The other process found the turn leased by the first one, and waits.
    await waitFor(() => watched.looks() >= 2, 5_000, 'the other process to look twice at the running turn');
    release();
    const [a, b] = await Promise.all([first, resent]);

    expect(a).toMatchObject({ duplicate: false });
    expect(b.duplicate).toBe(true);
    expect(b.replies.map((r) => r.text)).toEqual(['answer to slow question']);
    expect(firstSink.sent).toHaveLength(1);
  });

  it('runs the turn itself when the process that had it died', async () => {
    const activity = await customerMessage('anyone there?');
    await diedMidTurn(activity, 200);
    const sink = recording();
    const watched = watchingInbox(store);
    let settled = false;
    const running = new Bot({ store: watched.store, handler: echo }).processActivity({ ...activity, id: newId('act') }, sink).finally(() => (settled = true));
    // While the dead process's lease lasts, the bot waits for it (looking again and again) and runs nothing.
    await waitFor(() => watched.looks() >= 2, 5_000, 'the bot to look twice at the leased turn');
    advanceClock(200);
    const looked = watched.looks();
    await waitFor(() => watched.looks() > looked, 5_000, 'one more look at the lease’s last millisecond');
    expect([settled, sink.sent]).toEqual([false, []]);
    // Once it has expired, the bot runs the turn itself.
    advanceClock(1);
    const result = await running;
    expect(result).toMatchObject({ duplicate: false, replies: [expect.objectContaining({ text: 'answer to anyone there?' })] });
    expect(sink.sent).toHaveLength(1);
  });
});
