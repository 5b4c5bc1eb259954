import pg from 'pg';
import { loadConfig } from '../config/index.js';
import { withDefaultUser } from '../storage/postgres-driver.js';

/**
 * PostgreSQL for tests: `DATABASE_URL`, default `postgres://127.0.0.1:5432/test`, with the OS account as user when the
 * URL names none (as psql does). `available` is false, with the reason, when the server cannot be reached; under
 * `PARLEY_REQUIRE_SERVICES=1` that throws instead, so CI cannot skip these tests silently.
 */
export async function postgresForTests(what: string): Promise<{ available: boolean; connectionString: string }> {
  const config = loadConfig();
  const connectionString = withDefaultUser(config.databaseUrl ?? 'postgres://127.0.0.1:5432/test');
  const url = new URL(connectionString);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  let problem: string | undefined;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
  if (problem === undefined) return { available: true, connectionString };
  const reason = `PostgreSQL at ${url.host} is unreachable (${problem})`;
  if (config.requireServices) throw new Error(`${reason}; PARLEY_REQUIRE_SERVICES=1 requires it`);
  console.warn(`${reason}: skipping ${what}`);
  return { available: false, connectionString };
}

/**
 * Sessions waiting for the advisory lock of `key` as `PostgresAdvisoryLock` takes it (`hashtextextended(key, 7261)`),
 * read through `client`: how a test sees that a turn on another instance waits for the conversation.
 */
export async function advisoryLockWaiters(client: pg.Client, key: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
       AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 7261)`,
    [key],
  );
  return rows[0]!.n;
}
