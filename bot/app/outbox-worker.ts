import { markDeliveryFailed, type ChannelAdapter, type Logger, type Store } from '../core/index.js';

/** Options of {@link OutboxWorker}. */
export interface OutboxWorkerOptions {
  store: Store;
  /**
   * Adapters by channel name; replies of channels without one (REST: the client re-sends) are not retried here. The
   * server passes web chat too, which delivers to the customer's open socket once they are back.
   */
  adapters: ReadonlyMap<string, ChannelAdapter>;
  logger: Logger;
  /** How often to look for undelivered replies (ms); default 30 s. */
  intervalMs?: number;
  /** Delivery attempts before a reply is left for an operator; default 5. */
  maxAttempts?: number;
  /** A pending reply younger than this is still owned by its turn (ms); default 60 s. */
  graceMs?: number;
}

/**
 * Retries replies that a channel failed to deliver (vendor API down, network error), so a transient fault never
 * drops a message. A reply that may never go out (the customer opted out) is marked `dropped` and never tried again. Runs in process; each pass takes the oldest undelivered replies.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: OutboxWorkerOptions) {}

  /** Starts periodic passes. */
  start(): this {
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs ?? 30_000);
    this.timer.unref();
    return this;
  }

  /** One pass: re-sends due replies through their channel's adapter; returns how many were delivered. */
  pass(): Promise<number> {
    // A failing pass (the database went away) is logged and retried next time; it never rejects into a timer.
    this.running ??= this.deliverDue()
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'reply delivery pass failed');
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async deliverDue(): Promise<number> {
    const { store, adapters, logger } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 5;
    const dueBefore = Date.now() - (this.options.graceMs ?? 60_000);
    let delivered = 0;
    for (const record of await store.listPendingOutbound(100, maxAttempts)) {
      const adapter = adapters.get(record.channel);
      if (!adapter) continue;
      if (record.status === 'pending' && Date.parse(record.createdAt) > dueBefore) continue;
      try {
        await adapter.send(record.activity);
        await store.markOutbound(record.id, 'sent');
        delivered++;
      } catch (error) {
        const status = await markDeliveryFailed(store, record.id, error);
        logger.warn({ err: error, outboxId: record.id, attempts: record.attempts + 1, status }, 'reply delivery retry failed');
      }
    }
    return delivered;
  }

  /** Stops passes and waits for a running one. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
