import type pg from 'pg';
import { InProcessLock, type KeyedLock, type Logger } from '../core/index.js';
import { withDefaultUser } from './postgres-driver.js';
import { DEFAULT_POSTGRES_TIMEOUTS, ResilientPool, type PostgresTimeouts } from './postgres-pool.js';

/**
 * Watches a lock's session while work runs under it: when its connection fails, PostgreSQL has released the lock with
 * the session, so there is nothing to unlock (and an unlock on the dead connection would report a second outage after
 * the pools reconnected).
 */
function watchSession(client: pg.PoolClient): { readonly error: Error | undefined; stop(): void } {
  let error: Error | undefined;
  const onError = (cause: Error) => (error ??= cause);
  client.on('error', onError);
  return {
    get error() {
      return error;
    },
    stop: () => void client.off('error', onError),
  };
}

/** Options of {@link PostgresAdvisoryLock}. */
export interface PostgresAdvisoryLockOptions {
  /** Bounds the connections held by concurrent turns of different conversations; default 10. */
  max?: number;
  /** Connect, idle and probe timeouts and reconnection backoff (a lock wait has no statement or query timeout). */
  timeouts?: Partial<PostgresTimeouts>;
  logger?: Logger;
}

/**
 * A {@link KeyedLock} that holds across server processes sharing one PostgreSQL database: a session advisory lock on
 * the key's hash, taken on a dedicated connection for the duration of the work. Turns of one conversation queue in
 * process first, so a busy conversation holds at most one connection. While the database is unreachable, `run`
 * fails with `store_unavailable` before the work starts; a connection lost during the work does not fail the work
 * (the server released the lock with the session).
 */
export class PostgresAdvisoryLock implements KeyedLock {
  private readonly pool: ResilientPool;
  private readonly local = new InProcessLock();
  /** Keys this process holds (or is taking) through {@link tryRun}: a session may take an advisory lock twice. */
  private readonly trying = new Set<string>();

  constructor(connectionString: string, options: PostgresAdvisoryLockOptions = {}) {
    this.pool = new ResilientPool({
      connectionString: withDefaultUser(connectionString),
      name: 'lock',
      max: options.max ?? 10,
      // A turn may wait behind a long turn of the same conversation: no statement timeout on lock waits, and a
      // client-side limit well above any turn's length that still ends a wait on a connection that died unnoticed.
      timeouts: { ...options.timeouts, statementTimeoutMs: undefined, queryTimeoutMs: 2 * (options.timeouts?.queryTimeoutMs ?? DEFAULT_POSTGRES_TIMEOUTS.queryTimeoutMs!) },
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await this.pool.clientQuery(client, 'SELECT pg_advisory_lock(hashtextextended($1, 7261))', [key]);
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      const lost = watchSession(client);
      try {
        return await work();
      } finally {
        broken = lost.error ?? (await this.unlock(client, key));
        lost.stop();
        client.release(broken);
      }
    });
  }

  /**
   * Runs `work` under the lock on `key` only when no other session holds it (`pg_try_advisory_lock`): for jobs that
   * one server at a time should run (a helpdesk sync), where the others skip their turn instead of waiting.
   * Resolves to `{ ran: false }` when another session holds the key (or this process is running work on it).
   */
  async tryRun<T>(key: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.trying.has(key)) return { ran: false };
    this.trying.add(key);
    try {
      const client = await this.pool.connect();
      let locked = false;
      try {
        locked = (await this.pool.clientQuery(client, 'SELECT pg_try_advisory_lock(hashtextextended($1, 7261)) AS locked', [key])).rows[0]?.locked === true;
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      if (!locked) {
        client.release();
        return { ran: false };
      }
      const lost = watchSession(client);
      try {
        return { ran: true, value: await work() };
      } finally {
        const broken = lost.error ?? (await this.unlock(client, key));
        lost.stop();
        client.release(broken);
      }
    } finally {
      this.trying.delete(key);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Releases the lock; a failure is returned (the connection is then discarded, which releases it too), not thrown. */
  private async unlock(client: pg.PoolClient, key: string): Promise<Error | undefined> {
    try {
      await this.pool.clientQuery(client, 'SELECT pg_advisory_unlock(hashtextextended($1, 7261))', [key]);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}
