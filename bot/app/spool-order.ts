import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { silentLogger, type Logger, type OpenRedis, type RedisConnection } from '../core/index.js';

/**
 * One order for the messages several instances kept while the database was unavailable. Each instance keeps what it
 * received in its own local journal (`InboundSpool`), so a conversation whose messages reached two instances behind a
 * round-robin balancer has kept messages in two journals; without a shared order, each instance would run its own as
 * soon as the database is back, and the conversation's messages would run out of order. The order records, per
 * conversation (or sender, for channels that find their conversation later), which message was kept first; an
 * instance runs a kept message, or a new one, only when no earlier message of that conversation waits on another
 * live instance. It holds message keys and instance ids only, never message text.
 */
export interface SpoolOrder {
  /** Records that `entryKey` of `orderKey` was kept now (kept again after a restart: its first place stays). Never throws. */
  kept(orderKey: string, entryKey: string): Promise<void>;
  /**
   * True when a message of `orderKey` kept before `entryKey` (or any message of it, without `entryKey`) waits on
   * another instance that is alive. False when the order cannot be read (each instance then keeps its own order).
   */
  earlierElsewhere(orderKey: string, entryKey?: string): Promise<boolean>;
  /** Records that `entryKey`'s turn has run. Never throws. */
  done(orderKey: string, entryKey: string): Promise<void>;
  /** Starts telling the other instances that this one is alive. */
  start(): Promise<void>;
  /** Stops; this instance's messages still kept no longer hold the others back. */
  stop(): Promise<void>;
}

/** A single instance's order: its own journal's, nothing shared (SQLite, or no Redis). */
export const LOCAL_ORDER: SpoolOrder = {
  kept: async () => undefined,
  earlierElsewhere: async () => false,
  done: async () => undefined,
  start: async () => undefined,
  stop: async () => undefined,
};

/** Options of {@link RedisSpoolOrder}. */
export interface RedisSpoolOrderOptions {
  /** Opens the connection (`openRedis` of `bot/jobs`, which loads the client package on first use). */
  openRedis: OpenRedis;
  url: string;
  /** Key prefix shared by the instances of one deployment (one store). */
  prefix: string;
  logger?: Logger;
  /** This instance's id; default host, process id and a random suffix. */
  instanceId?: string;
  /** How long an instance counts as alive after its last heartbeat (ms); default 15,000 (heartbeats every third of it). */
  aliveMs?: number;
}

/** How long an order key's records stay in Redis after their last change (ms): a week, far beyond any outage. */
const ORDER_TTL_MS = 7 * 24 * 3_600_000;

/**
 * {@link SpoolOrder} in Redis (`REDIS_URL` with `DATABASE_URL`): a global counter gives each kept message its place,
 * a sorted set per order key holds the waiting messages by place and a hash their instance; each instance renews an
 * "alive" key. A message on an instance that is no longer alive (killed, stopped) does not hold the others back: it
 * runs when that instance's journal runs again, after what the others ran meanwhile — the one case where order is
 * given up so that nothing waits for ever. While Redis is unreachable every call falls back to the local order (a
 * warning once per outage).
 */
export class RedisSpoolOrder implements SpoolOrder {
  readonly instanceId: string;
  private connection: Promise<RedisConnection> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private outage = false;
  private readonly logger: Logger;
  private readonly aliveMs: number;

  constructor(private readonly options: RedisSpoolOrderOptions) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.logger = options.logger ?? silentLogger;
    this.aliveMs = options.aliveMs ?? 15_000;
  }

  async start(): Promise<void> {
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), Math.max(10, Math.floor(this.aliveMs / 3)));
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.call((redis) => redis.del(this.aliveKey(this.instanceId)));
    const connection = await this.connection?.catch(() => undefined);
    // Nothing to flush: every write was awaited. `quit` would wait for a Redis that may be unreachable.
    connection?.disconnect();
  }

  async kept(orderKey: string, entryKey: string): Promise<void> {
    await this.call(async (redis) => {
      const place = await redis.incr(`${this.options.prefix}:places`);
      await redis.zadd(this.waitingKey(orderKey), 'NX', place, entryKey);
      await redis.hset(this.ownersKey(orderKey), entryKey, this.instanceId);
      await redis.pexpire(this.waitingKey(orderKey), ORDER_TTL_MS);
      await redis.pexpire(this.ownersKey(orderKey), ORDER_TTL_MS);
    });
  }

  async earlierElsewhere(orderKey: string, entryKey?: string): Promise<boolean> {
    const found = await this.call(async (redis) => {
      const waiting = await redis.zrange(this.waitingKey(orderKey), 0, -1);
      const position = entryKey === undefined ? -1 : waiting.indexOf(entryKey);
      const earlier = position < 0 ? waiting : waiting.slice(0, position);
      if (earlier.length === 0) return false;
      const owners = await redis.hmget(this.ownersKey(orderKey), ...earlier);
      const others = new Set(owners.filter((owner): owner is string => owner !== null && owner !== this.instanceId));
      for (const owner of others) if ((await redis.exists(this.aliveKey(owner))) > 0) return true;
      return false;
    });
    return found ?? false;
  }

  async done(orderKey: string, entryKey: string): Promise<void> {
    await this.call(async (redis) => {
      await redis.zrem(this.waitingKey(orderKey), entryKey);
      await redis.hdel(this.ownersKey(orderKey), entryKey);
    });
  }

  private beat(): Promise<unknown> {
    return this.call((redis) => redis.set(this.aliveKey(this.instanceId), '1', 'PX', this.aliveMs));
  }

  private waitingKey(orderKey: string): string {
    return `${this.options.prefix}:waiting:${orderKey}`;
  }

  private ownersKey(orderKey: string): string {
    return `${this.options.prefix}:owners:${orderKey}`;
  }

  private aliveKey(instanceId: string): string {
    return `${this.options.prefix}:alive:${instanceId}`;
  }

  /** Runs `command` on the connection; undefined (and a warning once per outage) when Redis fails. */
  private async call<T>(command: (redis: RedisConnection) => Promise<T>): Promise<T | undefined> {
    try {
      const result = await command(await this.open());
      if (this.outage) this.logger.info({}, 'Redis is back: kept messages follow the shared order again');
      this.outage = false;
      return result;
    } catch (error) {
      if (!this.outage) this.logger.warn({ err: error }, 'Redis unreachable: kept messages follow this instance\'s order only');
      this.outage = true;
      return undefined;
    }
  }

  private open(): Promise<RedisConnection> {
    this.connection ??= (async () => {
      // Calls fail at once while Redis is unreachable (no offline queue): a kept message never waits for it.
      const redis = await this.options.openRedis(this.options.url, { lazyConnect: true, connectTimeout: 2_000, commandTimeout: 1_000, maxRetriesPerRequest: 1, enableOfflineQueue: false });
      redis.on('error', () => undefined); // Each failing call logs (once per outage).
      // A failed first connection is retried by the client itself, as a lost one is.
      await redis.connect().catch(() => undefined);
      return redis;
    })();
    return this.connection;
  }
}
