/**
 * Background jobs: one runner for everything that is not a turn (delivery retries, helpdesk calls, scoring,
 * re-indexing, retention, vision, engagement sends). Features depend on these types only; the composition root picks
 * the implementation (a table in the store by default, BullMQ on Redis when `REDIS_URL` is set; see `bot/jobs`).
 */

/** How a job is added by {@link JobRunner.enqueue}. */
export interface EnqueueOptions {
  /**
   * Deduplication key, unique per queue: while a job with this key exists (waiting, running, finished or dead), adding
   * it again adds nothing and returns the existing job's id. Default: a new random id (never deduplicated).
   */
  key?: string;
  /** Earliest time the job may run; default now. */
  runAt?: Date;
  /** Runs before the job is dead-lettered (the first run counts); default 5. */
  attempts?: number;
  /** Wait before the first retry (ms); each further retry waits twice as long (capped at one hour); default 1,000. */
  backoffMs?: number;
}

/** What {@link JobRunner.enqueue} did. */
export interface EnqueuedJob {
  /** The job's id (the same for every enqueue with one deduplication key). */
  id: string;
  queue: string;
  /** False when a job with the same key already existed and nothing was added. */
  created: boolean;
}

/** One run of a job, as a handler sees it. */
export interface Job<P = unknown> {
  id: string;
  queue: string;
  payload: P;
  /** This run's number, 1 for the first. */
  attempt: number;
  /** Runs allowed before the job is dead-lettered. */
  maxAttempts: number;
  /**
   * Aborted when this worker lost the job's lease (it may run elsewhere now) or the drain deadline passed on shutdown:
   * a long handler should stop at the next safe point. Jobs run at least once, so handlers must be idempotent.
   */
  signal: AbortSignal;
}

/** Does one job; a rejection is retried with backoff until the attempts run out, then the job is dead-lettered. */
export type JobHandler<P = unknown> = (job: Job<P>) => Promise<void>;

/** How a queue's jobs are run by {@link JobRunner.handle}. */
export interface HandlerOptions {
  /** Jobs of this queue run at once in this process; default 1. */
  concurrency?: number;
  /**
   * How long a running job stays claimed without a heartbeat (ms); the worker renews it every third of this. A job
   * whose worker died is run again once its lease expired. Default: the runner's (`PARLEY_JOB_LEASE_SECONDS`, 30 s).
   */
  leaseMs?: number;
}

/** A job that runs every `intervalMs` across every process sharing the queue backend (see {@link JobRunner.every}). */
export interface RecurringJobOptions<P = unknown> {
  /** The payload of each run; default `{}`. */
  payload?: P;
  /** Attempts of one run (a failed period is retried only until the next one is due); default 1. */
  attempts?: number;
}

/** Jobs per queue and state, for `/metrics` and the dashboard. */
export interface JobQueueCounts {
  queue: string;
  /** Due and waiting for a worker. */
  waiting: number;
  /** Scheduled later (a run-at time or a retry's backoff). */
  delayed: number;
  running: number;
  /** Attempts exhausted (dead letter); kept until an operator looks. */
  dead: number;
  /** When the oldest waiting job became due (ISO 8601), or null. */
  oldestWaitingAt: string | null;
  /** Runs that finished and are still kept (the runner keeps finished jobs a day by default). */
  completed: number;
  /** When the newest kept finished run finished (ISO 8601), or null. */
  lastCompletedAt: string | null;
}

/** A dead-lettered job, with why its last run failed. */
export interface DeadJob {
  id: string;
  queue: string;
  payload: unknown;
  attempts: number;
  lastError: string;
  failedAt: string;
}

/**
 * The job runner: enqueue work by queue name, register one handler per queue, start workers for some or all queues.
 * Jobs run at least once and, while a worker holds a job's lease, nowhere else; a job whose worker died (killed,
 * crashed, host lost) runs again after its lease expires; a failing job is retried with exponential backoff and
 * dead-lettered once its attempts run out. Several processes sharing the store (or Redis) share the work.
 */
