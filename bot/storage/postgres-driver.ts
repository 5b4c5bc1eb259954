import { userInfo } from 'node:os';
import pg from 'pg';
import type { SqlDriver } from './sql-driver.js';

/** Options of {@link PostgresDriver}. */
export interface PostgresDriverOptions {
  connectionString: string;
  /** Schema for Parley's tables (created if missing); default `public`. Tests use one schema per run. */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The connection string with the OS account as user when it names none, as psql does (node-postgres would take the
 * user from `$USER` only, which services often lack).
 */
export function withDefaultUser(connectionString: string): string {
  const url = new URL(connectionString);
  if (url.username) return connectionString;
  url.username = userInfo().username;
  return url.toString();
}

/** {@link SqlDriver} on PostgreSQL through a `pg` pool. */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly ready: Promise<void>;

  constructor(options: PostgresDriverOptions) {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
    this.pool = new pg.Pool({
      connectionString: withDefaultUser(options.connectionString),
      max: options.max ?? 10,
      options: `-c search_path=${schema}`,
    });
    this.ready =
      schema === 'public'
        ? Promise.resolve()
        : this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).then(
            () => undefined,
            (error: { code?: string }) => {
              // IF NOT EXISTS is not atomic: a process creating the same schema at the same moment wins the race.
              if (error.code !== '23505' && error.code !== '42P06') throw error;
            },
          );
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    await this.ready;
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    await this.ready;
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rowCount ?? 0;
  }

  async exec(script: string): Promise<void> {
    await this.ready;
    await this.pool.query(script);
  }

  async transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    await this.ready;
    const client = await this.pool.connect();
    const tx: SqlDriver = {
      dialect: 'postgres',
      query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as R[],
      run: async (sql, params = []) => (await client.query(sql, params as unknown[])).rowCount ?? 0,
      exec: async (script) => void (await client.query(script)),
      transaction: (inner) => inner(tx),
      close: async () => undefined,
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Drops `schema` with everything in it (test clean-up). */
  async dropSchema(schema: string): Promise<void> {
    if (!SCHEMA_NAME.test(schema) || schema === 'public') throw new Error(`refusing to drop schema ${schema}`);
    // The constructor's CREATE SCHEMA must not run after the DROP and leave the schema behind.
    await this.ready;
    await this.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
