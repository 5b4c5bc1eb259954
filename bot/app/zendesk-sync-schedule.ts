import type { Logger } from '../core/index.js';
import { PeriodicJob } from './periodic-job.js';
import type { ZendeskSyncResult } from './zendesk-sync.js';

/** Key of the lock the servers sharing a database take, so that one of them syncs at a time. */
export const ZENDESK_SYNC_LOCK_KEY = 'parley:zendesk-sync';

/** A lock that lets the caller skip its turn when another holder has it (`PostgresAdvisoryLock.tryRun`). */
export interface SkippingLock {
  tryRun<T>(key: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
}

/** Options of {@link ZendeskSyncSchedule}. */
export interface ZendeskSyncScheduleOptions {
  /** Time between two syncs (ms); `ZENDESK_SYNC_MINUTES`. */
  intervalMs: number;
  /** One sync (`syncZendesk` with the server's Zendesk client, store and knowledge writes). */
  sync: () => Promise<ZendeskSyncResult>;
  logger: Logger;
  /** Across servers sharing PostgreSQL: only the one holding the lock syncs, the others skip that turn. */
  lock?: SkippingLock | undefined;
}

/**
 * Runs the Zendesk sync in the server: once at start, then every `intervalMs`, on an unref'd timer (it never keeps
 * the process alive). Syncs never overlap (a turn that comes while one runs is skipped), errors are logged and the
 * next turn tries again; with a lock, one server of several syncs at a time.
 */
export class ZendeskSyncSchedule {
  private readonly job: PeriodicJob<ZendeskSyncResult | undefined>;
  /** Syncs that ran here (not skipped), for `/health`-style diagnostics and tests. */
  runs = 0;
  /** Turns skipped because another server held the lock. */
  skipped = 0;
  /** The last sync's result, or undefined before the first. */
  last: ZendeskSyncResult | undefined;

  constructor(private readonly options: ZendeskSyncScheduleOptions) {
    this.job = new PeriodicJob({ run: () => this.run(), intervalMs: options.intervalMs, logger: options.logger, failure: 'Zendesk sync failed; the next one tries again' });
  }

  /** Runs a sync now and then every `intervalMs`. */
  start(): this {
    this.job.start();
    return this;
  }

  /** One sync; a call while one runs returns that one. Resolves to undefined when another server holds the lock. */
  pass(): Promise<ZendeskSyncResult | undefined> {
    return this.job.pass();
  }

  /** Stops the timer and waits for a running sync (call before closing the store). */
  stop(): Promise<void> {
    return this.job.stop();
  }

  private async run(): Promise<ZendeskSyncResult | undefined> {
    const work = async () => {
      this.runs++;
      this.last = await this.options.sync();
      return this.last;
    };
    if (!this.options.lock) return work();
    const outcome = await this.options.lock.tryRun(ZENDESK_SYNC_LOCK_KEY, work);
    if (!outcome.ran) this.skipped++;
    return outcome.ran ? outcome.value : undefined;
  }
}
