import { userInfo } from 'node:os';
import type { Logger } from '../core/index.js';
import { ResilientPool, type PostgresTimeouts } from './postgres-pool.js';
import type { SqlDriver } from './sql-driver.js';

/** Options of {@link PostgresDriver}. */
export interface PostgresDriverOptions {
  connectionString: string;
  /** Schema for Parley's tables (created if missing); default `public`. Tests use one schema per run. */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
  /** Timeouts and reconnection backoff; defaults in {@link DEFAULT_POSTGRES_TIMEOUTS}. */
  timeouts?: Partial<PostgresTimeouts>;
  /** Where outages and reconnections are logged; default silent. */
  logger?: Logger;
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

/**
 * {@link SqlDriver} on PostgreSQL through a {@link ResilientPool}: a lost or silent database never crashes the
 * process; calls fail with `store_unavailable` during an outage and work again once it reconnects by itself.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: ResilientPool;
  private readonly schema: string;
  private ready: Promise<void> | undefined;
  readonly counts = { statements: 0, transactions: 0 };

  constructor(options: PostgresDriverOptions) {
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) throw new Error(`invalid PostgreSQL schema name: ${this.schema}`);
    this.pool = new ResilientPool({
      connectionString: withDefaultUser(options.connectionString),
      name: 'store',
      max: options.max ?? 10,
      serverOptions: `-c search_path=${this.schema}`,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /** The outage under way, or undefined while the database is reachable. */
  get unavailable(): Error | undefined {
    return this.pool.unavailable;
  }

  /** Calls `listener` each time the database is reachable again after an outage. */
  onAvailable(listener: () => void): void {
    this.pool.onAvailable(listener);
  }

  /** Checks the database within `timeoutMs` (default the health timeout); throws `store_unavailable` when it does not answer. */
  ping(timeoutMs?: number): Promise<void> {
    return this.pool.ping(timeoutMs);
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    await this.ensureSchema();
    this.counts.statements++;
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as T[];
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    await this.ensureSchema();
    this.counts.statements++;
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rowCount ?? 0;
  }

  async exec(script: string): Promise<void> {
    await this.ensureSchema();
    await this.pool.query(script);
  }

  async transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    await this.ensureSchema();
    const client = await this.pool.connect();
    const on = (sql: string, params: readonly unknown[] = []) => this.pool.clientQuery(client, sql, params as unknown[]);
    const statement = (sql: string, params: readonly unknown[] = []) => {
      this.counts.statements++;
      return on(sql, params);
    };
    this.counts.transactions++;
    const tx: SqlDriver = {
      dialect: 'postgres',
      query: async <R>(sql: string, params: readonly unknown[] = []) => (await statement(sql, params)).rows as R[],
      run: async (sql, params = []) => (await statement(sql, params)).rowCount ?? 0,
      exec: async (script) => void (await statement(script)),
      transaction: (inner) => inner(tx),
      close: async () => undefined,
    };
    let broken: Error | undefined;
    try {
      await on('BEGIN');
      const result = await work(tx);
      await on('COMMIT');
      return result;
    } catch (error) {
      await on('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      // A connection that could not roll back is not given to the next caller.
      client.release(broken);
    }
  }

  /** Creates the schema on first use (and again after a failure: the database may have been down). */
  private ensureSchema(): Promise<void> {
    if (this.schema === 'public') return Promise.resolve();
    this.ready ??= this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`).then(
      () => undefined,
      (error: { code?: string }) => {
        // IF NOT EXISTS is not atomic: a process creating the same schema at the same moment wins the race.
        if (error.code === '23505' || error.code === '42P06') return;
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  /** Drops `schema` with everything in it (test clean-up). */
  async dropSchema(schema: string): Promise<void> {
    if (!SCHEMA_NAME.test(schema) || schema === 'public') throw new Error(`refusing to drop schema ${schema}`);
    // A pending CREATE SCHEMA must not run after the DROP and leave the schema behind.
    await this.ready?.catch(() => undefined);
    this.ready = Promise.resolve();
    await this.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
