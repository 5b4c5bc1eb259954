import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../core/index.js';
import { migrate, SqliteDriver, SqlJobRecords } from '../storage/index.js';
import { waitFor } from '../testing/wait.js';
import { retryDelayMs } from './runner-base.js';
import { StoreJobRunner } from './store-runner.js';

let dir: string;
const drivers: SqliteDriver[] = [];
const runners: StoreJobRunner[] = [];

/**
 * A runner (its own lease owner) on the test's SQLite database. Runners of one test share the connection: a second
 * better-sqlite3 connection in the same process would block the event loop waiting for the first one's write lock.
 * Separate processes on one file are tested in `worker-crash.test.ts`, concurrent PostgreSQL pools in `jobs.int.test.ts`.
 */
async function runner(options: { leaseMs?: number; pollMs?: number } = {}): Promise<StoreJobRunner> {
  let driver = drivers[0];
  if (!driver) {
    driver = new SqliteDriver(join(dir, 'jobs.db'));
    drivers.push(driver);
    await migrate(driver);
  }
  const created = new StoreJobRunner({ jobs: new SqlJobRecords(driver), dialect: 'sqlite', pollMs: options.pollMs ?? 20, leaseMs: options.leaseMs ?? 1_000 });
  runners.push(created);
  return created;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-jobs-'));
});

afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop(2_000);
  for (const d of drivers.splice(0)) await d.close();
  await rm(dir, { recursive: true, force: true });
});

