import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../storage/index.js';
import type { Activity } from './activity.js';
import { Bot } from './bot.js';
import { authorizeConversation, bearerToken, checkCustomerText, MAX_TEXT_CHARS } from './channel.js';
import { asParleyError, ParleyError } from './errors.js';
import { newId } from './ids.js';
import { InProcessLock } from './locks.js';
import { runMiddleware, type Middleware } from './middleware.js';
import type { Store } from './store.js';
import { ConversationTokens } from './tokens.js';
import type { TurnContext, TurnSink } from './turn-context.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

describe('runMiddleware', () => {
  const ctx = {} as TurnContext;

  it('runs middleware in order around the handler', async () => {
    const calls: string[] = [];
    const tracer = (name: string): Middleware => async (_ctx, next) => {
      calls.push(`${name}:before`);
      await next();
      calls.push(`${name}:after`);
    };
    await runMiddleware([tracer('a'), tracer('b')], ctx, async () => void calls.push('handler'));
    expect(calls).toEqual(['a:before', 'b:before', 'handler', 'b:after', 'a:after']);
  });

  it('runs just the handler without middleware, and stops when a middleware does not call next', async () => {
    const handler = jest.fn(async () => undefined);
    await runMiddleware([], ctx, handler);
    expect(handler).toHaveBeenCalledTimes(1);
    await runMiddleware([async () => undefined], ctx, handler);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('rejects a second next() with middleware_next_twice and does not rerun the rest', async () => {
    const handler = jest.fn(async () => undefined);
    const twice: Middleware = async (_ctx, next) => {
      await next();
      await next();
    };
    const error = await thrown(() => runMiddleware([async (_c, next) => next(), twice], ctx, handler));
    expect(error.code).toBe('middleware_next_twice');
    expect(error.message).toContain('#1');
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('passes errors of the handler up through the middleware', async () => {
    const seen: unknown[] = [];
    const catcher: Middleware = async (_ctx, next) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
        throw error;
      }
    };
    await expect(runMiddleware([catcher], ctx, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(seen).toHaveLength(1);
  });
});

describe('InProcessLock', () => {
  it('serializes work on the same key, in call order', async () => {
    const lock = new InProcessLock();
    const events: string[] = [];
    const job = (name: string, ms: number) =>
      lock.run('conv-1', async () => {
        events.push(`${name}:start`);
        await delay(ms);
        events.push(`${name}:end`);
        return name;
      });
    const results = await Promise.all([job('a', 30), job('b', 5), job('c', 1)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('runs different keys concurrently', async () => {
    const lock = new InProcessLock();
    let running = 0;
    let peak = 0;
    const job = (key: string) =>
      lock.run(key, async () => {
        running++;
        peak = Math.max(peak, running);
        await delay(20);
        running--;
      });
    await Promise.all([job('x'), job('y'), job('z')]);
    expect(peak).toBe(3);
  });

  it('keeps going after a failed job and passes its error to the caller', async () => {
    const lock = new InProcessLock();
    const failed = lock.run('k', async () => {
      throw new Error('first failed');
    });
    const next = lock.run('k', async () => 'second ran');
    await expect(failed).rejects.toThrow('first failed');
    await expect(next).resolves.toBe('second ran');
  });
});

describe('ConversationTokens', () => {
  const tokens = new ConversationTokens(SECRET);

  it('signs a token that verifies for its conversation only', () => {
    const token = tokens.sign('conv_1');
    expect(token.startsWith('conv_1.')).toBe(true);
    expect(tokens.verify('conv_1', token)).toBe(true);
    expect(tokens.verify('conv_2', token)).toBe(false);
    expect(tokens.verify('conv_1', undefined)).toBe(false);
    expect(tokens.verify('conv_1', '')).toBe(false);
  });

  it('rejects tampered tokens and tokens of another secret', () => {
    const token = tokens.sign('conv_1');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(tokens.verify('conv_1', `${token.slice(0, -1)}${last}`)).toBe(false);
    expect(tokens.verify('conv_1', `${token}x`)).toBe(false);
    expect(tokens.verify('conv_1', token.replace('conv_1', 'conv_2'))).toBe(false);
    expect(new ConversationTokens(`${SECRET}-other`).verify('conv_1', token)).toBe(false);
  });

  it('expires a token after its TTL; a fresh token (the next reply) slides the expiry', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clocked = new ConversationTokens(SECRET, { ttlSeconds: 3600, now: () => now });
    const first = clocked.sign('conv_1');
    now += 3599_000;
    expect(clocked.verify('conv_1', first)).toBe(true);
    const renewed = clocked.sign('conv_1');
    now += 2_000;
    expect(clocked.verify('conv_1', first)).toBe(false);
    expect(clocked.verify('conv_1', renewed)).toBe(true);
    expect(clocked.expiresAt('conv_1', renewed)?.toISOString()).toBe('2026-01-01T01:59:59.000Z');
    // The expiry is signed: pushing it out breaks the token.
    const [id, , mac] = renewed.split('.');
    expect(clocked.verify('conv_1', `${id}.${(Math.floor(now / 1000) + 10 ** 6).toString(36)}.${mac}`)).toBe(false);
  });

  it('accepts tokens of previous secrets (rotation) but signs with the current one', () => {
    const old = new ConversationTokens(SECRET);
    const rotated = new ConversationTokens(`${SECRET}-new`, { previousSecrets: [SECRET] });
    const oldToken = old.sign('conv_1');
    expect(rotated.verify('conv_1', oldToken)).toBe(true);
    const newToken = rotated.sign('conv_1');
    expect(old.verify('conv_1', newToken)).toBe(false);
    expect(new ConversationTokens(`${SECRET}-new`).verify('conv_1', oldToken)).toBe(false);
    expect(() => new ConversationTokens(SECRET, { previousSecrets: ['short'] })).toThrow(/32/);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => new ConversationTokens('too-short')).toThrow(/32/);
    expect(() => new ConversationTokens('x'.repeat(31))).toThrow();
    expect(() => new ConversationTokens('x'.repeat(32))).not.toThrow();
  });
});

describe('ParleyError', () => {
  it('maps codes to HTTP statuses and client/server faults', () => {
    const notFound = new ParleyError('conversation_not_found', 'no such conversation');
    expect(notFound.httpStatus).toBe(404);
    expect(notFound.isClientError).toBe(true);
    expect(new ParleyError('text_too_long', 'x').httpStatus).toBe(413);
    expect(new ParleyError('unauthorized', 'x').httpStatus).toBe(401);
    expect(new ParleyError('bad_request', 'x').isClientError).toBe(true);
    const internal = new ParleyError('internal', 'disk full');
    expect(internal.httpStatus).toBe(500);
    expect(internal.isClientError).toBe(false);
    expect(new ParleyError('middleware_next_twice', 'x').isClientError).toBe(false);
  });

  it('serializes to the {"error": {"code", "message"}} body and keeps cause and details', () => {
    const cause = new Error('underlying');
    const error = new ParleyError('bad_request', '"text" must be a string', { cause, details: { field: 'text' } });
    expect(error.toJSON()).toEqual({ error: { code: 'bad_request', message: '"text" must be a string' } });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ error: { code: 'bad_request', message: '"text" must be a string' } });
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ field: 'text' });
    expect(error.name).toBe('ParleyError');
    expect(error).toBeInstanceOf(Error);
  });

  it('wraps anything thrown as internal unless it already is a ParleyError', () => {
    const original = new ParleyError('forbidden', 'no');
    expect(asParleyError(original)).toBe(original);
    const wrapped = asParleyError(new TypeError('bad'));
    expect(wrapped).toMatchObject({ code: 'internal', message: 'bad' });
    expect(asParleyError('text')).toMatchObject({ code: 'internal', message: 'text' });
  });
});

describe('channel helpers', () => {
  it('checkCustomerText accepts text up to the limit and rejects the rest with coded errors', async () => {
    expect(checkCustomerText('hello')).toBe('hello');
    expect(checkCustomerText('x'.repeat(MAX_TEXT_CHARS))).toHaveLength(4000);
    expect((await thrown(() => checkCustomerText(42))).code).toBe('bad_request');
    expect((await thrown(() => checkCustomerText(undefined, 'message'))).message).toContain('"message"');
    expect((await thrown(() => checkCustomerText('   \n\t'))).code).toBe('bad_request');
    const tooLong = await thrown(() => checkCustomerText('x'.repeat(MAX_TEXT_CHARS + 1)));
    expect(tooLong.code).toBe('text_too_long');
    expect(tooLong.httpStatus).toBe(413);
  });

  it('bearerToken reads the token of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });

  it('authorizeConversation accepts the API key or the conversation token, else unauthorized', async () => {
    const tokens = new ConversationTokens(SECRET);
    const withKey = { apiKey: 'an-api-key-of-16+chars', tokens };
    const withoutKey = { apiKey: undefined, tokens };

    expect(() => authorizeConversation(withKey, 'conv_1', 'an-api-key-of-16+chars')).not.toThrow();
    expect(() => authorizeConversation(withKey, 'conv_1', tokens.sign('conv_1'))).not.toThrow();
    expect(() => authorizeConversation(withoutKey, 'conv_1', tokens.sign('conv_1'))).not.toThrow();

    const wrongConversation = await thrown(() => authorizeConversation(withKey, 'conv_2', tokens.sign('conv_1')));
    expect(wrongConversation.code).toBe('unauthorized');
    expect(wrongConversation.httpStatus).toBe(401);
    expect((await thrown(() => authorizeConversation(withKey, 'conv_1', 'an-api-key-of-16+charsX'))).code).toBe('unauthorized');
    const missing = await thrown(() => authorizeConversation(withoutKey, 'conv_1', undefined));
    expect(missing.code).toBe('unauthorized');
    expect(missing.message).toBe(wrongConversation.message); // one answer: no hint of why
    // Without a configured key, no token is "the key".
    expect((await thrown(() => authorizeConversation(withoutKey, 'conv_1', ''))).code).toBe('unauthorized');
  });
});

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
    const handler = jest.fn(async (ctx: TurnContext) => {
      await delay(20);
      await ctx.send({ text: 'first answer' });
      await ctx.send({ text: 'second answer' });
    });
    const bot = new Bot({ store, handler });
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
    let calls = 0;
    const slowFirstInbox: Store = Object.create(store, {
      acceptInbound: {
        value: async (activity: Activity) => {
          const receipt = await store.acceptInbound(activity);
          if (calls++ === 0) await delay(30);
          return receipt;
        },
      },
    });
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
