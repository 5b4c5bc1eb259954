/**
 * The parts of a Redis and of a PostgreSQL connection that features use for change notification and live fan-out
 * (the knowledge signal, the web chat fan-out, rate limits). Only the vendor folders import the client packages
 * (`bot/jobs` ioredis, `bot/storage` pg) and load them on first use; features get an opener from the composition root
 * and type against these interfaces, so a SQLite-only start loads neither package.
 */

/** Options of a Redis connection (a subset of ioredis's `RedisOptions`, same names and meanings). */
export interface RedisConnectionOptions {
  /** Connect on the first command or `connect()` instead of at once. */
  lazyConnect?: boolean;
  /** Longest wait for the connection (ms). */
  connectTimeout?: number;
  /** Longest wait for one command's answer (ms). */
  commandTimeout?: number;
  /** Attempts of one command across reconnections; `null` waits for ever (subscribers, BullMQ). */
  maxRetriesPerRequest?: number | null;
  /** Queue commands while disconnected (default true); false: they fail at once. */
  enableOfflineQueue?: boolean;
  /** Re-subscribe by itself after a reconnection (default true). */
  autoResubscribe?: boolean;
  /** Delay before reconnection attempt `times` (ms). */
  retryStrategy?: (times: number) => number | null;
}

/** A Redis connection (an ioredis `Redis`): the commands and events Parley's features use. */
export interface RedisConnection {
  connect(): Promise<void>;
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string): Promise<unknown>;
  ping(): Promise<string>;
  /** Adds 1 to the integer at `key` (0 when missing); resolves to the new value. */
  incr(key: string): Promise<number>;
  /** Adds `member` with `score` to a sorted set only when it is not there yet (`mode` `'NX'`). */
  zadd(key: string, mode: 'NX', score: number, member: string): Promise<number | null>;
  /** Members of a sorted set by rank, lowest score first (`stop` -1: to the end). */
  zrange(key: string, start: number, stop: number): Promise<string[]>;
  zrem(key: string, member: string): Promise<number>;
  hset(key: string, field: string, value: string): Promise<number>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  hdel(key: string, field: string): Promise<number>;
  /** Sets `key` to `value` expiring after `ms` (`'PX'`). */
  set(key: string, value: string, unit: 'PX', ms: number): Promise<unknown>;
  del(key: string): Promise<number>;
  /** How many of `keys` exist. */
  exists(...keys: string[]): Promise<number>;
  /** Sets a key's time to live (ms). */
  pexpire(key: string, ms: number): Promise<number>;
  /** Sends QUIT and waits for pending replies. */
  quit(): Promise<unknown>;
  /** Closes the socket at once. */
  disconnect(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** Opens a Redis connection to `url` (`REDIS_URL`); `bot/jobs` loads the client package on the first call. */
export type OpenRedis = (url: string, options: RedisConnectionOptions) => Promise<RedisConnection>;

/** Options of one PostgreSQL client connection (the `pg` `ClientConfig` names). */
export interface PostgresClientOptions {
  connectionString: string;
  connectionTimeoutMillis?: number;
  /** Client-side limit of one query (ms). */
  query_timeout?: number;
  keepAlive?: boolean;
  keepAliveInitialDelayMillis?: number;
}

/** A `LISTEN`/`NOTIFY` notification. */
export interface PostgresNotification {
  channel: string;
  payload?: string | undefined;
}

/** One PostgreSQL client connection (a `pg` `Client`): what a listening session uses. */
export interface PostgresClient {
  connect(): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
  /** Closes the socket at once: a connection stuck on a silent network never finishes `end()`. */
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'notification', listener: (message: PostgresNotification) => void): unknown;
}

/** Creates (does not connect) a PostgreSQL client; `bot/storage` loads the client package on the first call. */
export type OpenPostgresClient = (options: PostgresClientOptions) => Promise<PostgresClient>;
