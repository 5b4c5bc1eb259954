import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ParleyError, type DeadJob, type EnqueuedJob, type JobQueueCounts } from '../core/index.js';
import { openRedis } from './redis.js';
import { errorText, retryDelayMs, RunnerBase, type JobToAdd, type RegisteredHandler, type RunnerOptions } from './runner-base.js';

/** The BullMQ version Parley is written against (a dependency; loaded only when jobs run on BullMQ). */
export const BULLMQ_VERSION = '6.7.6';
// A variable specifier keeps TypeScript from resolving the optional package at compile time.
const PACKAGE = 'bullmq';

/** The parts of a BullMQ job Parley uses. */
interface BullJob {
  id?: string;
  data: unknown;
  attemptsMade: number;
  /** Runs started, this one included (a run lost to a dead worker counts; `attemptsMade` counts failures only). */
  attemptsStarted?: number;
  opts: { attempts?: number };
  failedReason?: string;
  finishedOn?: number;
  /** When the job was added (ms). */
  timestamp: number;
  queueName: string;
  getState(): Promise<string>;
  retry(state?: 'failed' | 'completed'): Promise<void>;
}

/** The parts of BullMQ's `Queue` Parley uses. */
interface BullQueue {
  add(name: string, data: unknown, options: Record<string, unknown>): Promise<{ id?: string }>;
  getJob(id: string): Promise<BullJob | undefined>;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  getFailed(start: number, end: number): Promise<BullJob[]>;
  getJobs(types: string[], start: number, end: number, asc: boolean): Promise<BullJob[]>;
  close(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}

/** The parts of BullMQ's `Worker` Parley uses. */
interface BullWorker {
  run(): Promise<void>;
  close(force?: boolean): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'lockRenewalFailed', listener: (jobIds: string[]) => void): void;
}

/** The parts of the `bullmq` module Parley uses. */
export interface BullmqModule {
  Queue: new (name: string, options: Record<string, unknown>) => BullQueue;
  Worker: new (name: string, processor: (job: BullJob, token?: string) => Promise<void>, options: Record<string, unknown>) => BullWorker;
}

/**
 * Loads `bullmq` with a dynamic `import()`.
 * @throws ParleyError `config_invalid` naming the install command when the optional package is not installed.
 */
export async function loadBullmq(specifier: string = PACKAGE): Promise<BullmqModule> {
  try {
    return (await import(specifier)) as BullmqModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ParleyError('config_invalid', `PARLEY_JOBS=bullmq needs the package bullmq, which is not installed: run \`npm install --save-exact bullmq@${BULLMQ_VERSION}\``, {
        cause: error,
        details: { dependency: PACKAGE, version: BULLMQ_VERSION },
      });
    }
    throw error;
  }
}

/** Options of {@link BullmqJobRunner}. */
export interface BullmqJobRunnerOptions extends RunnerOptions {
  /** `REDIS_URL`. */
  url: string;
  /** Key prefix of every queue (one per store sharing Redis; tests use a unique one). Default `parley`. */
  prefix?: string;
  /** The loaded module (default: {@link loadBullmq}). */
  bullmq?: BullmqModule;
}

/** Finished jobs kept for deduplication and inspection (s). */
const KEEP_FINISHED_S = 86_400;
/** Extends a lock only while `token` still holds it (a stale holder never extends the next holder's lock). */
const EXTEND_IF_HELD = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
/** Deletes a lock only while `token` still holds it. */
const RELEASE_IF_HELD = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * A deduplication key as a BullMQ job id: BullMQ refuses ids that are integers or contain `:`, so the key is prefixed
 * and `%` and `:` are escaped (distinct keys stay distinct ids).
 */
