import pg from 'pg';
import { InProcessLock, type KeyedLock } from '../core/index.js';
import { withDefaultUser } from './postgres-driver.js';

/**
 * A {@link KeyedLock} that holds across server processes sharing one PostgreSQL database: a session advisory lock on
 * the key's hash, taken on a dedicated connection for the duration of the work. Turns of one conversation queue in
 * process first, so a busy conversation holds at most one connection.
 */
export class PostgresAdvisoryLock implements KeyedLock {
  private readonly pool: pg.Pool;
  private readonly local = new InProcessLock();

  /** `max` bounds the connections held by concurrent turns of different conversations (default 10). */
  constructor(connectionString: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString: withDefaultUser(connectionString), max: options.max ?? 10 });
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const client = await this.pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 7261))', [key]);
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 7261))', [key]);
        }
      } finally {
        client.release();
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
