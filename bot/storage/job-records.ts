import type { DeadJob, EnqueuedJob, JobQueueCounts, JobStore, StoredJob } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { json, str, type Row } from './rows.js';

/** Serializes claims of one queue across processes on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already does). */
const CLAIM_LOCK = 7261019;

const num = (value: unknown): number => Number(value);

function toStoredJob(row: Row): StoredJob {
  return {
    id: str(row.id),
    queue: str(row.queue),
    payload: json(row.payload),
    attempts: num(row.attempts),
    maxAttempts: num(row.max_attempts),
    backoffMs: num(row.backoff_ms),
    key: row.job_key == null ? null : str(row.job_key),
  };
}

/**
 * {@link JobStore} over SQL (migrations 19–20, table `jobs`): one statement set for SQLite and PostgreSQL. A claim is
 * one transaction (under an advisory lock on PostgreSQL), so two workers never hold the same job; every later write
 * names the lease owner, so a worker whose lease was taken over cannot complete or fail the job any more.
 */
export class SqlJobRecords implements JobStore {
  constructor(private readonly db: SqlDriver) {}

  async add(job: { id: string; queue: string; payload: unknown; key: string | null; runAt: number; maxAttempts: number; backoffMs: number; exclusive: boolean }): Promise<EnqueuedJob> {
    const at = Date.now();
    const inserted = await this.db.query(
      `INSERT INTO jobs (id, queue, job_key, payload, status, attempts, max_attempts, backoff_ms, exclusive, run_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'waiting', 0, $5, $6, $7, $8, $9, $9) ON CONFLICT DO NOTHING RETURNING id`,
      [job.id, job.queue, job.key, JSON.stringify(job.payload ?? null), job.maxAttempts, job.backoffMs, job.exclusive ? 1 : 0, job.runAt, at],
    );
    if (inserted.length > 0) return { id: job.id, queue: job.queue, created: true };
    const [existing] = await this.db.query('SELECT id FROM jobs WHERE queue = $1 AND job_key = $2', [job.queue, job.key]);
    return { id: existing ? str(existing.id) : job.id, queue: job.queue, created: false };
  }

