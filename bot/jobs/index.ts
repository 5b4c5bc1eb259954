/**
 * The job runner (see {@link JobRunner} in `bot/core`): {@link createJobRunner} picks the store-backed runner or
 * BullMQ from the configuration; both run the same handlers with the same guarantees.
 */
import { ParleyError, type JobRunner, type Logger, type Store } from '../core/index.js';
import type { JobsConfig } from '../config/index.js';
import { BullmqJobRunner, loadBullmq } from './bullmq-runner.js';
import { StoreJobRunner } from './store-runner.js';

export { BULLMQ_VERSION, BullmqJobRunner, loadBullmq, type BullmqJobRunnerOptions, type BullmqModule } from './bullmq-runner.js';
export { openRedis } from './redis.js';
export { StoreJobRunner, type StoreJobRunnerOptions } from './store-runner.js';
export { JOB_DEFAULTS, retryDelayMs, type RunnerOptions } from './runner-base.js';

/** What {@link createJobRunner} needs. */
export interface JobRunnerSetup {
  jobs: JobsConfig;
  /** `REDIS_URL`, if set. */
  redisUrl: string | undefined;
  /** The store (its `jobs` table is the queue of the store-backed runner). */
  store: Pick<Store, 'jobs' | 'kind'>;
  /** BullMQ key prefix (one per store sharing Redis); default `parley`. */
  prefix?: string;
  logger: Logger;
}

/**
 * The configured {@link JobRunner}: BullMQ on `REDIS_URL` with `PARLEY_JOBS=bullmq` (or `auto` when bullmq is
 * installed), else the store's `jobs` table. With `auto`, a missing bullmq package is logged and the store is used
 * (safe across instances on PostgreSQL); with `bullmq` it is a `config_invalid` error naming the install command.
 */
export async function createJobRunner(setup: JobRunnerSetup): Promise<JobRunner> {
  const { jobs, redisUrl, store, logger } = setup;
  const storeRunner = () => new StoreJobRunner({ jobs: store.jobs, dialect: store.kind, leaseMs: jobs.leaseMs, logger });
  if (jobs.backend === 'store' || !redisUrl) return storeRunner();
  try {
    const bullmq = await loadBullmq();
    return new BullmqJobRunner({ url: redisUrl, prefix: setup.prefix ?? 'parley', bullmq, leaseMs: jobs.leaseMs, logger });
  } catch (error) {
    if (jobs.backend === 'bullmq' || !(error instanceof ParleyError)) throw error;
    logger.warn({ err: error }, 'REDIS_URL is set but the bullmq package is not installed: background jobs use the store (PARLEY_JOBS=store silences this)');
    return storeRunner();
  }
}