describe('StoreJobRunner', () => {
  it('runs an enqueued job once with its payload, and a deduplication key adds it only once', async () => {
    const jobs = await runner();
    const seen: Job[] = [];
    jobs.handle<{ to: string }>('send', async (job) => void seen.push(job));
    await jobs.start();
    const first = await jobs.enqueue('send', { to: 'a' }, { key: 'campaign-1:user-7' });
    const again = await jobs.enqueue('send', { to: 'b' }, { key: 'campaign-1:user-7' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, queue: 'send', created: false });
    await waitFor(async () => (seen.length === 1 ? true : undefined), 5_000, 'the job');
    await sleep(150);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: first.id, queue: 'send', payload: { to: 'a' }, attempt: 1, maxAttempts: 5 });
  });

  it('waits for the run-at time', async () => {
    const jobs = await runner();
    const ranAt: number[] = [];
    jobs.handle('later', async () => void ranAt.push(Date.now()));
    await jobs.start();
    const runAt = Date.now() + 400;
    await jobs.enqueue('later', {}, { runAt: new Date(runAt) });
    expect((await jobs.counts()).find((c) => c.queue === 'later')).toMatchObject({ waiting: 0, delayed: 1 });
    await waitFor(async () => (ranAt.length ? true : undefined), 5_000, 'the delayed job');
    expect(ranAt[0]).toBeGreaterThanOrEqual(runAt);
  });

  it('retries a failing job with exponential backoff, dead-letters it when attempts run out, and runs it again on retryDead', async () => {
    const jobs = await runner();
    const attempts: { attempt: number; at: number }[] = [];
    let healthy = false;
    jobs.handle('flaky', async (job) => {
      attempts.push({ attempt: job.attempt, at: Date.now() });
      if (!healthy) throw new Error(`vendor down (${job.attempt})`);
    });
    await jobs.start();
    const { id } = await jobs.enqueue('flaky', { n: 1 }, { attempts: 3, backoffMs: 100 });
    await waitFor(async () => ((await jobs.dead()).length ? true : undefined), 5_000, 'the dead letter');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // 100 ms then 200 ms between runs (the poll adds a little).
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(100);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(200);
    const [dead] = await jobs.dead({ queue: 'flaky' });
    expect(dead).toMatchObject({ id, queue: 'flaky', payload: { n: 1 }, attempts: 3, lastError: 'Error: vendor down (3)' });
    expect((await jobs.counts()).find((c) => c.queue === 'flaky')).toMatchObject({ dead: 1, waiting: 0, running: 0 });
    healthy = true;
    expect(await jobs.retryDead(id)).toBe(true);
    expect(await jobs.retryDead(id)).toBe(false);
    await waitFor(async () => (attempts.length === 4 ? true : undefined), 5_000, 'the retried job');
    expect(attempts[3]!.attempt).toBe(1);
    await waitFor(async () => ((await jobs.counts()).find((c) => c.queue === 'flaky') ? undefined : true), 5_000, 'the job to finish');
  });

  it('caps the backoff at one hour', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(1_000, attempt))).toEqual([1_000, 2_000, 4_000]);
    expect(retryDelayMs(1_000, 40)).toBe(3_600_000);
  });

  it('never runs one job in two runners at once, and runs each exactly once', async () => {
    const a = await runner();
    const b = await runner();
    const running = new Set<string>();
    const runs = new Map<string, number>();
    let overlaps = 0;
    const handler = async (job: Job) => {
      if (running.has(job.id)) overlaps++;
      running.add(job.id);
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await sleep(5 + Math.random() * 15);
      running.delete(job.id);
    };
    a.handle('work', handler, { concurrency: 4 });
    b.handle('work', handler, { concurrency: 4 });
    await Promise.all([a.start(), b.start()]);
    const ids = await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? a : b).enqueue('work', { i }).then((job) => job.id)));
    await waitFor(async () => (runs.size === 80 && running.size === 0 ? true : undefined), 20_000, 'every job');
    expect(overlaps).toBe(0);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ids).size).toBe(80);
  });

  it("runs a job again once the lease of a worker that stopped answering expired, and that worker's late result is refused", async () => {
    const jobs = await runner({ leaseMs: 300 });
    const store = new SqlJobRecords(drivers[0]!);
    const { id } = await jobs.enqueue('work', { order: 42 });
    // A worker claims the job and dies (no heartbeat, no result).
    const [claimed] = await store.claim(['work'], 'dead-worker', 300, 1, Date.now());
    expect(claimed).toMatchObject({ id, attempts: 1 });
    const seen: Job[] = [];
    jobs.handle('work', async (job) => void seen.push(job));
    await jobs.start();
    await sleep(150);
    expect(seen).toHaveLength(0);
    await waitFor(async () => (seen.length ? true : undefined), 5_000, 'the re-run');
    expect(seen[0]).toMatchObject({ id, attempt: 2, payload: { order: 42 } });
    expect(await store.complete(id, 'dead-worker', Date.now())).toBe(false);
  });

  it('renews the lease of a job that runs longer than its lease, so nobody else takes it', async () => {
    const a = await runner({ leaseMs: 200 });
    const b = await runner({ leaseMs: 200 });
    const starts: string[] = [];
    let aborted = false;
    const long = async (job: Job) => {
      starts.push(job.id);
      await sleep(900);
      aborted ||= job.signal.aborted;
    };
    a.handle('long', long);
    b.handle('long', long);
    await Promise.all([a.start(), b.start()]);
    await a.enqueue('long', {});
    await waitFor(async () => ((await a.counts()).find((c) => c.queue === 'long') ? undefined : true), 10_000, 'the long job');
    // Held for 900 ms on a 200 ms lease: the heartbeat kept it in one place.
    expect(starts).toHaveLength(1);
    expect(aborted).toBe(false);
  });

  it('runs a recurring job once per period across runners, never two periods at once', async () => {
    const a = await runner();
    const b = await runner();
    const periods: number[] = [];
    let inFlight = 0;
    let overlapped = false;
    const tick = async () => {
      inFlight++;
      overlapped ||= inFlight > 1;
      periods.push(Date.now());
      await sleep(30);
      inFlight--;
    };
    for (const r of [a, b]) {
      r.every('tick', 200);
      r.handle('tick', tick);
    }
    const started = Date.now();
    await Promise.all([a.start(), b.start()]);
    await sleep(1_100);
    const elapsedPeriods = Math.floor(Date.now() / 200) - Math.floor(started / 200) + 1;
    expect(periods.length).toBeGreaterThanOrEqual(elapsedPeriods - 1);
    expect(periods.length).toBeLessThanOrEqual(elapsedPeriods);
    expect(overlapped).toBe(false);
  });

  it('rejects bad queue names and options with the field named', async () => {
    const jobs = await runner();
    await expect(jobs.enqueue('has space', {})).rejects.toThrow(/queue: "has space" is not a queue name/);
    await expect(jobs.enqueue('ok', {}, { attempts: 0 })).rejects.toThrow(/attempts: must be a positive integer/);
    await expect(jobs.enqueue('ok', {}, { runAt: new Date('nope') })).rejects.toThrow(/runAt: not a valid date/);
    jobs.handle('ok', async () => undefined);
    expect(() => jobs.handle('ok', async () => undefined)).toThrow(/already has a handler/);
    await expect(jobs.start({ queues: ['missing'] })).rejects.toThrow(/no handler for missing/);
  });
});
