import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../storage/index.js';
import type { Activity } from './activity.js';
import { Bot } from './bot.js';
import { ParleyError } from './errors.js';
import { newId } from './ids.js';
import type { Store } from './store.js';
import type { TurnEnded, TurnObserver } from './turn-observer.js';
import { waitFor } from './testing/wait.js';
import { advanceClock, useFakeDate } from '../testing/clock.js';

/** An observer that keeps what it is told. */
function recordingObserver(): TurnObserver & { turns: TurnEnded[]; failures: { channel: string; status: string }[] } {
  const turns: TurnEnded[] = [];
  const failures: { channel: string; status: string }[] = [];
  return { turns, failures, turnEnded: (turn) => void turns.push(turn), deliveryFailed: (failure) => void failures.push(failure) };
}

let home: string;
let store: Store;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-observer-'));
  store = await openStore({ home });
});
afterAll(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

/** A customer message in a new conversation. */
async function inbound(text: string): Promise<Activity> {
  const conversation = await store.createConversation({ userId: 'u', channel: 'test' });
  return { id: newId('act'), type: 'message', channel: 'test', conversationId: conversation.id, from: { id: 'u', role: 'customer' }, text, timestamp: new Date().toISOString() };
}

describe('the bot reports turns to its observer', () => {
  afterEach(() => void jest.useRealTimers());

  it('gives the outcome, time, CPU time, named stages, model calls and replies of a turn', async () => {
    // Stages are timed on the clock (`performance`): faked, so that a stage takes exactly what the test says.
    useFakeDate();
    const observer = recordingObserver();
    const bot = new Bot({
      store,
      observer,
      handler: async (ctx) => {
        await ctx.timed('retrieval', async () => advanceClock(20));
        await ctx.timed('retrieval', async () => undefined);
        ctx.modelCalls.push({ model: 'gpt-test', promptTokens: 10, completionTokens: 5, costUsd: 0.001 });
        await ctx.send({ text: 'Here you go.' });
      },
    });
    await bot.processActivity(await inbound('hello'));
    expect(observer.turns).toHaveLength(1);
    const [turn] = observer.turns;
    expect(turn).toMatchObject({ channel: 'test', outcome: 'done', modelCalls: [{ model: 'gpt-test', promptTokens: 10, completionTokens: 5 }] });
    expect(turn!.replies.map((r) => r.text)).toEqual(['Here you go.']);
    expect(turn!.stages.get('retrieval')).toBe(20);
    expect(turn!.durationMs).toBeGreaterThanOrEqual(turn!.stages.get('retrieval')!);
    // A re-sent message (duplicate) runs no turn and reports none.
    const again = await inbound('hi');
    await bot.processActivity(again);
    await bot.processActivity(again);
    expect(observer.turns).toHaveLength(2);
  });

  it('reports a failed turn with the error reply it sent, and a reply the channel refused', async () => {
    const observer = recordingObserver();
    const failing = new Bot({ store, observer, handler: async () => { throw new ParleyError('internal', 'boom'); } });
    await failing.processActivity(await inbound('break'));
    expect(observer.turns[0]).toMatchObject({ outcome: 'failed' });
    expect(observer.turns[0]!.replies[0]?.action).toBe('handoff');

    const refused = new Bot({ store, observer, handler: async (ctx) => void (await ctx.send({ text: 'will not arrive' })) });
    await refused.processActivity(await inbound('hello'), { send: async () => { throw new Error('channel down'); } });
    expect(observer.failures).toEqual([{ channel: 'test', status: expect.stringMatching(/^(failed|dropped)$/) }]);
    expect(observer.turns[1]).toMatchObject({ outcome: 'done' });
  });
});

describe('Bot.drain', () => {

  it('waits for the turns in flight (graceful shutdown), and gives up after its timeout', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const bot = new Bot({ store, handler: async (ctx) => { started = true; await gate; await ctx.send({ text: 'done' }); } });
    expect(await bot.drain(10)).toBe(true);
    const turn = bot.processActivity(await inbound('slow'));
    await waitFor(() => started, 5_000, 'the turn to start');
    expect(await bot.drain(30)).toBe(false);
    setTimeout(release, 50);
    expect(await bot.drain(5_000)).toBe(true);
    expect((await turn).replies.map((r) => r.text)).toEqual(['done']);
  });
});
