import type { FanoutFrame, SocketFanout } from '../../channels/webchat/index.js';
import type { Logger, OpenRedis, RedisConnection } from '../core/index.js';

/** Options of {@link RedisFanout}. */
export interface RedisFanoutOptions {
  /** Opens the connections (`openRedis` of `bot/jobs`, which loads the client package on first use). */
  openRedis: OpenRedis;
  url: string;
  /** Pub/sub channel shared by the instances of one deployment (one store). */
  channel: string;
  /** This instance's id: its own messages come back from Redis and are skipped. */
  instanceId: string;
  logger: Logger;
}

/** The pub/sub channel of the web chat fanout of the instances sharing a store (`namespace`). */
export function webchatFanoutChannel(namespace: string): string {
  return `parley:webchat:${namespace}`;
}

/**
 * {@link SocketFanout} over Redis pub/sub (`REDIS_URL`): one connection publishes, one subscribes (re-subscribed
 * after a reconnect by ioredis). A message is `{"origin","conversationId","frame"}` JSON; malformed ones are skipped.
 * While Redis is unreachable, frames reach only this instance's sockets (a warning is logged once per outage).
 */
export class RedisFanout implements SocketFanout {
  /** The publishing and the subscribed connection, opened on first use. */
  private connections: Promise<{ publisher: RedisConnection; subscriber: RedisConnection }> | undefined;
  private outage = false;
  private subscribed = false;

  constructor(private readonly options: RedisFanoutOptions) {}

  async publish(message: FanoutFrame): Promise<number> {
    try {
      const { publisher } = await this.open();
      const receivers = await publisher.publish(this.options.channel, JSON.stringify({ origin: this.options.instanceId, ...message }));
      this.outage = false;
      // This instance's own subscriber is one of the receivers once it has subscribed.
      return Math.max(0, receivers - (this.subscribed ? 1 : 0));
    } catch (error) {
      this.failed(error);
      return 0;
    }
  }

  subscribe(deliver: (message: FanoutFrame) => void): void {
    this.subscribed = true;
    void this.open().then(({ subscriber }) => {
      subscriber.on('message', (channel: string, text: string) => {
        if (channel !== this.options.channel) return;
        const message = parseMessage(text);
        if (message && message.origin !== this.options.instanceId) deliver({ conversationId: message.conversationId, frame: message.frame });
      });
      return subscriber.subscribe(this.options.channel);
    }).catch((error: unknown) => this.failed(error));
  }

  async close(): Promise<void> {
    const connections = await this.connections?.catch(() => undefined);
    // Nothing to flush (live frames only): disconnect at once. `quit` would wait for a Redis that may be unreachable.
    connections?.publisher.disconnect();
    connections?.subscriber.disconnect();
  }

  private open(): Promise<{ publisher: RedisConnection; subscriber: RedisConnection }> {
    this.connections ??= (async () => {
      const { openRedis, url } = this.options;
      const common = { lazyConnect: true, connectTimeout: 2_000 };
      const publisher = await openRedis(url, { ...common, commandTimeout: 1_000, maxRetriesPerRequest: 1 });
      const subscriber = await openRedis(url, { ...common, maxRetriesPerRequest: null });
      for (const client of [publisher, subscriber]) client.on('error', (error: Error) => this.failed(error));
      return { publisher, subscriber };
    })();
    return this.connections;
  }

  private failed(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'web chat fanout: Redis unavailable; agent messages reach only sockets on this instance');
  }
}

function parseMessage(text: string): (FanoutFrame & { origin: string }) | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const { origin, conversationId, frame } = value;
    if (typeof origin !== 'string' || typeof conversationId !== 'string' || typeof frame !== 'object' || frame === null) return undefined;
    return { origin, conversationId, frame: frame as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
