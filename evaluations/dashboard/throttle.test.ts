import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { Sessions } from './sessions.js';
import { DEFAULT_LOGIN_THROTTLE, loginWaitMs, throttleKeys } from './throttle.js';
import { createDashboardUser } from './users.js';

const ATTACKER = '203.0.113.9';
const OWNER = '198.51.100.20';

describe('dashboard sign-in throttle', () => {
  let home: string;
  let store: Store;
  let now: number;
  const sessions = () => new Sessions({ store, now: () => now });
  const attempt = async (s: Sessions, email: unknown, password: string, address: string) => {
    const wait = await s.waitMs(email, address);
    if (wait > 0) return `wait ${wait}`;
    try {
      await s.login(email, password, address);
      return 'ok';
    } catch (error) {
      return (error as { code: string }).code;
    }
  };

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-throttle-'));
    store = await openStore({ home });
    now = Date.parse('2026-03-01T10:00:00Z');
    await createDashboardUser(store, { email: 'admin@example.com', password: 'admin password 1', role: 'admin' });
  });
  afterEach(async () => {
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('counts padded, upper-case and full-width spellings of a name as that account (the finding: trailing spaces were never counted)', async () => {
    const s = sessions();
    const spellings = [`admin@example.com${' '.repeat(300)}`, '  ADMIN@example.com', 'ａｄｍｉｎ@example.com', 'Admin@Example.COM\t', `admin@example.com${' '.repeat(2000)}`];
    for (const spelling of spellings) expect(await attempt(s, spelling, 'a wrong guess', ATTACKER)).toBe('unauthorized');
    // The sixth try from that address waits, whatever the spelling, and the right password does not get through.
    expect(await attempt(s, 'admin@example.com   ', 'admin password 1', ATTACKER)).toMatch(/^wait /);
    // The look-up uses the same normalized name: a padded, full-width name signs in (from an address not slowed).
    expect(await attempt(s, ' ＡＤＭＩＮ@example.com ', 'admin password 1', OWNER)).toBe('ok');
  });

  it('stores users under the normalized name (parley users add), so they sign in however the name is typed', async () => {
    const user = await createDashboardUser(store, { email: ' Ｌｅａｄ@Example.COM ', password: 'lead password 1', role: 'cx_lead' });
    expect(user.email).toBe('lead@example.com');
    await expect(createDashboardUser(store, { email: 'LEAD@example.com', password: 'lead password 2', role: 'agent' })).rejects.toMatchObject({ code: 'bad_request' });
    expect(await attempt(sessions(), 'lead@EXAMPLE.com', 'lead password 1', OWNER)).toBe('ok');
  });

  it('slows a guesser with growing waits, kept in the database (another instance sees them)', async () => {
    const first = sessions();
    for (let i = 0; i < 5; i++) expect(await attempt(first, 'admin@example.com', `guess ${i}`, ATTACKER)).toBe('unauthorized');
    const other = sessions();
    expect(await other.waitMs('admin@example.com', ATTACKER)).toBe(30_000);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      now += await other.waitMs('admin@example.com', ATTACKER);
      expect(await attempt(other, 'admin@example.com', `guess ${i}`, ATTACKER)).toBe('unauthorized');
      waits.push(await other.waitMs('admin@example.com', ATTACKER));
    }
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000, 900_000, 900_000]);
  });

  it('does not let a third party lock an account out: the owner on their own address signs in at once', async () => {
    const s = sessions();
    expect(await attempt(s, 'admin@example.com', 'admin password 1', OWNER)).toBe('ok');
    // 60 bad tries from many addresses (a botnet), each address staying under its own budget.
    for (let i = 0; i < 60; i++) expect(await attempt(s, 'admin@example.com', `guess ${i}`, `203.0.113.${i % 15}`)).toMatch(/unauthorized|wait/);
    expect(await s.waitMs('admin@example.com', OWNER)).toBe(0);
    expect(await attempt(s, 'admin@example.com', 'admin password 1', OWNER)).toBe('ok');
    // From an address never used before the owner is slowed (account-wide), never locked out: at most 30 seconds.
    for (let i = 0; i < 40; i++) await attempt(s, 'admin@example.com', `guess ${i}`, `192.0.2.${i}`);
    const wait = await s.waitMs('admin@example.com', '100.64.0.1');
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(DEFAULT_LOGIN_THROTTLE.accountMaxDelayMs);
  });

  it('slows one address trying many accounts (credential stuffing), and counters start again after the window', () => {
    const keys = throttleKeys('someone@example.com', ATTACKER);
    const at = new Date(now).toISOString();
    expect(loginWaitMs([{ key: keys.address, failures: 19, lastFailureAt: at, lastSuccessAt: null }], keys, now)).toBe(0);
    expect(loginWaitMs([{ key: keys.address, failures: 20, lastFailureAt: at, lastSuccessAt: null }], keys, now)).toBe(30_000);
    expect(loginWaitMs([{ key: keys.pair, failures: 9, lastFailureAt: at, lastSuccessAt: null }], keys, now + DEFAULT_LOGIN_THROTTLE.windowMs + 1)).toBe(0);
  });
});
