import type { FastifyInstance } from 'fastify';
import { ParleyError, type JobQueueCounts, type JobRunner } from '../../bot/core/index.js';
import { requireRole, viewerOf } from './context.js';

/** What the jobs page needs of the job runner. */
export type JobsOverview = Pick<JobRunner, 'backend' | 'counts' | 'dead' | 'retryDead'>;

/** A queue's counts as the jobs page shows them, with how long its oldest due job has waited. */
export interface QueueRow extends JobQueueCounts {
  /** Milliseconds since the oldest waiting job became due, or null when none waits. */
  oldestWaitingMs: number | null;
}

/** A dead-lettered job as the jobs page shows it: why it failed, and the names of its payload's fields (not their values). */
export interface DeadRow {
  id: string;
  queue: string;
  attempts: number;
  failedAt: string;
  lastError: string;
  payloadFields: string[];
}

/** Dead-lettered jobs listed at most. */
const DEAD_SHOWN = 100;
/** Longest queue name accepted in the filter. */
const MAX_QUEUE_NAME = 100;

/** The queue filter: absent or blank is every queue; `bad_request` naming the field when too long. */
function queueFilter(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (value.length > MAX_QUEUE_NAME) throw new ParleyError('bad_request', `queue: longer than ${MAX_QUEUE_NAME} characters`);
  return value;
}

/** The field names of a job's payload (payloads can carry customers' details; the page shows only their shape). Pure. */
export function payloadFields(payload: unknown): string[] {
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? Object.keys(payload).sort() : [];
}

/** The queue rows at `now`: counts with the oldest waiting job's age. Pure. */
export function queueRows(counts: readonly JobQueueCounts[], now: number): QueueRow[] {
  return [...counts]
    .sort((a, b) => a.queue.localeCompare(b.queue))
    .map((c) => ({ ...c, oldestWaitingMs: c.oldestWaitingAt === null ? null : Math.max(0, now - Date.parse(c.oldestWaitingAt)) }));
}

/**
 * The jobs page's API (admins): background work per queue (waiting, scheduled, running, dead-lettered, the oldest
 * waiting job's age) on whichever backend runs it (the store's queue or BullMQ), the newest dead-lettered jobs with
 * their last error, and a retry that puts a dead job back with a fresh set of attempts.
 */
export function registerJobRoutes(app: FastifyInstance, jobs: JobsOverview | undefined): void {
  const runner = (request: Parameters<typeof viewerOf>[0]): JobsOverview => {
    requireRole(viewerOf(request), 'admin');
    if (!jobs) throw new ParleyError('unsupported', 'this dashboard has no job runner');
    return jobs;
  };
  app.get<{ Querystring: { queue?: string } }>('/dashboard/api/jobs', async (request) => {
    const jobs = runner(request);
    const queue = queueFilter(request.query.queue);
    const [counts, dead] = await Promise.all([jobs.counts(), jobs.dead({ ...(queue ? { queue } : {}), limit: DEAD_SHOWN })]);
    const rows = queueRows(queue ? counts.filter((c) => c.queue === queue) : counts, Date.now());
    const deadRows: DeadRow[] = dead.map((d) => ({ id: d.id, queue: d.queue, attempts: d.attempts, failedAt: d.failedAt, lastError: d.lastError, payloadFields: payloadFields(d.payload) }));
    return { backend: jobs.backend, queues: rows, dead: deadRows };
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/jobs/:id/retry', async (request) => {
    const jobs = runner(request);
    if (!(await jobs.retryDead(request.params.id))) throw new ParleyError('not_found', `no dead-lettered job ${request.params.id}`);
    return { id: request.params.id, retried: true };
  });
}
