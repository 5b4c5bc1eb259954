import { ParleyError, silentLogger, type Logger, type OpenRedis, type RedisConnection } from '../../bot/core/index.js';
import { backoffMs, Listeners, type KnowledgeListener, type KnowledgeSignal } from './signal.js';

/** Options of {@link RedisSignal}. */
export interface RedisSignalOptions {
  /** Opens the connections (`openRedis` of `bot/jobs`, which loads the client package on first use). */
  openRedis: OpenRedis;
  /** `REDIS_URL`. */
  url: string;
  /** The pub/sub channel; {@link redisSignalChannel} names one per store. */
  channel: string;
  /** Longest wait for a connection (ms); default 2,000. */
  connectTimeoutMs?: number;
  /** Longest wait for a `PUBLISH` (ms); default 1,000. */
  commandTimeoutMs?: number;
  /** Longest delay between reconnection attempts (ms); the backoff starts at 250 ms and doubles. Default 5,000. */
  retryMaxMs?: number;
  logger?: Logger;
}

/**
 * The pub/sub channel of one Parley store: `parley:knowledge:<namespace>`, where the namespace names the store (the
 * PostgreSQL server, database and schema, or the SQLite home), so that stores sharing one Redis do not hear each other.
 */
export function redisSignalChannel(namespace: string): string {
  return `parley:knowledge:${namespace}`;
}

/**
 * A {@link KnowledgeSignal} over Redis pub/sub: one connection publishes (`notify`), another subscribes (a subscribed
 * connection can do nothing else). Both reconnect by themselves with backoff; once the subscriber is subscribed again
 * after a reconnection, the listeners are called once without a `seq`, as messages published meanwhile are lost.
 * Connection errors are logged once per outage, never thrown at the process.
 */
export class RedisSignal implements KnowledgeSignal {
  private readonly logger: Logger;
  private readonly listeners: Listeners;
  /** The publishing and the subscribed connection, opened on first use. */
  private connections: Promise<{ publisher: RedisConnection; subscriber: RedisConnection }> | undefined;
  private started = false;
  private subscribedBefore = false;
  private closed = false;
  /** Connections in an outage (logged once each). */
  private readonly failing = new Set<RedisConnection>();

  constructor(private readonly options: RedisSignalOptions) {
    this.logger = options.logger ?? silentLogger;
    this.listeners = new Listeners(this.logger);
  }

  subscribe(listener: KnowledgeListener): () => void {
    const remove = this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      // `ready` follows the connection and subscribes; a failed first connection is retried by ioredis.
      void this.open().then(
        ({ subscriber }) => (this.closed ? undefined : subscriber.connect().catch((error: unknown) => this.failed(subscriber, error))),
        (error: unknown) => this.logger.warn({ channel: this.options.channel, err: messageOf(error) }, 'knowledge notifications: cannot open a Redis connection'),
      );
    }
    return remove;
  }

  /** Publishes `seq`; `store_unavailable` when Redis does not take it within the command timeout. */
  async notify(seq: number): Promise<void> {
    if (this.closed) return;
    try {
      const { publisher } = await this.open();
      await publisher.publish(this.options.channel, String(seq));
      this.recovered(publisher);
    } catch (error) {
      throw new ParleyError('store_unavailable', `Redis is unavailable: could not announce ticket change ${seq} (${messageOf(error)})`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const connections = await this.connections?.catch(() => undefined);
    if (!connections) return;
    await Promise.all([connections.publisher, connections.subscriber].map((client) => client.quit().catch(() => client.disconnect())));
  }

  /** Opens both connections (once): one publishes, the other subscribes (a subscribed connection can do nothing else). */
  private open(): Promise<{ publisher: RedisConnection; subscriber: RedisConnection }> {
    this.connections ??= (async () => {
      const { openRedis, url, channel } = this.options;
      const retryMaxMs = this.options.retryMaxMs ?? 5_000;
      const common = { lazyConnect: true, connectTimeout: this.options.connectTimeoutMs ?? 2_000, retryStrategy: (times: number) => backoffMs(times, retryMaxMs) };
      const publisher = await openRedis(url, { ...common, commandTimeout: this.options.commandTimeoutMs ?? 1_000, maxRetriesPerRequest: 1 });
      // The subscription is renewed by hand on every `ready`, so that the catch-up call follows a working SUBSCRIBE.
      const subscriber = await openRedis(url, { ...common, autoResubscribe: false, maxRetriesPerRequest: null });
      publisher.on('error', (error: Error) => this.failed(publisher, error));
      subscriber.on('error', (error: Error) => this.failed(subscriber, error));
      subscriber.on('ready', () => void this.resubscribe(subscriber));
      subscriber.on('message', (from: string, message: string) => {
        if (from === channel) this.listeners.emit(parseSeq(message));
      });
      return { publisher, subscriber };
    })();
    return this.connections;
  }

  private async resubscribe(subscriber: RedisConnection): Promise<void> {
    try {
      await subscriber.subscribe(this.options.channel);
    } catch (error) {
      // The connection dropped again: the next `ready` retries.
      this.failed(subscriber, error);
      return;
    }
    this.recovered(subscriber);
    if (this.subscribedBefore && !this.closed) this.listeners.emit(undefined);
    this.subscribedBefore = true;
  }

  private recovered(client: RedisConnection): void {
    if (this.failing.delete(client)) this.logger.info({ channel: this.options.channel }, 'knowledge notifications: Redis is reachable again');
  }

  private failed(client: RedisConnection, error: unknown): void {
    if (this.closed || this.failing.has(client)) return;
    this.failing.add(client);
    this.logger.warn({ channel: this.options.channel, err: messageOf(error) }, 'knowledge notifications: Redis unavailable; reconnecting');
  }
}

/** The message as a change counter; anything else means "a change, counter unknown". */
function parseSeq(message: string): number | undefined {
  const seq = message === '' ? NaN : Number(message);
  return Number.isFinite(seq) ? seq : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
