import { silentLogger, type Logger } from '../../bot/core/index.js';
import { Listeners, type KnowledgeListener, type KnowledgeSignal } from './signal.js';

/** Options of {@link pollingSignal}. */
export interface PollingSignalOptions {
  /** Reads the store's ticket change counter (`store.ticketSeq()`); any change of its value is a change. */
  readSeq: () => Promise<number>;
  /** Time between two reads (ms). */
  intervalMs: number;
  /** Read failures are logged here (one line per outage, not per read); default silent. */
  logger?: Logger;
}

/**
 * A {@link KnowledgeSignal} that polls the store's ticket change counter every `intervalMs` and calls listeners when
 * it moved (the embedded SQLite default, and the safety net beside push signals). Polling starts with the first
 * subscriber; the first read only sets the baseline. `notify` reaches other processes only through the store itself
 * (their next poll); locally it calls the listeners at once and records `seq`, so that the next poll does not report
 * the same change again. A failed read is retried at the next interval.
 */
export function pollingSignal(options: PollingSignalOptions): KnowledgeSignal {
  const logger = options.logger ?? silentLogger;
  const listeners = new Listeners(logger);
  let lastSeq: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let closed = false;
  /** Bumped by `notify`: a read started before it may be older than the notified counter, and is dropped. */
  let notified = 0;

  const poll = async () => {
    const notifiedBefore = notified;
    try {
      const seq = await options.readSeq();
      if (failing) logger.info({}, 'knowledge polling: the ticket counter is readable again');
      failing = false;
      if (closed || notified !== notifiedBefore) return;
      const moved = lastSeq !== undefined && seq !== lastSeq;
      lastSeq = seq;
      if (moved) listeners.emit(seq);
    } catch (error) {
      if (!failing) logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'knowledge polling: cannot read the ticket counter; retrying');
      failing = true;
    }
  };
  // A chain of timeouts, not an interval: a slow read never overlaps the next one.
  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => void poll().finally(schedule), options.intervalMs);
    timer.unref();
  };

  return {
    async notify(seq: number) {
      if (closed) return;
      notified++;
      lastSeq = seq;
      listeners.emit(seq);
    },
    subscribe(listener: KnowledgeListener) {
      const remove = listeners.add(listener);
      if (!timer && !closed) {
        void poll();
        schedule();
      }
      return remove;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      listeners.clear();
    },
  };
}
