/**
 * Migrations of the job runner's queue (ids 19–20): the `jobs` table the store-backed runner claims work from with
 * leases (see `bot/jobs`). Times are integer milliseconds since the epoch, compared in SQL on both dialects.
 */
export const JOB_MIGRATIONS = [
  {
    id: 19,
    name: 'jobs: background work by queue, with deduplication keys, run-at times, attempts, backoff and leases',
    sql: `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  queue TEXT NOT NULL,
  job_key TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  backoff_ms INTEGER NOT NULL,
  exclusive INTEGER NOT NULL DEFAULT 0,
  run_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX jobs_queue_key ON jobs (queue, job_key);
`,
  },
  {
    id: 20,
    name: 'jobs: indexes for claiming due work, expired leases and the finished-job purge',
    sql: `
CREATE INDEX jobs_due ON jobs (queue, status, run_at);
CREATE INDEX jobs_status_lease ON jobs (status, lease_until);
CREATE INDEX jobs_status_updated ON jobs (status, updated_at);
`,
  },
] as const;
