import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { packageRoot, type JobRunner } from '../core/index.js';
import { openStore, PostgresDriver } from '../storage/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { redisForTests } from '../testing/redis.js';
import { waitFor } from '../testing/wait.js';
import { BullmqJobRunner, loadBullmq } from './bullmq-runner.js';
import { StoreJobRunner } from './store-runner.js';

/**
 * Job workers as separate processes (`bot/testing/job-worker-process.ts`) on one store: a worker SIGKILLed in the
 * middle of a job → the job runs again, once, to completion; several workers never run one job at the same time.
 */
const root = packageRoot();
const LEASE_MS = 1_000;
/** Longest time allowed between a worker's claim of a job (its lease starts) and its "start" log line (ms). */
const CLAIM_TO_LOG_MS = 200;

/** A runner that enqueues (and counts) jobs for the worker processes, and releases what it holds. */
interface Enqueuer {
  runner: JobRunner;
  close(): Promise<void>;
}

interface Engine {
  name: string;
  env: (home: string) => Record<string, string>;
  open: (home: string) => Promise<Enqueuer>;
}

/** A runner on a store: the store closes (and a PostgreSQL test schema is dropped) with it. */
async function storeEnqueuer(home: string, databaseUrl?: string): Promise<Enqueuer> {
  const store = await openStore({ home, ...(databaseUrl ? { databaseUrl, schema } : {}) });
  return {
    runner: new StoreJobRunner({ jobs: store.jobs, dialect: store.kind }),
    close: async () => {
      await store.close();
      if (!databaseUrl) return;
      const driver = new PostgresDriver({ connectionString: databaseUrl, schema });
      await driver.dropSchema(schema);
      await driver.close();
    },
  };
}

/** A BullMQ runner under the test's own key prefix (its keys are deleted with it). */
function bullmqEnqueuer(url: string): Enqueuer {
  const runner = new BullmqJobRunner({ url, prefix, leaseMs: LEASE_MS });
  return {
    runner,
    close: async () => {
      await runner.stop(1_000);
      const client = new Redis(url);
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length) await client.del(...keys);
      client.disconnect();
    },
  };
}

const pg = await postgresForTests('job worker processes on PostgreSQL');
const redis = await redisForTests('job worker processes on BullMQ');
const bullmqInstalled = await loadBullmq().then(
  () => true,
  () => false,
);
const schema = `jobs_crash_${process.pid}_${Date.now().toString(36)}`;
const prefix = `parley-test-crash-${process.pid}-${Date.now().toString(36)}`;
const engines: Engine[] = [
  { name: 'SQLite', env: (home) => ({ PARLEY_HOME: home }), open: (home) => storeEnqueuer(home) },
  ...(pg.available ? [{ name: 'PostgreSQL', env: () => ({ DATABASE_URL: pg.connectionString, DATABASE_SCHEMA: schema }), open: (home: string) => storeEnqueuer(home, pg.connectionString) }] : []),
  ...(redis.available && bullmqInstalled ? [{ name: 'BullMQ', env: () => ({ REDIS_URL: redis.url, JOB_PREFIX: prefix }), open: async () => bullmqEnqueuer(redis.url) }] : []),
];

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const settings = JSON.stringify({ JOB_LEASE_MS: String(LEASE_MS), ...env });
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'bot/testing/ts-register.mjs')).href, join(root, 'bot/testing/job-worker-process.ts'), settings], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within 60 s: ${stderr.slice(-2_000)}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${stderr.slice(-2_000)}`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

interface LogLine {
  kind: 'start' | 'done';
  id: string;
  pid: number;
  at: number;
  attempt?: number;
}

function readLog(path: string): LogLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [kind, id, ...rest] = line.split(' ');
      if (kind === 'start') return { kind, id: id!, attempt: Number(rest[0]), pid: Number(rest[1]), at: Number(rest[2]) };
      return { kind: 'done' as const, id: id!, pid: Number(rest[0]), at: Number(rest[1]) };
    });
}

describe.each(engines)('job worker processes on $name', (engine) => {
  let home: string;
  let opened: Enqueuer;
  let enqueuer: JobRunner;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-job-crash-'));
    opened = await engine.open(home);
    enqueuer = opened.runner;
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(stopped));
    await opened.close();
    await rm(home, { recursive: true, force: true });
  });

  it('runs a job again exactly once, to completion, after its worker was SIGKILLed in the middle of it', async () => {
    const log = join(home, 'crash.log');
    const doomed = await startWorker({ ...engine.env(home), JOB_LOG: log, JOB_HOLD_MS: '60000' });
    children.push(doomed);
    const { id } = await enqueuer.enqueue('work', { order: 1 }, { key: 'crash-order-1' });
    await waitFor(() => readLog(log).some((l) => l.kind === 'start'), 30_000, 'the first run to start');
    doomed.kill('SIGKILL');
    await stopped(doomed);
    const killedAt = Date.now();

    const survivor = await startWorker({ ...engine.env(home), JOB_LOG: log, JOB_HOLD_MS: '200' });
    children.push(survivor);
    await waitFor(() => readLog(log).some((l) => l.kind === 'done'), 30_000, 'the job to finish in the second worker');
    // Recorded as finished (nothing left waiting, running or dead): a claim never takes a finished job again, and the
    // survivor, stopped, has finished what it was running.
    await waitFor(async () => (await enqueuer.counts()).every((c) => c.queue !== 'work' || c.waiting + c.delayed + c.running + c.dead === 0), 10_000, 'the job recorded as finished');
    survivor.kill('SIGTERM');
    await stopped(survivor);
    const lines = readLog(log).filter((l) => l.id === id);
    expect(lines.map((l) => `${l.kind}:${l.attempt ?? ''}:${l.pid}`)).toEqual([`start:1:${doomed.pid}`, `start:2:${survivor.pid}`, `done::${survivor.pid}`]);
    // It waited for the dead worker's lease to expire, no longer. The lease starts at the claim, a moment before the
    // first run writes its "start" line (a few ms; more on a loaded machine), hence the allowance.
    expect(lines[1]!.at).toBeGreaterThanOrEqual(lines[0]!.at + LEASE_MS - CLAIM_TO_LOG_MS);
    expect(lines[1]!.at - killedAt).toBeLessThan(30_000);
  }, 120_000);

  it('never runs one job in two worker processes at once, and runs every job once', async () => {
    const log = join(home, 'share.log');
    const env = { ...engine.env(home), JOB_LOG: log, JOB_HOLD_MS: '30', JOB_CONCURRENCY: '3' };
    const workers = await Promise.all([startWorker(env), startWorker(env), startWorker(env)]);
    children.push(...workers);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await enqueuer.enqueue('work', { i })).id);
    await waitFor(() => readLog(log).filter((l) => l.kind === 'done').length >= 60, 60_000, 'every job');
    // Stopped (each finishes what it runs first), the workers have written their last line: the log is complete.
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map(stopped));
    const lines = readLog(log);
    for (const id of ids) {
      const mine = lines.filter((l) => l.id === id);
      expect(mine.map((l) => l.kind)).toEqual(['start', 'done']);
    }
    // Every worker took a share (the claim is atomic, not first-come-takes-all).
    const byPid = new Set(lines.filter((l) => l.kind === 'done').map((l) => l.pid));
    expect(byPid.size).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
