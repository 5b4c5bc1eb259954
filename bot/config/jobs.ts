import { z } from 'zod';
import { ParleyError } from '../core/index.js';
import { parseEnv } from './parse-env.js';

/** The background job runner (docs/operations.md "Background jobs"). */
export interface JobsConfig {
  /**
   * Where jobs are kept: `store` (the store's `jobs` table, SQLite or PostgreSQL), `bullmq` (Redis at `REDIS_URL`), or
   * `auto`: BullMQ when `REDIS_URL` is set and the bullmq package is installed, else the store; `PARLEY_JOBS`, default `auto`.
   */
  backend: 'auto' | 'store' | 'bullmq';
  /** Whether `parley serve` runs background jobs itself (`in-process`) or leaves them to `parley worker` processes (`none`); `PARLEY_JOB_WORKERS`. */
  workers: 'in-process' | 'none';
  /** How long a running job stays claimed without a heartbeat (ms); `PARLEY_JOB_LEASE_SECONDS`, default 30. */
  leaseMs: number;
}

/** The environment variables of the job runner. */
export const JobsEnv = z.object({
  PARLEY_JOBS: z.enum(['auto', 'store', 'bullmq']).default('auto'),
  PARLEY_JOB_WORKERS: z.enum(['in-process', 'none']).default('in-process'),
  PARLEY_JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
});

/** Reads {@link JobsConfig} from `env`; `config_invalid` naming the bad variable (`PARLEY_JOBS=bullmq` needs `REDIS_URL`). */
export function readJobsConfig(env: NodeJS.ProcessEnv, redisUrl: string | undefined): JobsConfig {
  const data = parseEnv(JobsEnv, env);
  const { PARLEY_JOBS: backend, PARLEY_JOB_WORKERS: workers, PARLEY_JOB_LEASE_SECONDS: leaseSeconds } = data;
  if (backend === 'bullmq' && !redisUrl) throw new ParleyError('config_invalid', 'invalid configuration: PARLEY_JOBS=bullmq needs REDIS_URL');
  return { backend, workers, leaseMs: leaseSeconds * 1000 };
}
