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
import type { TurnContext, TurnSink } from './turn-context.js';

/** The Bot's turns over a real SQLite store: transcript and outbox, duplicates, failures, the error boundary. */

/**
 * `store`, whose `acceptInbound` counts the deliveries accepted and, once `count` were, resolves `all`; with
 * `holdFirst`, the first accept returns only then (the slowest write).
 */
function countingAccepts(store: Store, count: number, holdFirst = false): { store: Store; all: Promise<void> } {
  let accepted = 0;
  let allAccepted!: () => void;
  const all = new Promise<void>((resolve) => (allAccepted = resolve));
  const counting: Store = Object.create(store, {
    acceptInbound: {
      value: async (activity: Activity) => {
        const first = accepted === 0;
        const receipt = await store.acceptInbound(activity);
        if (++accepted === count) allAccepted();
        if (first && holdFirst) await all;
        return receipt;
      },
    },
  });
  return { store: counting, all };
}

/** Runs `fn` and returns what it throws (fails when it does not throw). */
async function thrown(fn: () => unknown): Promise<ParleyError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    return error as ParleyError;
  }
  throw new Error('expected a ParleyError');
}

function customerMessage(conversationId: string, text: string, channelMessageId?: string): Activity {
  const id = newId('act');
  return {
    id,
    type: 'message',
    channel: 'test',
    channelMessageId: channelMessageId ?? id,
    conversationId,
    from: { id: 'customer-1', role: 'customer' },
    text,
    timestamp: new Date().toISOString(),
  };
}

/** A sink that records what reaches the customer; `fail` makes every send throw. */
function recordingSink(fail = false): TurnSink & { sent: Activity[]; typingChanges: boolean[] } {
  const sent: Activity[] = [];
  const typingChanges: boolean[] = [];
  return {
    sent,
    typingChanges,
    async send(activity) {
      if (fail) throw new Error('socket closed');
      sent.push(activity);
    },
    async typing(on) {
      typingChanges.push(on);
    },
  };
}

