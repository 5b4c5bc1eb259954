/**
 * A job worker process for tests (`node --import bot/testing/ts-register.mjs bot/testing/job-worker-process.ts
 * SETTINGS`, SETTINGS a JSON object of strings; the process environment is not read): runs a job runner on queue
 * `work`: BullMQ when `REDIS_URL` is given (keys under `JOB_PREFIX`), else the store named by `PARLEY_HOME` or
 * `DATABASE_URL` + `DATABASE_SCHEMA`. Each job appends `start <id> <attempt> <pid> <ms>` to `JOB_LOG`, holds for `JOB_HOLD_MS`, then
 * appends `done <id> <pid> <ms>`. Prints `ready` once it takes jobs; SIGTERM drains and exits. Tests SIGKILL it mid-job.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullmqJobRunner, StoreJobRunner } from '../jobs/index.js';
import { openStore } from '../storage/index.js';

const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string | undefined>;
const log = env.JOB_LOG ?? 'jobs.log';
const holdMs = Number(env.JOB_HOLD_MS ?? 100);
const leaseMs = Number(env.JOB_LEASE_MS ?? 1_000);
const store = env.REDIS_URL ? undefined : await openStore({ home: env.PARLEY_HOME ?? '.', databaseUrl: env.DATABASE_URL, ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}) });
const runner = store ? new StoreJobRunner({ jobs: store.jobs, dialect: store.kind, leaseMs, pollMs: 50 }) : new BullmqJobRunner({ url: env.REDIS_URL!, prefix: env.JOB_PREFIX ?? 'parley-test', leaseMs });
runner.handle(
  'work',
  async (job) => {
    appendFileSync(log, `start ${job.id} ${job.attempt} ${process.pid} ${Date.now()}\n`);
    await sleep(holdMs);
    appendFileSync(log, `done ${job.id} ${process.pid} ${Date.now()}\n`);
  },
  { concurrency: Number(env.JOB_CONCURRENCY ?? 1) },
);
await runner.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void runner
    .stop(5_000)
    .then(() => store?.close())
    .then(() => process.exit(0));
});