  async claim(queues: readonly string[], owner: string, leaseMs: number, limit: number, now: number): Promise<StoredJob[]> {
    if (queues.length === 0 || limit <= 0) return [];
    const inList = queues.map((_q, i) => `$${i + 5}`).join(', ');
    // A read first: an idle queue costs no write transaction (which on SQLite would hold the file's write lock).
    const due = await this.db.query(
      `SELECT 1 AS due FROM jobs WHERE queue IN (${queues.map((_q, i) => `$${i + 2}`).join(', ')})
         AND ((status = 'waiting' AND run_at <= $1) OR (status = 'running' AND lease_until < $1 AND attempts < max_attempts)) LIMIT 1`,
      [now, ...queues],
    );
    if (due.length === 0) return [];
    return this.db.transaction(async (tx) => {
      // Per queue set: claims of different queues do not wait for each other.
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CLAIM_LOCK, [...queues].sort().join(',')]);
      const rows = await tx.query(
        `UPDATE jobs SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3
         WHERE id IN (
           SELECT j.id FROM jobs j
           WHERE j.queue IN (${inList})
             AND ((j.status = 'waiting' AND j.run_at <= $3) OR (j.status = 'running' AND j.lease_until < $3 AND j.attempts < j.max_attempts))
             AND (j.exclusive = 0 OR NOT EXISTS (
               SELECT 1 FROM jobs r WHERE r.queue = j.queue AND r.status = 'running' AND r.lease_until >= $3 AND r.id <> j.id))
           ORDER BY j.run_at, j.created_at LIMIT $4)
         RETURNING *`,
        [owner, now + leaseMs, now, limit, ...queues],
      );
      return rows.map(toStoredJob);
    });
  }

  async extend(id: string, owner: string, leaseUntil: number): Promise<boolean> {
    return (await this.db.run("UPDATE jobs SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running'", [id, owner, leaseUntil])) > 0;
  }

  async complete(id: string, owner: string, now: number): Promise<boolean> {
    const sql = "UPDATE jobs SET status = 'done', lease_owner = NULL, lease_until = NULL, updated_at = $3 WHERE id = $1 AND lease_owner = $2 AND status = 'running'";
    return (await this.db.run(sql, [id, owner, now])) > 0;
  }

  async fail(id: string, owner: string, error: string, retryAt: number | null, now: number): Promise<boolean> {
    const changed =
      retryAt === null
        ? await this.db.run(
            "UPDATE jobs SET status = 'dead', last_error = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4 WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
            [id, owner, error, now],
          )
        : await this.db.run(
            "UPDATE jobs SET status = 'waiting', last_error = $3, run_at = $4, lease_owner = NULL, lease_until = NULL, updated_at = $5 WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
            [id, owner, error, retryAt, now],
          );
    return changed > 0;
  }

  async reap(now: number): Promise<number> {
    return this.db.run(
      "UPDATE jobs SET status = 'dead', last_error = 'the worker stopped answering (lease expired) on the last attempt', lease_owner = NULL, lease_until = NULL, updated_at = $1 WHERE status = 'running' AND lease_until < $1 AND attempts >= max_attempts",
      [now],
    );
  }

  async purge(before: number): Promise<number> {
    // Failed periods of recurring jobs too: the next period already did their work.
    return this.db.run("DELETE FROM jobs WHERE updated_at < $1 AND (status = 'done' OR (status = 'dead' AND job_key LIKE 'period-%'))", [before]);
  }

  async counts(now: number): Promise<JobQueueCounts[]> {
    const rows = await this.db.query(
      `SELECT queue,
         SUM(CASE WHEN status = 'waiting' AND run_at <= $1 THEN 1 ELSE 0 END) AS waiting,
         SUM(CASE WHEN status = 'waiting' AND run_at > $1 THEN 1 ELSE 0 END) AS delayed,
         SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running,
         SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END) AS dead,
         MIN(CASE WHEN status = 'waiting' AND run_at <= $1 THEN run_at END) AS oldest,
         SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS completed,
         MAX(CASE WHEN status = 'done' THEN updated_at END) AS last_completed
       FROM jobs GROUP BY queue ORDER BY queue`,
      [now],
    );
    return rows.map((row) => ({
      queue: str(row.queue),
      waiting: num(row.waiting ?? 0),
      delayed: num(row.delayed ?? 0),
      running: num(row.running ?? 0),
      dead: num(row.dead ?? 0),
      oldestWaitingAt: row.oldest == null ? null : new Date(num(row.oldest)).toISOString(),
      completed: num(row.completed ?? 0),
      lastCompletedAt: row.last_completed == null ? null : new Date(num(row.last_completed)).toISOString(),
    }));
  }

  async dead(options: { queue?: string; limit: number }): Promise<DeadJob[]> {
    const rows = options.queue
      ? await this.db.query("SELECT * FROM jobs WHERE status = 'dead' AND queue = $1 ORDER BY updated_at DESC LIMIT $2", [options.queue, options.limit])
      : await this.db.query("SELECT * FROM jobs WHERE status = 'dead' ORDER BY updated_at DESC LIMIT $1", [options.limit]);
    return rows.map((row) => ({
      id: str(row.id),
      queue: str(row.queue),
      payload: json(row.payload),
      attempts: num(row.attempts),
      lastError: str(row.last_error ?? ''),
      failedAt: new Date(num(row.updated_at)).toISOString(),
    }));
  }

  async retryDead(id: string, now: number): Promise<boolean> {
    return (await this.db.run("UPDATE jobs SET status = 'waiting', attempts = 0, run_at = $2, updated_at = $2 WHERE id = $1 AND status = 'dead'", [id, now])) > 0;
  }
}
