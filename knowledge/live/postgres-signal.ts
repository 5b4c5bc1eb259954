import { createHash } from 'node:crypto';
import { ParleyError, silentLogger, type Logger, type OpenPostgresClient, type PostgresClient } from '../../bot/core/index.js';
import { backoffMs, Listeners, type KnowledgeListener, type KnowledgeSignal } from './signal.js';

/** Connection timings of a {@link PostgresSignal} (the store's `PARLEY_DB_*` settings are passed in). */
export interface PostgresSignalTimeouts {
  /** Longest wait for a new connection, and for `notify` to find one (ms); default 5,000. */
  connectTimeoutMs: number;
  /** Limit of one statement on the listening connection (`LISTEN`, `pg_notify`, the heartbeat) (ms); default 1,500. */
  healthTimeoutMs: number;
  /** Longest delay between reconnection attempts (ms); the backoff starts at 250 ms and doubles. Default 5,000. */
  retryMaxMs: number;
  /** Time between heartbeats (`SELECT 1`) that detect a connection dropped silently by the network (ms); default 5,000. */
  heartbeatMs: number;
}

/** Options of {@link PostgresSignal}. */
export interface PostgresSignalOptions {
  /** Creates the listening connection (`openPostgresClient` of `bot/storage`, which loads the client package). */
  openClient: OpenPostgresClient;
  connectionString: string;
  /** The notification channel; {@link postgresSignalChannel} names one per schema. */
  channel: string;
  timeouts?: Partial<PostgresSignalTimeouts>;
  logger?: Logger;
}

const DEFAULT_TIMEOUTS: PostgresSignalTimeouts = { connectTimeoutMs: 5_000, healthTimeoutMs: 1_500, retryMaxMs: 5_000, heartbeatMs: 5_000 };

/** Longest PostgreSQL identifier (bytes); a longer channel name would be truncated by `LISTEN`, not by `pg_notify`. */
const MAX_IDENTIFIER = 63;

/**
 * The LISTEN/NOTIFY channel of the Parley schema `schema` (several schemas may share one database):
 * `parley_knowledge_<schema>`, shortened with a hash when it would exceed PostgreSQL's 63-byte identifiers.
 */
