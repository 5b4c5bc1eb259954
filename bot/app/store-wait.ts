import { isStoreUnavailable, type Logger } from '../core/index.js';
import { FIRST_RETRY_MS, isConnectionError } from '../storage/index.js';

/** Options of {@link untilStoreAvailable}. */
export interface StoreWaitOptions {
  logger: Logger;
  /** Longest delay between attempts (ms); the backoff starts at 250 ms and doubles up to it. */
  retryMaxMs: number;
  /** What is being started, for the log; default `start-up`. */
  what?: string;
  /** Waits between attempts; injectable so tests need not sleep. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `start` until it does not fail with `store_unavailable`: the server waits for its database instead of
 * exiting, and logs each failed attempt with the delay before the next one. Other errors are thrown at once.
 */
export async function untilStoreAvailable<T>(start: () => Promise<T>, options: StoreWaitOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const what = options.what ?? 'start-up';
  let delay = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await start();
      if (attempt > 1) options.logger.info({ attempt }, `database reachable; ${what} continues`);
      return result;
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      options.logger.warn(
        { attempt, nextRetryMs: delay, err: (error as Error).message },
        `waiting for the database (${what}, attempt ${attempt}); next try in ${delay} ms`,
      );
      await sleep(delay);
      delay = Math.min(delay * 2, options.retryMaxMs);
    }
  }
}

/**
 * The server's last line of defence: a promise rejected with a database outage that nothing awaited is logged
 * instead of ending the process (Node's default). Every other unhandled rejection still ends it, as before.
 */
export function survivePromiseRejectionsFromStoreOutages(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (isStoreUnavailable(reason) || isConnectionError(reason)) {
      logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled database failure (the server keeps running)');
      return;
    }
    throw reason;
  });
}
