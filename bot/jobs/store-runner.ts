import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { newId, type DeadJob, type EnqueuedJob, type JobQueueCounts, type JobStore, type StoredJob } from '../core/index.js';
import { errorText, retryDelayMs, RunnerBase, type JobToAdd, type RegisteredHandler, type RunnerOptions } from './runner-base.js';

/** Options of {@link StoreJobRunner}. */
export interface StoreJobRunnerOptions extends RunnerOptions {
  /** The store's job table (`store.jobs`). */
  jobs: JobStore;
  /** Which engine the table is on (reported as the runner's backend). */
  dialect: 'sqlite' | 'postgres';
  /** Time between two looks for due jobs when idle (ms); default 1,000. A job enqueued in this process wakes it at once. */
  pollMs?: number;
  /** Finished jobs are deleted this long after they finished (ms); default one day. */
  keepFinishedMs?: number;
}

/** How often expired leases on the last attempt are dead-lettered and finished jobs purged. */
const HOUSEKEEPING_MS = 60_000;
/** Wait after a failed look for jobs (the database is away), doubling up to {@link MAX_ERROR_BACKOFF_MS}. */
const FIRST_ERROR_BACKOFF_MS = 1_000;
const MAX_ERROR_BACKOFF_MS = 30_000;

/**
 * The embedded default {@link JobRunner}: jobs in the store's `jobs` table (SQLite file or PostgreSQL), claimed with
 * leases. Each process polls for due jobs of its queues (a local enqueue wakes it), runs each with a heartbeat that
 * renews the lease every third of it, and records success, a retry with exponential backoff, or the dead letter.
 * A worker that dies stops renewing: once the lease expires another worker claims the job (the run counts as an
 * attempt). Several processes on one database share the work; a claim is atomic, so a job runs in one place at a time.
 */
export class StoreJobRunner extends RunnerBase {
  readonly backend: 'sqlite' | 'postgres';
  /** This process's name on the leases it holds (host, pid and a random part). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly jobs: JobStore;
  private readonly pollMs: number;
  private readonly keepFinishedMs: number;
  private queues: readonly string[] = [];
  private readonly running = new Map<string, { queue: string; done: Promise<void>; abort: AbortController }>();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A wake-up that came while the loop was busy (it looks again at once instead of sleeping). */
  private woken = false;
  private lastHousekeeping = 0;

  constructor(options: StoreJobRunnerOptions) {
    super(options);
    this.jobs = options.jobs;
    this.backend = options.dialect;
    this.pollMs = options.pollMs ?? 1_000;
    this.keepFinishedMs = options.keepFinishedMs ?? 86_400_000;
  }

  protected async addJob(job: JobToAdd): Promise<EnqueuedJob> {
    const added = await this.jobs.add({ id: newId('job'), ...job });
    if (added.created && job.runAt <= this.now()) this.poke();
    return added;
  }

  protected async startWorkers(queues: readonly string[]): Promise<void> {
    this.queues = queues;
    if (queues.length > 0) this.loop = this.pollLoop();
  }