export function postgresSignalChannel(schema: string): string {
  const name = `parley_knowledge_${schema}`.toLowerCase();
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER) return name;
  return `parley_knowledge_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * A {@link KnowledgeSignal} over PostgreSQL LISTEN/NOTIFY. A dedicated connection (not a pooled one: a pool would
 * hand the session, and its LISTEN, to other work) listens on `channel`; `notify(seq)` runs `SELECT pg_notify(channel,
 * seq)` on it, which every listening session of the database receives, this one included. The connection is set up
 * like the store's (connect timeout, TCP keepalive, an `error` listener so a drop never ends the process) and checked
 * by a heartbeat; when it drops it is reopened with backoff (250 ms doubling to `retryMaxMs`), and once it listens
 * again the listeners are called once without a `seq`, as notifications sent meanwhile are lost.
 */
export class PostgresSignal implements KnowledgeSignal {
  private readonly timeouts: PostgresSignalTimeouts;
  private readonly logger: Logger;
  private readonly listeners: Listeners;
  /** The connection that listens, while it does. */
  private client: PostgresClient | undefined;
  /** The connection being opened, so that `close` can end it too. */
  private opening: PostgresClient | undefined;
  private running: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private waiters: Array<(client: PostgresClient | undefined) => void> = [];
  private listenedBefore = false;
  private closed = false;

  constructor(private readonly options: PostgresSignalOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.logger = options.logger ?? silentLogger;
    this.listeners = new Listeners(this.logger);
  }

  /** True while the listening connection is up (tests, diagnostics). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  subscribe(listener: KnowledgeListener): () => void {
    const remove = this.listeners.add(listener);
    this.start();
    return remove;
  }

  /** Sends `seq` on the channel; `store_unavailable` when no connection is up within `connectTimeoutMs`. */
  async notify(seq: number): Promise<void> {
    if (this.closed) return;
    const client = this.client ?? (await this.nextConnection());
    if (!client) throw new ParleyError('store_unavailable', `the database is unavailable: could not announce ticket change ${seq} on ${this.options.channel}`);
    try {
      await client.query('SELECT pg_notify($1, $2)', [this.options.channel, String(seq)]);
    } catch (error) {
      this.lost(client, error);
      throw new ParleyError('store_unavailable', `the database is unavailable: could not announce ticket change ${seq} (${messageOf(error)})`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.listeners.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    await Promise.all([this.client, this.opening].map((client) => client && endClient(client, this.timeouts.healthTimeoutMs)));
    this.client = undefined;
    // A reconnection loop still waiting out its backoff sees `closed` when it wakes and stops.
  }

  /** Opens the listening connection (once; reconnections follow by themselves). */
  private start(): void {
    this.running ??= this.connectUntilListening();
  }

  /** The listening connection once it is up, or undefined after `connectTimeoutMs` (or on close). */
  private nextConnection(): Promise<PostgresClient | undefined> {
    this.start();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== settle);
        resolve(undefined);
      }, this.timeouts.connectTimeoutMs);
      timer.unref();
      const settle = (client: PostgresClient | undefined) => {
        clearTimeout(timer);
        resolve(client);
      };
      this.waiters.push(settle);
    });
  }

  /** Tries to connect and LISTEN, with backoff, until it succeeds or the signal is closed. */
  private async connectUntilListening(): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.listen();
        return;
      } catch (error) {
        const delay = backoffMs(attempt, this.timeouts.retryMaxMs);
        if (attempt === 1 || delay < this.timeouts.retryMaxMs) {
          this.logger.warn({ channel: this.options.channel, attempt, nextRetryMs: delay, err: messageOf(error) }, 'knowledge notifications: cannot listen on PostgreSQL; retrying');
        }
        await sleep(delay);
      }
    }
  }

  private async listen(): Promise<void> {
    const t = this.timeouts;
    const client = await this.options.openClient({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: t.connectTimeoutMs,
      query_timeout: t.healthTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // Without these listeners a connection dropping while idle ends the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.listeners.emit(parseSeq(message.payload));
    });
    this.opening = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel.replace(/"/g, '""')}"`);
    } catch (error) {
      await endClient(client, t.healthTimeoutMs);
      throw error;
    } finally {
      this.opening = undefined;
    }
    if (this.closed) {
      await endClient(client, t.healthTimeoutMs);
      return;
    }
    this.client = client;
    this.heartbeat = setInterval(() => void this.beat(client), t.heartbeatMs).unref();
    for (const waiter of this.waiters.splice(0)) waiter(client);
    if (this.listenedBefore) {
      this.logger.info({ channel: this.options.channel }, 'knowledge notifications: listening on PostgreSQL again');
      // Changes notified while the connection was down never arrive: whoever listens must look for them.
      this.listeners.emit(undefined);
    }
    this.listenedBefore = true;
  }

  /** A query on a connection the network dropped silently fails at `query_timeout`: then reconnect. */
  private async beat(client: PostgresClient): Promise<void> {
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.lost(client, error);
    }
  }

  /** The listening connection failed: drop it and reconnect (once per connection). */
  private lost(client: PostgresClient, error: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    client.destroy();
    if (this.closed) return;
    this.logger.warn({ channel: this.options.channel, err: messageOf(error) }, 'knowledge notifications: lost the PostgreSQL connection; reconnecting');
    this.running = this.connectUntilListening();
  }
}

/** The payload as a change counter; anything else means "a change, counter unknown". */
function parseSeq(payload: string | undefined): number | undefined {
  const seq = payload === undefined || payload === '' ? NaN : Number(payload);
  return Number.isFinite(seq) ? seq : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Ends `client` politely, or destroys it when that takes longer than `timeoutMs`. */
async function endClient(client: PostgresClient, timeoutMs: number): Promise<void> {
  const ended = client.end().then(
    () => true,
    () => true,
  );
  if (!(await Promise.race([ended, sleep(timeoutMs).then(() => false)]))) client.destroy();
}
