import { Redis } from 'ioredis';
import { ParleyError, silentLogger, type Logger } from '../../bot/core/index.js';
import { backoffMs, Listeners, type KnowledgeListener, type KnowledgeSignal } from './signal.js';

/** Options of {@link RedisSignal}. */
export interface RedisSignalOptions {
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
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly logger: Logger;
  private readonly listeners: Listeners;
  private started = false;
  private subscribedBefore = false;
  private closed = false;
  /** Connections in an outage (logged once each). */
  private readonly failing = new Set<Redis>();

  constructor(private readonly options: RedisSignalOptions) {
    this.logger = options.logger ?? silentLogger;
    this.listeners = new Listeners(this.logger);
    const retryMaxMs = options.retryMaxMs ?? 5_000;
    const common = { lazyConnect: true, connectTimeout: options.connectTimeoutMs ?? 2_000, retryStrategy: (times: number) => backoffMs(times, retryMaxMs) };
    this.publisher = new Redis(options.url, { ...common, commandTimeout: options.commandTimeoutMs ?? 1_000, maxRetriesPerRequest: 1 });
    // The subscription is renewed by hand on every `ready`, so that the catch-up call follows a working SUBSCRIBE.
    this.subscriber = new Redis(options.url, { ...common, autoResubscribe: false, maxRetriesPerRequest: null });
    this.publisher.on('error', (error: Error) => this.failed(this.publisher, error));
    this.subscriber.on('error', (error: Error) => this.failed(this.subscriber, error));
    this.subscriber.on('ready', () => void this.resubscribe());
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === options.channel) this.listeners.emit(parseSeq(message));
    });
  }

  subscribe(listener: KnowledgeListener): () => void {
    const remove = this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      // `ready` follows the connection and subscribes; a failed first connection is retried by ioredis.
      this.subscriber.connect().catch((error: unknown) => this.failed(this.subscriber, error));
    }
    return remove;
  }

  /** Publishes `seq`; `store_unavailable` when Redis does not take it within the command timeout. */
  async notify(seq: number): Promise<void> {
    if (this.closed) return;
    try {
      await this.publisher.publish(this.options.channel, String(seq));
      this.recovered(this.publisher);
    } catch (error) {
      throw new ParleyError('store_unavailable', `Redis is unavailable: could not announce ticket change ${seq} (${messageOf(error)})`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await Promise.all([this.publisher, this.subscriber].map((client) => client.quit().catch(() => client.disconnect())));
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.options.channel);
    } catch (error) {
      // The connection dropped again: the next `ready` retries.
      this.failed(this.subscriber, error);
      return;
    }
    this.recovered(this.subscriber);
    if (this.subscribedBefore && !this.closed) this.listeners.emit(undefined);
    this.subscribedBefore = true;
  }

  private recovered(client: Redis): void {
    if (this.failing.delete(client)) this.logger.info({ channel: this.options.channel }, 'knowledge notifications: Redis is reachable again');
  }

  private failed(client: Redis, error: unknown): void {
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
