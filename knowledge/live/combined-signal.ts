import { silentLogger, type Logger } from '../../bot/core/index.js';
import { Listeners, type KnowledgeListener, type KnowledgeSignal } from './signal.js';

/** Options of {@link combinedSignal}. */
export interface CombinedSignalOptions {
  /** Push notification between processes (PostgreSQL LISTEN/NOTIFY or Redis pub/sub); none: polling alone. */
  push?: KnowledgeSignal;
  /** The store's counter polled ({@link pollingSignal}): alone on SQLite, the safety net beside a push signal. */
  polling: KnowledgeSignal;
  /** Reports arriving within this window after the first are merged into one listener call (ms); default 100. */
  debounceMs?: number;
  /**
   * Longest wait for the push in `notify` (ms); default 1,000. A writer is never held longer by a notification
   * channel that is down: the others then see the change at their next poll.
   */
  notifyTimeoutMs?: number;
  logger?: Logger;
}

/**
 * The {@link KnowledgeSignal} a Parley process uses: push notification when there is one, always with polling beside
 * it, so that a lost notification (a dropped connection, a process that died before announcing) delays a change by
 * one poll at most instead of leaving a server stale. Reports from both are merged: listeners are called once per
 * `debounceMs` window, with the highest `seq` reported, or without one when any report had none.
 * `notify` wakes this process's listeners, then pushes; a push that fails or takes longer than `notifyTimeoutMs` is
 * logged, not thrown (the writer's change is stored, and other processes see it at their next poll).
 */
export function combinedSignal(options: CombinedSignalOptions): KnowledgeSignal {
  const { push, polling } = options;
  const logger = options.logger ?? silentLogger;
  const debounceMs = options.debounceMs ?? 100;
  const notifyTimeoutMs = options.notifyTimeoutMs ?? 1_000;
  const listeners = new Listeners(logger);
  const unsubscribe: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let pendingSeq: number | undefined;
  let unknownSeq = false;
  let closed = false;

  const flush = () => {
    timer = undefined;
    const seq = unknownSeq ? undefined : pendingSeq;
    pendingSeq = undefined;
    unknownSeq = false;
    if (!closed) listeners.emit(seq);
  };
  const report = (seq?: number) => {
    if (closed) return;
    if (seq === undefined) unknownSeq = true;
    else pendingSeq = Math.max(pendingSeq ?? seq, seq);
    // A window opened by the first report, not restarted by later ones: a steady stream still gets through.
    timer ??= setTimeout(flush, debounceMs);
  };

  return {
    async notify(seq: number) {
      if (closed) return;
      await polling.notify(seq);
      if (!push) return;
      let deadline: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`no answer within ${notifyTimeoutMs} ms`)), notifyTimeoutMs);
      });
      const pushed = push.notify(seq);
      // A push that loses the race may still fail later: that is the failure logged here, not an unhandled rejection.
      pushed.catch(() => undefined);
      try {
        await Promise.race([pushed, timeout]);
      } catch (error) {
        logger.warn({ seq, err: error instanceof Error ? error.message : String(error) }, 'could not notify other processes of a ticket change; they will see it at their next poll');
      } finally {
        clearTimeout(deadline);
      }
    },
    subscribe(listener: KnowledgeListener) {
      const remove = listeners.add(listener);
      if (!unsubscribe.length && !closed) unsubscribe.push(polling.subscribe(report), ...(push ? [push.subscribe(report)] : []));
      return remove;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      listeners.clear();
      for (const stop of unsubscribe.splice(0)) stop();
      await Promise.all([push?.close(), polling.close()]);
    },
  };
}
