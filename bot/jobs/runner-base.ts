import {
  ParleyError,
  silentLogger,
  type DeadJob,
  type EnqueuedJob,
  type EnqueueOptions,
  type HandlerOptions,
  type Job,
  type JobHandler,
  type JobQueueCounts,
  type JobRunner,
  type Logger,
  type RecurringJobOptions,
} from '../core/index.js';

/** Queue names: letters, digits, `.`, `_`, `-` (BullMQ keeps `:` for its keys), up to 64 characters. */
const QUEUE_NAME = /^[a-z][a-z0-9_.-]{0,63}$/i;
/** Longest wait between two retries. */
const MAX_BACKOFF_MS = 3_600_000;
/** A recurring period this many intervals behind is skipped (workers were down; the current period does the work). */
const STALE_PERIODS = 2;
/** Marks the payload envelope of a recurring job's period. */
const PERIOD = '__parleyPeriod';

/** Defaults of every runner. */
export const JOB_DEFAULTS = { attempts: 5, backoffMs: 1_000, leaseMs: 30_000, concurrency: 1, drainMs: 10_000 } as const;

/** Options every runner takes. */
export interface RunnerOptions {
  logger?: Logger;
  /** Default lease of a running job (ms); `PARLEY_JOB_LEASE_SECONDS`, default 30 s. */
  leaseMs?: number;
  /** The clock (ms since the epoch); tests inject one. Default `Date.now`. */
  now?: () => number;
}

/** A registered handler with its resolved options. */
export interface RegisteredHandler {
  handler: JobHandler;
  concurrency: number;
  leaseMs: number;
  /** Recurring queues run one job at a time across every process. */
  exclusive: boolean;
}

/** What the backend needs to add one job (options resolved). */
export interface JobToAdd {
  queue: string;
  payload: unknown;
  key: string | null;
  runAt: number;
  maxAttempts: number;
  backoffMs: number;
  exclusive: boolean;
}

/** Wait before the retry that follows run number `attempt` (1-based): `backoffMs`, doubling, capped at one hour. */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** An error as the text kept with a failed job (message, no stack). */
export function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2_000);
}

function checkQueue(queue: string): void {
  if (!QUEUE_NAME.test(queue)) throw new ParleyError('bad_request', `queue: "${queue}" is not a queue name (letters, digits, ".", "_", "-"; up to 64)`);
}

function positiveInt(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new ParleyError('bad_request', `${field}: must be a positive integer, got ${value}`);
  return value;
}

/**
 * What the two runners share: options and names checked once, handlers by queue, recurring schedules (one job per
 * period under a deduplication key), and the handler call with a stale-period check. Subclasses store and claim jobs.
 */
export abstract class RunnerBase implements JobRunner {
  abstract readonly backend: JobRunner['backend'];
  protected readonly logger: Logger;
  protected readonly leaseMs: number;
  protected readonly now: () => number;
  protected readonly handlers = new Map<string, RegisteredHandler>();
  private readonly schedules = new Map<string, { intervalMs: number; payload: unknown; attempts: number; timer?: NodeJS.Timeout }>();
  protected started = false;
  protected stopping = false;

  constructor(options: RunnerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.leaseMs = positiveInt('leaseMs', options.leaseMs, JOB_DEFAULTS.leaseMs);
    this.now = options.now ?? Date.now;
  }

  protected abstract addJob(job: JobToAdd): Promise<EnqueuedJob>;
  protected abstract startWorkers(queues: readonly string[]): Promise<void>;
  protected abstract stopWorkers(drainMs: number): Promise<boolean>;
  /** Counts of the queues the backend holds jobs of (finished ones included). */
  protected abstract queueCounts(): Promise<JobQueueCounts[]>;
  abstract dead(options?: { queue?: string; limit?: number }): Promise<DeadJob[]>;
  abstract retryDead(id: string): Promise<boolean>;

  async counts(): Promise<JobQueueCounts[]> {
    const counted = await this.queueCounts();
    const known = new Set(counted.map((c) => c.queue));
    const idle = [...this.handlers.keys()].filter((queue) => !known.has(queue)).map((queue) => ({ queue, waiting: 0, delayed: 0, running: 0, dead: 0, oldestWaitingAt: null, completed: 0, lastCompletedAt: null }));
    return [...counted, ...idle].sort((a, b) => a.queue.localeCompare(b.queue));
  }

