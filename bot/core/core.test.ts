import { jest } from '@jest/globals';
import { authorizeConversation, bearerToken, checkCustomerText, MAX_TEXT_CHARS } from './channel.js';
import { asParleyError, ParleyError } from './errors.js';
import { InProcessLock } from './locks.js';
import { runMiddleware, type Middleware } from './middleware.js';
import { ConversationTokens } from './tokens.js';
import type { TurnContext } from './turn-context.js';

/** The core's building blocks: middleware, locks, tokens, coded errors, channel helpers (the Bot's turns: bot.test.ts). */

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
  // The jobs' durations run on jest's fake clock: they keep their order and overlap without taking real time.
  beforeEach(() => void jest.useFakeTimers());
  afterEach(() => void jest.useRealTimers());

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
    const all = Promise.all([job('a', 30), job('b', 5), job('c', 1)]);
    await jest.runAllTimersAsync();
    const results = await all;
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
    const all = Promise.all([job('x'), job('y'), job('z')]);
    await jest.runAllTimersAsync();
    await all;
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