export function bullJobId(key: string): string {
  return `key_${key.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

/**
 * {@link JobRunner} on BullMQ (Redis): one BullMQ queue per Parley queue under `prefix`, one worker per started
 * queue. BullMQ holds a lock per running job that its worker renews; a job whose worker died is found stalled once the
 * lock expires and runs again. Retries use BullMQ's exponential backoff; jobs out of attempts stay in its failed set
 * (the dead letter). Recurring jobs additionally take a Redis lock while they run, so that a slow period never overlaps
 * the next one on another process.
 */
export class BullmqJobRunner extends RunnerBase {
  readonly backend = 'bullmq' as const;
  private readonly url: string;
  private readonly prefix: string;
  private module: BullmqModule | undefined;
  /** The Redis connection, opened on first use (ioredis is loaded then). */
  private connection: Promise<Redis> | undefined;
  private readonly queues = new Map<string, BullQueue>();
  private readonly workers: BullWorker[] = [];
  private readonly running = new Set<Promise<unknown>>();
  /** The abort controller of each running job, by job id (a lost lock aborts its handler's signal). */
  private readonly aborts = new Map<string, AbortController>();

  constructor(options: BullmqJobRunnerOptions) {
    super(options);
    this.url = options.url;
    this.prefix = options.prefix ?? 'parley';
    this.module = options.bullmq;
  }

  private redis(): Promise<Redis> {
    // BullMQ needs commands that wait through a reconnection instead of failing after a few retries.
    this.connection ??= openRedis(this.url, { maxRetriesPerRequest: null, lazyConnect: true }).then((connection) => {
      connection.on('error', (error) => this.logger.warn({ err: error }, 'job queue Redis connection error'));
      return connection;
    });
    return this.connection;
  }

  private async bull(): Promise<BullmqModule> {
    this.module ??= await loadBullmq();
    return this.module;
  }

  private async queue(name: string): Promise<BullQueue> {
    let queue = this.queues.get(name);
    if (!queue) {
      const { Queue } = await this.bull();
      queue = new Queue(name, { connection: await this.redis(), prefix: this.prefix });
      // Without a listener BullMQ prints connection errors (a Redis restart) with console.error.
      queue.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'job queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  protected async addJob(job: JobToAdd): Promise<EnqueuedJob> {
    const queue = await this.queue(job.queue);
    // BullMQ job ids must not be plain integers; a deduplication key is prefixed so it never is. Two processes adding
    // one key at once may both report `created`: BullMQ keeps one job per id either way.
    const jobId = job.key === null ? `job_${randomUUID()}` : bullJobId(job.key);
    const existing = job.key === null ? undefined : await queue.getJob(jobId);
    if (existing) return { id: jobId, queue: job.queue, created: false };
    await queue.add(job.queue, { payload: job.payload, backoffMs: job.backoffMs }, {
      jobId,
      delay: Math.max(0, job.runAt - this.now()),
      attempts: job.maxAttempts,
      backoff: { type: 'exponential', delay: job.backoffMs },
      removeOnComplete: { age: KEEP_FINISHED_S },
      removeOnFail: false,
    });
    return { id: jobId, queue: job.queue, created: true };
  }

  protected async startWorkers(queues: readonly string[]): Promise<void> {
    const { Worker } = await this.bull();
    for (const name of queues) {
      const registered = this.handlers.get(name)!;
      await this.queue(name);
      const worker = new Worker(name, (job) => this.process(registered, job), {
        connection: await this.redis(),
        prefix: this.prefix,
        concurrency: registered.concurrency,
        lockDuration: registered.leaseMs,
        // A dead worker's job is found once its lock expired and runs again after about one more lease.
        stalledInterval: registered.leaseMs,
        autorun: false,
      });
      worker.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'job worker error'));
      worker.on('lockRenewalFailed', (jobIds) => {
        for (const id of jobIds) this.aborts.get(id)?.abort(new Error('the job lost its lease: another worker may run it'));
      });
      void worker.run();
      this.workers.push(worker);
    }
  }

  private process(registered: RegisteredHandler, job: BullJob): Promise<void> {
    const run = this.processJob(registered, job);
    this.running.add(run);
    return run.finally(() => this.running.delete(run));
  }

  private async processJob(registered: RegisteredHandler, job: BullJob): Promise<void> {
    const abort = new AbortController();
    const key = job.id ?? randomUUID();
    this.aborts.set(key, abort);
    const data = job.data as { payload: unknown };
    const attempt = Math.max(job.attemptsMade + 1, job.attemptsStarted ?? 0);
    const view = { id: job.id ?? '', queue: job.queueName, payload: data.payload, attempt, maxAttempts: job.opts.attempts ?? 1, signal: abort.signal };
    try {
      if (!registered.exclusive) return await this.runHandler(registered, view);
      const ran = await this.exclusively(job.queueName, registered.leaseMs, () => this.runHandler(registered, view));
      if (!ran) this.logger.info({ queue: job.queueName }, 'skipped a period of a recurring job: the previous one still runs');
    } catch (error) {
      const last = attempt >= view.maxAttempts;
      this.logger[last ? 'error' : 'warn']({ err: error, jobId: view.id, queue: view.queue, attempt, retryInMs: last ? undefined : retryDelayMs((job.data as { backoffMs: number }).backoffMs, attempt) }, last ? 'job failed on its last attempt (dead-lettered)' : 'job failed; retrying with backoff');
      throw new Error(errorText(error), { cause: error });
    } finally {
      this.aborts.delete(key);
    }
  }

  /** Runs `work` holding a renewed Redis lock on `queue`; false (without running) when another process holds it. */
  private async exclusively(queue: string, leaseMs: number, work: () => Promise<void>): Promise<boolean> {
    const key = `${this.prefix}:parley-exclusive:${queue}`;
    const token = randomUUID();
    const connection = await this.redis();
    if ((await connection.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') return false;
    const renew = setInterval(() => void connection.eval(EXTEND_IF_HELD, 1, key, token, leaseMs).catch(() => undefined), Math.max(50, Math.floor(leaseMs / 3)));
    try {
      await work();
      return true;
    } finally {
      clearInterval(renew);
      await connection.eval(RELEASE_IF_HELD, 1, key, token).catch(() => undefined);
    }
  }

  protected async stopWorkers(drainMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.all(this.workers.map((worker) => worker.close()));
    const drained = await Promise.race([
      closing.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainMs))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.logger.warn({ jobs: this.running.size, waitedMs: drainMs }, 'stopping with jobs still running; they run again once found stalled');
      for (const abort of this.aborts.values()) abort.abort(new Error('the worker is shutting down'));
      const forced = Promise.all(this.workers.map((worker) => worker.close(true).catch(() => undefined)));
      await Promise.race([forced, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    }
    // An unreachable Redis must not hold the shutdown: the queues get a moment to close, then the connection is cut.
    await Promise.race([Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined))), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    (await this.connection)?.disconnect();
    return drained;
  }

  protected async queueCounts(): Promise<JobQueueCounts[]> {
    const counts: JobQueueCounts[] = [];
    for (const [name, queue] of [...this.queues.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const c = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'failed', 'completed');
      const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
      const [newest] = await queue.getJobs(['completed'], 0, 0, false);
      counts.push({
        queue: name,
        waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
        delayed: c.delayed ?? 0,
        running: c.active ?? 0,
        dead: c.failed ?? 0,
        oldestWaitingAt: oldest ? new Date(oldest.timestamp).toISOString() : null,
        completed: c.completed ?? 0,
        lastCompletedAt: newest?.finishedOn ? new Date(newest.finishedOn).toISOString() : null,
      });
    }
    return counts;
  }

  async dead(options: { queue?: string; limit?: number } = {}): Promise<DeadJob[]> {
    const limit = options.limit ?? 50;
    const names = options.queue ? [options.queue] : [...this.queues.keys()];
    const dead: DeadJob[] = [];
    for (const name of names) {
      for (const job of await (await this.queue(name)).getFailed(0, limit - 1)) {
        dead.push({ id: job.id ?? '', queue: name, payload: (job.data as { payload: unknown }).payload, attempts: job.attemptsMade, lastError: job.failedReason ?? '', failedAt: new Date(job.finishedOn ?? 0).toISOString() });
      }
    }
    return dead.sort((a, b) => b.failedAt.localeCompare(a.failedAt)).slice(0, limit);
  }

  async retryDead(id: string): Promise<boolean> {
    for (const queue of this.queues.values()) {
      const job = await queue.getJob(id);
      if (job && (await job.getState()) === 'failed') {
        await job.retry('failed');
        return true;
      }
    }
    return false;
  }
}