  async enqueue<P>(queue: string, payload: P, options: EnqueueOptions = {}): Promise<EnqueuedJob> {
    checkQueue(queue);
    if (options.key !== undefined && (options.key.length === 0 || options.key.length > 200)) throw new ParleyError('bad_request', 'key: must be 1–200 characters');
    const runAt = options.runAt?.getTime() ?? this.now();
    if (!Number.isFinite(runAt)) throw new ParleyError('bad_request', 'runAt: not a valid date');
    return this.addJob({
      queue,
      payload,
      key: options.key ?? null,
      runAt,
      maxAttempts: positiveInt('attempts', options.attempts, JOB_DEFAULTS.attempts),
      backoffMs: positiveInt('backoffMs', options.backoffMs, JOB_DEFAULTS.backoffMs),
      exclusive: false,
    });
  }

  handle<P>(queue: string, handler: JobHandler<P>, options: HandlerOptions = {}): void {
    checkQueue(queue);
    if (this.handlers.has(queue)) throw new ParleyError('bad_request', `queue: "${queue}" already has a handler`);
    if (this.started) throw new ParleyError('bad_request', `queue: "${queue}" registered after start()`);
    this.handlers.set(queue, {
      handler: handler as JobHandler,
      concurrency: positiveInt('concurrency', options.concurrency, JOB_DEFAULTS.concurrency),
      leaseMs: positiveInt('leaseMs', options.leaseMs, this.leaseMs),
      exclusive: this.schedules.has(queue),
    });
  }

  every<P>(queue: string, intervalMs: number, options: RecurringJobOptions<P> = {}): void {
    checkQueue(queue);
    positiveInt('intervalMs', intervalMs, 1);
    if (this.started) throw new ParleyError('bad_request', `queue: "${queue}" scheduled after start()`);
    this.schedules.set(queue, { intervalMs, payload: options.payload ?? {}, attempts: positiveInt('attempts', options.attempts, 1) });
    const registered = this.handlers.get(queue);
    if (registered) registered.exclusive = true;
  }

  async start(options: { queues?: readonly string[] } = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    const queues = options.queues ?? [...this.handlers.keys()];
    const missing = queues.filter((queue) => !this.handlers.has(queue));
    if (missing.length) throw new ParleyError('bad_request', `queues: no handler for ${missing.join(', ')} in this process (known: ${[...this.handlers.keys()].join(', ') || 'none'})`);
    for (const queue of this.schedules.keys()) this.schedulePeriod(queue);
    await this.startWorkers(queues);
  }

  async stop(drainMs: number = JOB_DEFAULTS.drainMs): Promise<boolean> {
    if (this.stopping) return true;
    this.stopping = true;
    for (const schedule of this.schedules.values()) clearTimeout(schedule.timer);
    return this.stopWorkers(drainMs);
  }

  /** Runs `job` through its queue's handler; a recurring period that is long overdue completes without running. */
  protected async runHandler(registered: RegisteredHandler, job: Job): Promise<void> {
    const envelope = job.payload as { [PERIOD]?: number; payload?: unknown } | null;
    const period = typeof envelope === 'object' && envelope !== null ? envelope[PERIOD] : undefined;
    if (period === undefined) return registered.handler(job);
    const schedule = this.schedules.get(job.queue);
    if (schedule && this.now() - period > STALE_PERIODS * schedule.intervalMs) {
      this.logger.info({ queue: job.queue, period: new Date(period).toISOString() }, 'skipped an overdue period of a recurring job');
      return;
    }
    return registered.handler({ ...job, payload: envelope?.payload });
  }

  /** Enqueues the current period of `queue` (deduplicated across processes), then again at the next period's start. */
  private schedulePeriod(queue: string): void {
    const schedule = this.schedules.get(queue);
    if (!schedule || this.stopping) return;
    const now = this.now();
    const periodStart = Math.floor(now / schedule.intervalMs) * schedule.intervalMs;
    this.addJob({
      queue,
      payload: { [PERIOD]: periodStart, payload: schedule.payload },
      key: `period-${periodStart}`,
      runAt: periodStart,
      maxAttempts: schedule.attempts,
      backoffMs: Math.max(1, Math.floor(schedule.intervalMs / 4)),
      exclusive: true,
    }).catch((error: unknown) => this.logger.warn({ err: error, queue }, 'could not enqueue the period of a recurring job; the next period tries again'));
    schedule.timer = setTimeout(() => this.schedulePeriod(queue), periodStart + schedule.intervalMs - now + 5);
    schedule.timer.unref();
  }
}
