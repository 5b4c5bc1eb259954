import type { Logger } from '../../bot/core/index.js';

/**
 * Called when the stored tickets may have changed in another process (or this one). `seq` is the store's ticket
 * change counter after the change when the sender knows it; `undefined` means "something may have changed, look"
 * (e.g. after a reconnection, when notifications may have been missed). A listener may return a promise: a rejection
 * is logged by the signal, never thrown back at the sender.
 */
export type KnowledgeListener = (seq?: number) => void;

/**
 * Change notification across processes: a process that wrote tickets calls {@link KnowledgeSignal.notify} with the
 * store's ticket change counter, and every process sharing the store (servers, CLI, workers) hears about it through
 * {@link KnowledgeSignal.subscribe} and refreshes its knowledge. Implementations: {@link pollingSignal} (embedded
 * SQLite default: the counter is polled), `PostgresSignal` (LISTEN/NOTIFY), `RedisSignal` (pub/sub), and
 * {@link combinedSignal} (push plus a slow polling fallback, debounced), which the composition root uses.
 * Delivery is best effort: a listener must be idempotent, and a notification may arrive more than once.
 */
export interface KnowledgeSignal {
  /** Tells every subscriber, in this process and others, that tickets changed up to `seq`. */
  notify(seq: number): Promise<void>;
  /** Calls `listener` on each change; returns the function that unsubscribes it. */
  subscribe(listener: KnowledgeListener): () => void;
  /** Stops listening and releases connections and timers; listeners are not called afterwards. */
  close(): Promise<void>;
}

/**
 * The subscribers of one signal. {@link Listeners.emit} calls each of them, and a listener that throws or rejects is
 * logged (`knowledge listener failed`) without stopping the others.
 */
export class Listeners {
  private readonly listeners = new Set<KnowledgeListener>();

  constructor(private readonly logger: Logger) {}

  /** Number of current subscribers. */
  get size(): number {
    return this.listeners.size;
  }

  /** Adds `listener`; returns the function that removes it. */
  add(listener: KnowledgeListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Calls every listener with `seq`. */
  emit(seq?: number): void {
    for (const listener of [...this.listeners]) {
      try {
        const result: unknown = listener(seq);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(error));
      } catch (error) {
        this.failed(error);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }

  private failed(error: unknown): void {
    this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'knowledge listener failed');
  }
}

/** Delay of the `attempt`-th reconnection (1-based): 250 ms doubling up to `maxMs`. */
export function backoffMs(attempt: number, maxMs: number): number {
  return Math.min(250 * 2 ** Math.max(0, attempt - 1), maxMs);
}