  protected async stopWorkers(drainMs: number): Promise<boolean> {
    this.poke();
    await this.loop;
    const jobs = [...this.running.values()];
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled(jobs.map((job) => job.done)).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      // Left to their lease: another process runs them again once it expires.
      this.logger.warn({ jobs: this.running.size, waitedMs: drainMs }, 'stopping with jobs still running; they run again elsewhere once their lease expires');
      for (const job of this.running.values()) job.abort.abort(new Error('the worker is shutting down'));
    }
    return drained;
  }

  protected queueCounts(): Promise<JobQueueCounts[]> {
    return this.jobs.counts(this.now());
  }

  dead(options: { queue?: string; limit?: number } = {}): Promise<DeadJob[]> {
    return this.jobs.dead({ ...(options.queue ? { queue: options.queue } : {}), limit: options.limit ?? 50 });
  }

  async retryDead(id: string): Promise<boolean> {
    const retried = await this.jobs.retryDead(id, this.now());
    if (retried) this.poke();
    return retried;
  }

  /** Jobs of this process running now, by queue (tests and diagnostics). */
  runningCount(queue?: string): number {
    return [...this.running.values()].filter((job) => queue === undefined || job.queue === queue).length;
  }

  private async pollLoop(): Promise<void> {
    let errorBackoff = 0;
    while (!this.stopping) {
      let claimed = 0;
      try {
        await this.housekeeping();
        claimed = await this.claimDue();
        errorBackoff = 0;
      } catch (error) {
        errorBackoff = Math.min(MAX_ERROR_BACKOFF_MS, errorBackoff ? errorBackoff * 2 : FIRST_ERROR_BACKOFF_MS);
        this.logger.warn({ err: error, retryInMs: errorBackoff }, 'could not look for due jobs; trying again');
      }
      // Claimed a full batch: there may be more due at once; else wait for a wake-up or the next poll.
      if ((claimed > 0 || this.woken) && !errorBackoff) {
        this.woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, errorBackoff || this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Wakes the poll loop (a job was added or a slot freed). */
  private poke(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }

  private async housekeeping(): Promise<void> {
    const now = this.now();
    if (now - this.lastHousekeeping < HOUSEKEEPING_MS) return;
    this.lastHousekeeping = now;
    const reaped = await this.jobs.reap(now);
    if (reaped) this.logger.warn({ jobs: reaped }, 'dead-lettered jobs whose worker stopped answering on their last attempt');
    await this.jobs.purge(now - this.keepFinishedMs);
  }

  /** Claims as many due jobs per queue as it has free slots for and starts them; returns how many it claimed. */
  private async claimDue(): Promise<number> {
    let claimed = 0;
    for (const queue of this.queues) {
      const registered = this.handlers.get(queue)!;
      const free = registered.concurrency - this.runningCount(queue);
      if (free <= 0 || this.stopping) continue;
      const jobs = await this.jobs.claim([queue], this.owner, registered.leaseMs, free, this.now());
      for (const job of jobs) this.startJob(registered, job);
      claimed += jobs.length;
    }
    return claimed;
  }

  private startJob(registered: RegisteredHandler, job: StoredJob): void {
    const abort = new AbortController();
    const heartbeat = setInterval(() => {
      this.jobs.extend(job.id, this.owner, this.now() + registered.leaseMs).then(
        (held) => {
          if (!held && !abort.signal.aborted) {
            this.logger.warn({ jobId: job.id, queue: job.queue }, 'lost the lease of a running job; it may run elsewhere now');
            abort.abort(new Error('the job lease was lost'));
          }
        },
        (error: unknown) => this.logger.warn({ err: error, jobId: job.id }, 'could not renew a job lease'),
      );
    }, Math.max(50, Math.floor(registered.leaseMs / 3)));
    heartbeat.unref();
    const done = this.runJob(registered, job, abort.signal).finally(() => {
      clearInterval(heartbeat);
      this.running.delete(job.id);
      this.poke();
    });
    this.running.set(job.id, { queue: job.queue, done, abort });
  }

  private async runJob(registered: RegisteredHandler, job: StoredJob, signal: AbortSignal): Promise<void> {
    try {
      await this.runHandler(registered, { id: job.id, queue: job.queue, payload: job.payload, attempt: job.attempts, maxAttempts: job.maxAttempts, signal });
    } catch (error) {
      const retryAt = job.attempts < job.maxAttempts ? this.now() + retryDelayMs(job.backoffMs, job.attempts) : null;
      const level = retryAt === null ? 'error' : 'warn';
      this.logger[level]({ err: error, jobId: job.id, queue: job.queue, attempt: job.attempts, retryAt: retryAt && new Date(retryAt).toISOString() }, retryAt === null ? 'job failed on its last attempt (dead-lettered)' : 'job failed; retrying with backoff');
      await this.jobs.fail(job.id, this.owner, errorText(error), retryAt, this.now()).catch((e: unknown) => this.logger.warn({ err: e, jobId: job.id }, 'could not record a failed job; its lease expiry retries it'));
      return;
    }
    const completed = await this.jobs.complete(job.id, this.owner, this.now()).catch((error: unknown) => {
      this.logger.warn({ err: error, jobId: job.id }, 'could not record a finished job; its lease expiry runs it again');
      return true;
    });
    if (!completed) this.logger.warn({ jobId: job.id, queue: job.queue }, 'a job finished after its lease had passed to another worker');
  }
}