export interface JobRunner {
  /** Where jobs are kept: the store's `jobs` table (`sqlite`, `postgres`) or BullMQ on Redis (`bullmq`). */
  readonly backend: 'sqlite' | 'postgres' | 'bullmq';
  /** Adds a job to `queue` (any process may enqueue, with or without workers). */
  enqueue<P>(queue: string, payload: P, options?: EnqueueOptions): Promise<EnqueuedJob>;
  /** Registers the handler of `queue` (one per queue; register before {@link start}). */
  handle<P>(queue: string, handler: JobHandler<P>, options?: HandlerOptions): void;
  /**
   * Makes `queue` run every `intervalMs` (needs a handler somewhere): each process with the schedule enqueues the
   * period's job under one deduplication key, so the period runs once across all of them, and a period's job waits
   * while the previous one still runs. Register before {@link start}.
   */
  every<P>(queue: string, intervalMs: number, options?: RecurringJobOptions<P>): void;
  /**
   * Starts workers for `queues` (default every queue with a handler) and the schedules registered with {@link every}.
   * Without workers (`PARLEY_JOB_WORKERS=none`) call it with `queues: []`: schedules still enqueue their periods.
   */
  start(options?: { queues?: readonly string[] }): Promise<void>;
  /**
   * Stops taking jobs and waits up to `drainMs` (default 10 s) for running ones; resolves true when they all finished.
   * Jobs still running are aborted and run again elsewhere once their lease expires. Then closes connections.
   */
  stop(drainMs?: number): Promise<boolean>;
  /** Jobs per queue and state: every queue known to the backend or with a handler here, idle ones with zeros. */
  counts(): Promise<JobQueueCounts[]>;
  /** The newest dead-lettered jobs of `queue` (default every queue), at most `limit` (default 50). */
  dead(options?: { queue?: string; limit?: number }): Promise<DeadJob[]>;
  /** Puts a dead-lettered job back in its queue with a fresh set of attempts; false when there is no such dead job. */
  retryDead(id: string): Promise<boolean>;
}

/** A job as the store keeps it (the store-backed runner's view; handlers see {@link Job}). */
export interface StoredJob {
  id: string;
  queue: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  /** Deduplication key, or null. */
  key: string | null;
}

/** The store's `jobs` table (migrations 19–20): the queue of the store-backed {@link JobRunner}. */
export interface JobStore {
  /** Adds a job unless `key` is taken in `queue` (then returns the existing job's id with `created: false`). */
  add(job: { id: string; queue: string; payload: unknown; key: string | null; runAt: number; maxAttempts: number; backoffMs: number; exclusive: boolean }): Promise<EnqueuedJob>;
  /**
   * Claims up to `limit` due jobs of `queues` for `owner` until `now + leaseMs`: waiting ones whose run-at passed and
   * running ones whose lease expired (a dead worker's) with attempts left. An exclusive job is not claimed while
   * another job of its queue holds a live lease. Atomic across processes.
   */
  claim(queues: readonly string[], owner: string, leaseMs: number, limit: number, now: number): Promise<StoredJob[]>;
  /** Renews `owner`'s lease; false when the job is no longer `owner`'s (its lease expired and another took it). */
  extend(id: string, owner: string, leaseUntil: number): Promise<boolean>;
  /** Marks `owner`'s job done; false when it is no longer theirs. */
  complete(id: string, owner: string, now: number): Promise<boolean>;
  /** Records a failed run: back to waiting until `retryAt`, or dead with `retryAt` null. False when no longer `owner`'s. */
  fail(id: string, owner: string, error: string, retryAt: number | null, now: number): Promise<boolean>;
  /** Dead-letters running jobs whose lease expired with no attempts left; returns how many. */
  reap(now: number): Promise<number>;
  /** Deletes finished jobs (and dead periods of recurring ones) last written before `before`; returns how many. */
  purge(before: number): Promise<number>;
  counts(now: number): Promise<JobQueueCounts[]>;
  dead(options: { queue?: string; limit: number }): Promise<DeadJob[]>;
  /** Dead → waiting now, attempts reset; false when `id` is not dead. */
  retryDead(id: string, now: number): Promise<boolean>;
}
