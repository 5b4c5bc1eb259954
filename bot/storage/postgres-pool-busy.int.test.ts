import { jest } from '@jest/globals';
import { ResilientPool } from './postgres-pool.js';
import { advanceBy, useFakeClock } from '../testing/clock.js';
import { postgresForTests } from '../testing/postgres.js';

const { available, connectionString } = await postgresForTests('the PostgreSQL pool load tests');
const describeIfPg = available ? describe : describe.skip;

/** A logger that keeps the messages it was given. */
function recordingLogger(): { messages: string[]; info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void } {
  const messages: string[] = [];
  const keep = (_: object, message?: string) => void messages.push(message ?? '');
  return { messages, info: keep, warn: keep, error: keep };
}

describeIfPg('ResilientPool under load', () => {
  it('waits for a busy pool instead of declaring the database down (every connection checked out longer than the connect timeout)', async () => {
    const logger = recordingLogger();
    // One connection, a 1 s wait for it (a new connection on a loaded CI machine can take a few hundred ms) and a 100 ms
    // health timeout; 16 queries of 150 ms queue for ~2.4 s.
    const pool = new ResilientPool({ connectionString, name: 'busy', max: 1, logger, timeouts: { connectTimeoutMs: 1_000, healthTimeoutMs: 100, queryTimeoutMs: 20_000 } });
    try {
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => pool.query('SELECT $1::int AS n, pg_sleep(0.15)', [i])));
      expect(results.map((r) => Number(r.rows[0].n))).toEqual(Array.from({ length: 16 }, (_, i) => i));
      expect(pool.unavailable).toBeUndefined();
      expect(logger.messages).not.toContain('database unavailable; reconnecting');
    } finally {
      await pool.end();
    }
  });

  it('gives a checked-out connection to a caller that waited longer than the connect timeout', async () => {
    const pool = new ResilientPool({ connectionString, name: 'busy-connect', max: 1, timeouts: { connectTimeoutMs: 1_000, healthTimeoutMs: 100 } });
    const first = await pool.connect();
    // The pool's wait timeout and the watchdog run on jest's fake clock (the database's answers stay real): the second
    // caller waits two and a half connect timeouts without the test waiting for them.
    useFakeClock();
    try {
      const second = pool.connect();
      await advanceBy(2_500, 50);
      jest.useRealTimers();
      first.release();
      const client = await second;
      expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      client.release();
    } finally {
      jest.useRealTimers();
      await pool.end();
    }
  });

  it('still fails a wait that outlasts the query timeout, without cutting the connections', async () => {
    const pool = new ResilientPool({ connectionString, name: 'busy-budget', max: 1, timeouts: { connectTimeoutMs: 1_000, healthTimeoutMs: 10_000, queryTimeoutMs: 2_500 } });
    try {
      const held = await pool.connect();
      await expect(pool.query('SELECT 1')).rejects.toMatchObject({ code: 'store_unavailable' });
      held.release();
      expect((await pool.query('SELECT 2 AS two')).rows[0].two).toBe(2);
    } finally {
      await pool.end();
    }
  });
});
