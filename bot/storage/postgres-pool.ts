import type pg from 'pg';
import { ParleyError, silentLogger, type Logger } from '../core/index.js';
import { destroySocket, loadPg } from './pg-client.js';

/** Timeouts and reconnection backoff of a {@link ResilientPool}; `bot/config` reads them (`PARLEY_DB_*`). */
export interface PostgresTimeouts {
  /** Longest wait for a new connection (ms); default 5,000. */
  connectTimeoutMs: number;
  /** Server-side `statement_timeout` (ms); `undefined` for none (the lock pool: lock waits may be long). Default 30,000. */
  statementTimeoutMs: number | undefined;
  /** Client-side limit of one query, network included (ms); `undefined` for none. Default 35,000. */
  queryTimeoutMs: number | undefined;
  /** Idle pooled connections are closed after this long (ms); default 30,000. */
  idleTimeoutMs: number;
  /** Timeout of a probe (`SELECT 1` on a fresh connection) and how long a query may stay unanswered before one runs (ms); default 1,500. */
  healthTimeoutMs: number;
  /** Longest delay between reconnection probes (ms); the backoff starts at 250 ms and doubles. Default 5,000. */
  retryMaxMs: number;
}

/** Defaults of {@link PostgresTimeouts} (the same as `bot/config`'s). */
export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  queryTimeoutMs: 35_000,
  idleTimeoutMs: 30_000,
  healthTimeoutMs: 1_500,
  retryMaxMs: 5_000,
};

/** First delay of a reconnection backoff (ms). */
export const FIRST_RETRY_MS = 250;

/** Options of {@link ResilientPool}. */
export interface ResilientPoolOptions {
  connectionString: string;
  /** What the pool serves, for logs (`store`, `lock`). */
  name: string;
  /** Pool size; default 10. */
  max?: number;
  /** Extra server options (`-c search_path=…`). */
  serverOptions?: string;
  timeouts?: Partial<PostgresTimeouts>;
  logger?: Logger;
}

/** Socket and protocol failures that mean "the database is not reachable", as opposed to a failing statement. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const NETWORK_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed|connection error|Connection closed|the database is unavailable/i;

/**
 * True when `error` says the database could not be reached (refused, reset, timed out, shutting down, out of
 * connections), not that a statement failed. SQLSTATE classes 08 (connection exception), 57P0x (shutdown) and 53300.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof ParleyError) return error.code === 'store_unavailable';
  // Duck-typed: socket errors may come from another realm (a test VM), where `instanceof Error` is false.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[1-4]$/.test(code) || code === '53300')) return true;
  if (Array.isArray(errors) && errors.some(isConnectionError)) return true;
  return typeof message === 'string' && NETWORK_MESSAGES.test(message);
}

/** The coded error a caller sees while the database is unreachable. */
export function storeUnavailable(cause: unknown): ParleyError {
  if (cause instanceof ParleyError && cause.code === 'store_unavailable') return cause;
  const message = (cause as { message?: unknown } | null)?.message;
  const detail = typeof message === 'string' ? message : String(cause);
  return new ParleyError('store_unavailable', `the database is unavailable (${detail})`, { cause });
}

/**
 * True for `pg`'s "every pooled connection is checked out and none came back in time" error: the pool is busy, which
 * says nothing about the network (a stuck network is found by the probe instead).
 */
function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}

/** Every open pool, so that an outage one of them detects ends the connections of the others to the same server too. */
const openPools = new Set<ResilientPool>();

