import { jest } from '@jest/globals';
import { checkKnownScope, type Store } from '../core/index.js';
import { knownScopes } from './known-scopes.js';

describe('known knowledge scopes', () => {
  // The cache's age is read from the clock: jest's fake clock moves instead of the test sleeping.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('knows scopes with tickets and configured ones, caches the store counts and looks again at most once a second', async () => {
    let counts: Record<string, number> = { 'brand-a': 2, '*': 5 };
    let calls = 0;
    const store = { countTicketsByScope: async () => (calls++, counts) } as unknown as Store;
    const known = knownScopes(store, { 'twilio:+1555': 'brand-c' });

    expect([...(await known(false))].sort()).toEqual(['brand-a', 'brand-c']);
    await checkKnownScope(known, 'brand-a');
    await checkKnownScope(known, 'brand-c');
    expect(calls).toBe(1);

    counts = { ...counts, 'brand-b': 1 };
    // Within a second of the last look, even a refresh keeps the cache.
    await expect(checkKnownScope(known, 'brand-b')).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/^"scope": unknown knowledge scope "brand-b"/) });
    expect(calls).toBe(1);
    jest.advanceTimersByTime(1_050);
    await checkKnownScope(known, 'brand-b');
    expect(calls).toBe(2);
    await expect(checkKnownScope(known, 'nope', '--scope')).rejects.toThrow(/^--scope: unknown knowledge scope "nope"/);
    await checkKnownScope(undefined, 'anything');
  });
});
