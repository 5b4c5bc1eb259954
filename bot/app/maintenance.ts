import type { Logger, Store } from '../core/index.js';
import { PeriodicJob } from './periodic-job.js';

/** Options of {@link MaintenanceJob}. */
export interface MaintenanceOptions {
  store: Pick<Store, 'closeIdleConversations' | 'deleteMessagesBefore'> & { tryon?: Pick<Store['tryon'], 'deleteMediaBefore'> };
  logger: Logger;
  /** Conversations without messages for this long are closed; `PARLEY_IDLE_CLOSE_MINUTES`, default 30. */
  idleCloseMinutes?: number;
  /** Messages (and inbox/outbox rows) older than this are deleted; `PARLEY_TRANSCRIPT_RETENTION_DAYS`, default: kept. */
  transcriptRetentionDays?: number | undefined;
  /** Try-on images older than this are deleted; `PARLEY_PHOTO_RETENTION_HOURS`, default 24. */
  photoRetentionHours?: number;
  /** Time between two passes (ms); default one minute. */
  intervalMs?: number;
  /** Scores conversations as soon as they have a bot reply, and again once closed (every close path); default: none. */
  scorer?: { scoreDue(): Promise<unknown[]> };
  /** The clock (ms since the epoch); tests inject one. Default `Date.now`. */
  now?: () => number;
}

/** What one maintenance pass did. */
export interface MaintenanceResult {
  /** Ids of the conversations closed for being idle. */
  closed: string[];
  /** Messages deleted by transcript retention (0 when retention is off). */
  deletedMessages: number;
  /** Try-on images deleted by photo retention. */
  deletedTryOnImages: number;
  /** Conversations scored in this pass (closed since the last one). */
  scored: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * Periodic housekeeping of the store: closes idle conversations and applies transcript and photo (try-on image) retention. Runs in process
 * on an unref'd timer (it never keeps the process alive); passes never overlap. Each pass then scores the conversations
 * that closed since the last one (by idle close, the customer or an agent).
 */
export class MaintenanceJob {
  private readonly job: PeriodicJob<MaintenanceResult>;

  constructor(private readonly options: MaintenanceOptions) {
    this.job = new PeriodicJob({ run: () => this.run(), intervalMs: options.intervalMs ?? MINUTE_MS, logger: options.logger, failure: 'maintenance pass failed' });
  }

  /** Runs a pass now and then every `intervalMs`. */
  start(): this {
    this.job.start();
    return this;
  }

  /** One pass; a call while a pass runs returns that pass. */
  pass(): Promise<MaintenanceResult> {
    return this.job.pass();
  }

  /** Stops the timer and waits for a running pass (call before closing the store). */
  stop(): Promise<void> {
    return this.job.stop();
  }

  private async run(): Promise<MaintenanceResult> {
    const { store, logger, transcriptRetentionDays } = this.options;
    const now = (this.options.now ?? Date.now)();
    const idleBefore = new Date(now - (this.options.idleCloseMinutes ?? 30) * MINUTE_MS).toISOString();
    const closed = await store.closeIdleConversations(idleBefore);
    if (closed.length) logger.info({ closed: closed.length }, 'closed idle conversations');
    let deletedMessages = 0;
    if (transcriptRetentionDays !== undefined) {
      deletedMessages = await store.deleteMessagesBefore(new Date(now - transcriptRetentionDays * DAY_MS).toISOString());
      if (deletedMessages) logger.info({ deleted: deletedMessages, days: transcriptRetentionDays }, 'deleted messages past transcript retention');
    }
    let deletedTryOnImages = 0;
    if (store.tryon) {
      const hours = this.options.photoRetentionHours ?? 24;
      deletedTryOnImages = await store.tryon.deleteMediaBefore(new Date(now - hours * 60 * MINUTE_MS).toISOString());
      if (deletedTryOnImages) logger.info({ deleted: deletedTryOnImages, hours }, 'deleted try-on images past photo retention');
    }
    const scored = (await this.options.scorer?.scoreDue())?.length ?? 0;
    if (scored) logger.info({ scored }, 'scored conversations (answered since the last pass, or closed)');
    return { closed, deletedMessages, deletedTryOnImages, scored };
  }
}