/** The server a connection string points at (`host:port/database`). */
function serverOf(connectionString: string): string {
  const url = new URL(connectionString);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * A `pg` pool that an unreliable network cannot crash and that fails fast during an outage:
 * - every connection has an `error` listener (an idle or checked-out connection that drops would otherwise throw an
 *   unhandled `error` event and end the process), TCP keepalive, connect / statement / query / idle timeouts;
 * - a connection failure marks the database unavailable: open connections are destroyed (queries stuck on a silent
 *   network fail now, not at their timeout), calls fail at once with `store_unavailable`, and a probe on a fresh
 *   connection retries with backoff (250 ms doubling to `retryMaxMs`) until the database answers again;
 * - a query unanswered for `healthTimeoutMs` triggers a probe, so a network that drops packets silently is detected in
 *   about that time instead of at the query timeout.
 * Statement errors (constraint violations, syntax) pass through unchanged, with their SQLSTATE `code`.
 */
export class ResilientPool {
  /** The pool, once `pg` is loaded (on construction: only a PostgreSQL store constructs one). */
  private readonly pool: Promise<pg.Pool>;
  private readonly timeouts: PostgresTimeouts;
  private readonly logger: Logger;
  private readonly clients = new Set<pg.Client>();
  private readonly pending = new Map<number, number>();
  private nextQuery = 0;
  private down: ParleyError | undefined;
  private reconnecting: Promise<void> | undefined;
  private probing: Promise<boolean> | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private closed = false;
  /** When a statement or a connection last succeeded (epoch ms): a database that answers is busy, not down. */
  private lastProgressAt = 0;
  private readonly upListeners: Array<() => void> = [];

  constructor(private readonly options: ResilientPoolOptions) {
    this.timeouts = { ...DEFAULT_POSTGRES_TIMEOUTS, ...options.timeouts };
    this.logger = options.logger ?? silentLogger;
    this.pool = loadPg().then((loaded) => this.createPool(loaded));
    openPools.add(this);
  }

  /** The error of the current outage, or undefined while the database is reachable. */
  get unavailable(): ParleyError | undefined {
    return this.down;
  }

  /** Calls `listener` each time the database is reachable again after an outage. */
  onAvailable(listener: () => void): void {
    this.upListeners.push(listener);
  }

  /** Runs one statement on a pooled connection. */
  async query(sql: string, params?: unknown[]): Promise<pg.QueryResult> {
    return this.track(async () => {
      this.throwIfDown();
      return (await this.pool).query(sql, params);
    });
  }

  /** A connection of its own (transactions, session locks); give it back with `release()`, `release(error)` when it broke. */
  async connect(): Promise<pg.PoolClient> {
    const startedAt = Date.now();
    for (;;) {
      this.throwIfDown();
      try {
        const client = await (await this.pool).connect();
        this.lastProgressAt = Date.now();
        return client;
      } catch (error) {
        if (!this.waitAgain(error, startedAt)) throw this.failure(error);
      }
    }
  }

  /** Runs `work` on a checked-out client's query, with failure classification and the silent-network watchdog. */
  async clientQuery(client: pg.PoolClient, sql: string, params?: unknown[]): Promise<pg.QueryResult> {
    return this.track(() => client.query(sql, params));
  }

  /**
   * Checks the database with `SELECT 1` on a fresh connection within `timeoutMs` (default `healthTimeoutMs`); throws
   * `store_unavailable` (and starts reconnecting) when it does not answer.
   */
  async ping(timeoutMs = this.timeouts.healthTimeoutMs): Promise<void> {
    this.throwIfDown();
    if (!(await this.probe(timeoutMs))) throw this.down ?? storeUnavailable(new Error('the health probe failed'));
  }

  /**
   * The error to throw for `error`: a connection failure marks the database unavailable and becomes
   * `store_unavailable`; anything else is returned unchanged.
   */
  failure(error: unknown): unknown {
    if (!isConnectionError(error)) return error;
    // A pool busy for longer than the caller can wait: this call fails, the database is not declared down.
    if (isPoolWaitTimeout(error)) return storeUnavailable(error);
    const coded = storeUnavailable(error);
    this.markDown(coded);
    return coded;
  }

  /** Ends every connection and stops reconnecting. */
  async end(): Promise<void> {
    this.closed = true;
    openPools.delete(this);
    clearInterval(this.watchdog);
    const ended = this.pool.then((pool) => pool.end()).catch(() => undefined);
    // A connection stuck on a silent network would keep `end()` waiting for ever.
    if ((await Promise.race([ended.then(() => true), sleep(this.timeouts.healthTimeoutMs).then(() => false)])) === false) {
      for (const client of this.clients) client.connection.stream.destroy();
      await ended;
    }
  }

  private createPool(loaded: typeof pg): pg.Pool {
    const t = this.timeouts;
    const pool = new loaded.Pool({
      connectionString: this.options.connectionString,
      max: this.options.max ?? 10,
      ...(this.options.serverOptions ? { options: this.options.serverOptions } : {}),
      connectionTimeoutMillis: t.connectTimeoutMs,
      idleTimeoutMillis: t.idleTimeoutMs,
      ...(t.statementTimeoutMs !== undefined ? { statement_timeout: t.statementTimeoutMs, idle_in_transaction_session_timeout: t.statementTimeoutMs } : {}),
      ...(t.queryTimeoutMs !== undefined ? { query_timeout: t.queryTimeoutMs } : {}),
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // Without these listeners a connection dropping while idle (pool) or checked out (client) ends the process.
    pool.on('error', (error) => void this.failure(error));
    pool.on('connect', (client) => {
      this.clients.add(client);
      client.on('error', (error) => void this.failure(error));
      client.on('end', () => this.clients.delete(client));
    });
    pool.on('remove', (client) => this.clients.delete(client));
    return pool;
  }

  private throwIfDown(): void {
    if (this.closed) throw new ParleyError('store_unavailable', 'the database connection is closed');
    if (this.down) throw this.down;
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    const id = this.nextQuery++;
    const startedAt = Date.now();
    this.pending.set(id, startedAt);
    this.watchdog ??= setInterval(() => this.checkStuck(), Math.max(100, this.timeouts.healthTimeoutMs / 2)).unref();
    try {
      for (;;) {
        try {
          const result = await work();
          this.lastProgressAt = Date.now();
          return result;
        } catch (error) {
          if (!this.waitAgain(error, startedAt)) throw error;
        }
      }
    } catch (error) {
      throw this.failure(error);
    } finally {
      this.pending.delete(id);
      if (this.pending.size === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      }
    }
  }

  /**
   * Whether a call that failed with `error` waits for a pooled connection again: when every connection was checked
   * out (`pg`'s pool-wait timeout) the database is busy, not gone — under load, waiting is right and failing the call
   * (or worse, declaring an outage and cutting every connection) is not. Bounded by the query timeout (else 35 s).
   * A silent network is not waited out here: the watchdog's probe finds it and fails every call.
   */
  private waitAgain(error: unknown, startedAt: number): boolean {
    if (!isPoolWaitTimeout(error) || this.closed || this.down) return false;
    const budgetMs = this.timeouts.queryTimeoutMs ?? DEFAULT_POSTGRES_TIMEOUTS.queryTimeoutMs ?? 35_000;
    return Date.now() - startedAt < budgetMs;
  }

  /**
   * A query waiting longer than the health timeout: probe, and on failure fail it and every other one now. Not while
   * statements keep completing: a full pool under load leaves queries waiting without anything being wrong.
   */
  private checkStuck(): void {
    if (this.down || this.probing) return;
    const oldest = Math.min(...this.pending.values());
    const now = Date.now();
    if (now - oldest < this.timeouts.healthTimeoutMs || now - this.lastProgressAt < this.timeouts.healthTimeoutMs) return;
    void this.probe(this.timeouts.healthTimeoutMs);
  }

  /** `SELECT 1` on a fresh connection; false (and the outage marked) when it fails. One probe at a time. */
  private probe(timeoutMs: number): Promise<boolean> {
    this.probing ??= (async () => {
      const startedAt = Date.now();
      const client = new (await loadPg()).Client({ connectionString: this.options.connectionString, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
      client.on('error', () => undefined);
      const deadline = sleep(timeoutMs + 100).then(() => {
        throw new Error(`no answer within ${timeoutMs} ms`);
      });
      try {
        await Promise.race([client.connect().then(() => client.query('SELECT 1')), deadline]);
        return true;
      } catch (error) {
        // Statements completed while the probe waited: the database answers and this process is slow (a busy
        // event loop or CPU), which an outage would not explain. Not down.
        if (!this.down && this.lastProgressAt >= startedAt) return true;
        this.markDown(storeUnavailable(error));
        return false;
      } finally {
        void client.end().catch(() => undefined);
        // A connection stuck on a silent network never finishes `end()`.
        destroySocket(client);
      }
    })().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private markDown(error: ParleyError): void {
    if (this.closed) return;
    if (!this.down) {
      this.down = error;
      this.logger.warn({ pool: this.options.name, err: error.message }, 'database unavailable; reconnecting');
      // Queries waiting on a dead or silent connection fail now rather than at their timeout.
      for (const client of this.clients) client.connection.stream.destroy();
      this.clients.clear();
      // Idle connections of other pools to the same server died the same way, unnoticed.
      const server = serverOf(this.options.connectionString);
      for (const pool of openPools) if (pool !== this && serverOf(pool.options.connectionString) === server) pool.markDown(error);
    }
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
  }

  private async reconnect(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    for (let attempt = 1; !this.closed; attempt++) {
      await sleep(delay);
      if (this.closed) return;
      if (await this.probe(this.timeouts.healthTimeoutMs)) {
        this.down = undefined;
        this.logger.info({ pool: this.options.name, attempt }, 'database reachable again');
        for (const listener of this.upListeners) listener();
        return;
      }
      delay = Math.min(delay * 2, this.timeouts.retryMaxMs);
      this.logger.info({ pool: this.options.name, attempt, nextRetryMs: delay }, 'database still unavailable');
    }
  }
}