describe('Bot with a SQLite store', () => {
  let home: string;
  let store: Store;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-bot-'));
    store = await openStore({ home });
  });

  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  const conversation = async () => (await store.createConversation({ userId: 'customer-1', channel: 'test' })).id;

  /** The inbox id of an already received activity (a redelivery reports it as a duplicate). */
  const inboxOf = async (activity: Activity) => {
    const receipt = await store.receiveInbound({ ...activity, id: newId('act') });
    expect(receipt.duplicate).toBe(true);
    return receipt;
  };

  it("reads the transcript once per turn for every step that asks, and again after the turn's reply", async () => {
    const reads = jest.spyOn(store, 'listMessages');
    const seen: string[][] = [];
    const bot = new Bot({
      store,
      handler: async (ctx) => {
        const first = await ctx.transcript();
        seen.push(first.map((m) => m.text), (await ctx.transcript()).map((m) => m.text));
        expect(await ctx.transcript()).toBe(first);
        await ctx.send({ text: 'the answer' });
        seen.push((await ctx.transcript()).map((m) => m.text));
      },
    });
    const conversationId = await conversation();
    await bot.processActivity(customerMessage(conversationId, 'where is my order?'), recordingSink());
    expect(seen).toEqual([['where is my order?'], ['where is my order?'], ['where is my order?', 'the answer']]);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('stores the customer message and the replies in the transcript and outbox, sent through the sink', async () => {
    const bot = new Bot({
      store,
      handler: async (ctx) => {
        await ctx.typing(true);
        await ctx.send({ text: `You said: ${ctx.activity.text}`, sources: [{ id: 't1', score: 0.9, metadata: {} }] });
        await ctx.send({ text: 'Anything else?', action: 'clarify', quickReplies: ['No'] });
      },
    });
    const conversationId = await conversation();
    const activity = customerMessage(conversationId, 'where is my order?');
    const sink = recordingSink();

    const result = await bot.processActivity(activity, sink);
    expect(result.duplicate).toBe(false);
    expect(result.replies.map((r) => [r.text, r.action, r.from.role, r.replyToId, r.conversationId])).toEqual([
      ['You said: where is my order?', 'answer', 'bot', activity.id, conversationId],
      ['Anything else?', 'clarify', 'bot', activity.id, conversationId],
    ]);
    expect(sink.sent.map((a) => a.id)).toEqual(result.replies.map((r) => r.id));
    expect(sink.typingChanges).toEqual([true, false]);

    const transcript = await store.listMessages(conversationId);
    expect(transcript.map((m) => [m.role, m.text])).toEqual([
      ['customer', 'where is my order?'],
      ['bot', 'You said: where is my order?'],
      ['bot', 'Anything else?'],
    ]);
    expect(transcript[1]?.activity.sources).toEqual([{ id: 't1', score: 0.9, metadata: {} }]);
    expect(transcript[2]?.activity.quickReplies).toEqual(['No']);

    const receipt = await inboxOf(activity);
    expect(receipt.status).toBe('done');
    const outbox = await store.listOutboundFor(receipt.inboxId);
    expect(outbox.map((o) => [o.activity.id, o.status, o.attempts])).toEqual(result.replies.map((r) => [r.id, 'sent', 1]));
  });

  it('marks replies failed when the sink throws, and the turn still succeeds', async () => {
    const bot = new Bot({ store, handler: async (ctx) => void (await ctx.send({ text: 'Here you go.' })) });
    const conversationId = await conversation();
    const activity = customerMessage(conversationId, 'hi');

    const result = await bot.processActivity(activity, recordingSink(true));
    expect(result).toMatchObject({ duplicate: false, replies: [expect.objectContaining({ text: 'Here you go.', action: 'answer' })] });

    const receipt = await inboxOf(activity);
    expect(receipt.status).toBe('done');
    const [outbound] = await store.listOutboundFor(receipt.inboxId);
    expect(outbound).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await store.listPendingOutbound(100)).map((o) => o.id)).toContain(outbound?.id);
    expect((await store.listMessages(conversationId)).map((m) => m.text)).toEqual(['hi', 'Here you go.']);
    expect((await store.getConversation(conversationId))?.status).toBe('open');
  });

  it('leaves replies pending in the outbox when there is no sink', async () => {
    const bot = new Bot({ store, handler: async (ctx) => void (await ctx.send({ text: 'later' })) });
    const activity = customerMessage(await conversation(), 'hi');
    await bot.processActivity(activity);
    const [outbound] = await store.listOutboundFor((await inboxOf(activity)).inboxId);
    expect(outbound).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('runs a turn under the claim taken as its message was stored, and claims a message that came meanwhile after it', async () => {
    const claims = jest.spyOn(store, 'claimInbound');
    const bot = new Bot({ store, handler: async (ctx) => void (await ctx.send({ text: `re: ${ctx.activity.text}` })) });
    const conversationId = await conversation();
    const first = customerMessage(conversationId, 'one');
    expect((await bot.processActivity(first, recordingSink())).replies.map((r) => r.text)).toEqual(['re: one']);
    expect(claims).not.toHaveBeenCalled();
    expect((await inboxOf(first)).status).toBe('done');
    // Two at once: the second is stored while the first is unfinished, so it is claimed by itself, after the first.
    const results = await Promise.all(['two', 'three'].map((text) => bot.processActivity(customerMessage(conversationId, text), recordingSink())));
    expect(results.map((r) => r.replies.map((reply) => reply.text))).toEqual([['re: two'], ['re: three']]);
    expect(claims).toHaveBeenCalledTimes(1);
    expect((await store.listMessages(conversationId)).map((m) => m.text)).toEqual(['one', 're: one', 'two', 'three', 're: two', 're: three']);
  });

  it('renews a claim taken at accept that has aged half its lease before the turn starts', async () => {
    const renewals = jest.spyOn(store, 'renewInboundLease');
    const bot = new Bot({ store, leaseMs: 60, handler: async (ctx) => void (await ctx.send({ text: 'ok' })) });
    const activity = customerMessage(await conversation(), 'slow start');
    const receipt = await bot.accept(activity, { claim: true });
    expect(receipt).toMatchObject({ status: 'processing', claimedAttempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await bot.run(activity, recordingSink(), receipt)).replies.map((r) => r.text)).toEqual(['ok']);
    expect(renewals).toHaveBeenCalledWith(receipt.inboxId, expect.objectContaining({ owner: bot.instanceId }));
    expect((await inboxOf(activity)).status).toBe('done');
  });

  it('runs middleware added with use() around the handler', async () => {
    const calls: string[] = [];
    const bot = new Bot({
      store,
      middleware: [async (ctx, next) => {
        calls.push('first');
        ctx.turnState.set('lang', 'en');
        await next();
      }],
      handler: async (ctx) => {
        calls.push(`handler:${String(ctx.turnState.get('lang'))}`);
        await ctx.send({ text: 'ok' });
      },
    });
    bot.use(async (_ctx, next) => {
      calls.push('second');
      await next();
    });
    await bot.processActivity(customerMessage(await conversation(), 'hi'));
    expect(calls).toEqual(['first', 'second', 'handler:en']);
  });

  it('runs the handler once for a message delivered three times, answering duplicates with the first replies', async () => {
    const handler = jest.fn(async (ctx: TurnContext) => {
      await ctx.send({ text: `reply to ${ctx.activity.text}` });
    });
    const bot = new Bot({ store, handler });
    const conversationId = await conversation();
    const sink = recordingSink();

    const first = await bot.processActivity(customerMessage(conversationId, 'hello', 'wamid-1'), sink);
    const second = await bot.processActivity(customerMessage(conversationId, 'hello', 'wamid-1'), sink);
    const third = await bot.processActivity(customerMessage(conversationId, 'hello', 'wamid-1'), sink);

    expect(handler).toHaveBeenCalledTimes(1);
    expect(first.duplicate).toBe(false);
    for (const again of [second, third]) {
      expect(again.duplicate).toBe(true);
      expect(again.replies.map((r) => [r.id, r.text])).toEqual(first.replies.map((r) => [r.id, r.text]));
    }
    // Nothing is sent or stored twice.
    expect(sink.sent).toHaveLength(1);
    expect((await store.listMessages(conversationId)).map((m) => m.text)).toEqual(['hello', 'reply to hello']);
  });

  it('runs the handler once when the same message arrives three times concurrently', async () => {
    // The turn runs on until all three deliveries are in the inbox.
    const deliveries = countingAccepts(store, 3);
    const handler = jest.fn(async (ctx: TurnContext) => {
      await deliveries.all;
      await ctx.send({ text: 'first answer' });
      await ctx.send({ text: 'second answer' });
    });
    const bot = new Bot({ store: deliveries.store, handler });
    const conversationId = await conversation();
    const sink = recordingSink();

    const results = await Promise.all([1, 2, 3].map(() => bot.processActivity(customerMessage(conversationId, 'hello', 'dup-1'), sink)));

    expect(handler).toHaveBeenCalledTimes(1);
    const originals = results.filter((r) => !r.duplicate);
    expect(originals).toHaveLength(1);
    const expected = originals[0]?.replies.map((r) => r.id);
    expect(expected).toHaveLength(2);
    for (const result of results) expect(result.replies.map((r) => r.id)).toEqual(expected);
    expect(sink.sent.map((a) => a.text)).toEqual(['first answer', 'second answer']);
    expect((await store.listMessages(conversationId)).map((m) => m.text)).toEqual(['hello', 'first answer', 'second answer']);
  });

  it('answers a concurrent duplicate with the first replies even when the first inbox write is the slowest', async () => {
    // On PostgreSQL a first delivery's INSERT can finish after a redelivery has already seen the row.
    // The first write returns only once the other two deliveries have seen the row.
    const slowFirstInbox = countingAccepts(store, 3, true).store;
    const handler = jest.fn(async (ctx: TurnContext) => void (await ctx.send({ text: 'the answer' })));
    const bot = new Bot({ store: slowFirstInbox, handler });
    const conversationId = await conversation();

    const results = await Promise.all([1, 2, 3].map(() => bot.processActivity(customerMessage(conversationId, 'hello', 'dup-slow'))));

    expect(handler).toHaveBeenCalledTimes(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const result of results) expect(result.replies.map((r) => r.text)).toEqual(['the answer']);
  });

  it('answers a failed turn with one polite handoff and hands the conversation to a person', async () => {
    const errors: Record<string, unknown>[] = [];
    const bot = new Bot({
      store,
      handler: async () => {
        throw new Error('retriever exploded');
      },
      logger: { info() {}, warn() {}, error: (obj) => void errors.push(obj) },
    });
    const conversationId = await conversation();
    const activity = customerMessage(conversationId, 'help');
    const sink = recordingSink();

    const result = await bot.processActivity(activity, sink);
    expect(result.duplicate).toBe(false);
    expect(result.replies).toHaveLength(1);
    const [reply] = result.replies;
    expect(reply).toMatchObject({ action: 'handoff', handoff: { reason: 'error' }, from: { role: 'bot' } });
    expect(reply?.text).toMatch(/sorry/i);
    expect(reply?.text).not.toContain('retriever exploded');
    expect(sink.sent.map((a) => a.id)).toEqual([reply?.id]);

    expect(await store.getConversation(conversationId)).toMatchObject({ status: 'needs_human', handoffReason: 'error' });
    expect((await inboxOf(activity)).status).toBe('failed');
    expect((await store.listMessages(conversationId)).map((m) => [m.role, m.activity.action ?? null])).toEqual([
      ['customer', null],
      ['bot', 'handoff'],
    ]);
    expect(errors).toEqual([expect.objectContaining({ code: 'internal', conversationId })]);
  });

  it('uses the configured error text', async () => {
    const bot = new Bot({ store, errorText: 'A person will reply shortly.', handler: async () => Promise.reject(new Error('x')) });
    const result = await bot.processActivity(customerMessage(await conversation(), 'help'));
    expect(result.replies.map((r) => r.text)).toEqual(['A person will reply shortly.']);
  });

  it('reopens a closed conversation when the customer writes again', async () => {
    const bot = new Bot({ store, handler: async (ctx) => void (await ctx.send({ text: `status was ${ctx.conversation.status}` })) });
    const conversationId = await conversation();
    await store.updateConversation(conversationId, { status: 'closed' });
    const result = await bot.processActivity(customerMessage(conversationId, 'back again'));
    expect(result.replies[0]?.text).toBe('status was open');
    expect((await store.getConversation(conversationId))?.status).toBe('open');
  });

  it('rejects an unknown conversation with conversation_not_found without recording the message', async () => {
    const handler = jest.fn(async () => undefined);
    const bot = new Bot({ store, handler });
    const activity = customerMessage('conv_missing', 'hello?');
    const error = await thrown(() => bot.processActivity(activity));
    expect(error.code).toBe('conversation_not_found');
    expect(error.httpStatus).toBe(404);
    expect(handler).not.toHaveBeenCalled();
    expect(await store.listMessages('conv_missing')).toEqual([]);
    expect((await store.receiveInbound(activity)).duplicate).toBe(false);
  });
});
