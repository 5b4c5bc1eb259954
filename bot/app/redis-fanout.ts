import { Redis } from 'ioredis';
import type { FanoutFrame, SocketFanout } from '../../channels/webchat/index.js';
import type { Logger } from '../core/index.js';

/** Options of {@link RedisFanout}. */
export interface RedisFanoutOptions {
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
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private outage = false;
  private subscribed = false;

  constructor(private readonly options: RedisFanoutOptions) {
    const common = { lazyConnect: true, connectTimeout: 2_000 };
    this.publisher = new Redis(options.url, { ...common, commandTimeout: 1_000, maxRetriesPerRequest: 1 });
    this.subscriber = new Redis(options.url, { ...common, maxRetriesPerRequest: null });
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error: Error) => this.failed(error));
  }

  async publish(message: FanoutFrame): Promise<number> {
    try {
      const receivers = await this.publisher.publish(this.options.channel, JSON.stringify({ origin: this.options.instanceId, ...message }));
      this.outage = false;
      // This instance's own subscriber is one of the receivers once it has subscribed.
      return Math.max(0, receivers - (this.subscribed ? 1 : 0));
    } catch (error) {
      this.failed(error);
      return 0;
    }
  }

  subscribe(deliver: (message: FanoutFrame) => void): void {
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.options.channel) return;
      const message = parseMessage(text);
      if (message && message.origin !== this.options.instanceId) deliver({ conversationId: message.conversationId, frame: message.frame });
    });
    this.subscribed = true;
    this.subscriber.subscribe(this.options.channel).catch((error: unknown) => this.failed(error));
  }

  async close(): Promise<void> {
    // Nothing to flush (live frames only): disconnect at once. `quit` would wait for a Redis that may be unreachable.
    this.publisher.disconnect();
    this.subscriber.disconnect();
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
