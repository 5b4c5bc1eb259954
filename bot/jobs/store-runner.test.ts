import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '../core/index.js';
import { migrate, SqliteDriver, SqlJobRecords } from '../storage/index.js';
import { advanceBy, advanceUntil, useFakeClock } from '../testing/clock.js';
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
  const created = new StoreJobRunner({ jobs: new SqlJobRecords(driver), dialect: 'sqlite', pollMs: options.pollMs ?? POLL_MS, leaseMs: options.leaseMs ?? 1_000 });
  runners.push(created);
  return created;
}

/** A wait inside a job: on the fake clock, it passes only as the test moves the clock. */
const takes = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const POLL_MS = 20;

// The runners' polls, leases, heartbeats, backoffs and periods run on jest's fake clock (timers and `Date`; the
// database's own work stays real): time passes only as a test moves it, so timings are asserted exactly and no test
// waits for them.
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-jobs-'));
  useFakeClock();
});

afterEach(async () => {
  jest.useRealTimers();
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
    await advanceUntil('the job', () => seen.length === 1);
    // Seven more polls: it does not run again.
    await advanceBy(7 * POLL_MS);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: first.id, queue: 'send', payload: { to: 'a' }, attempt: 1, maxAttempts: 5 });
  });

  it('counts a queue with a handler and no jobs with zeros, and a finished run with when it finished', async () => {
    const jobs = await runner();
    jobs.handle('idle', async () => undefined);
    jobs.handle('send', async () => undefined);
    await jobs.start();
    const idle = { waiting: 0, delayed: 0, running: 0, dead: 0, oldestWaitingAt: null, completed: 0, lastCompletedAt: null };
    expect(await jobs.counts()).toEqual([
      { queue: 'idle', ...idle },
      { queue: 'send', ...idle },
    ]);
    await jobs.enqueue('send', {});
    await advanceUntil('the run', async () => (await jobs.counts()).find((c) => c.queue === 'send')?.completed === 1);
    const send = (await jobs.counts()).find((c) => c.queue === 'send');
    expect(send).toMatchObject({ waiting: 0, running: 0, completed: 1 });
    expect(Date.parse(send?.lastCompletedAt ?? '')).toBeLessThanOrEqual(Date.now());
  });

  it('waits for the run-at time', async () => {
    const jobs = await runner();
    const ranAt: number[] = [];
    jobs.handle('later', async () => void ranAt.push(Date.now()));
    await jobs.start();
    const runAt = Date.now() + 400;
    await jobs.enqueue('later', {}, { runAt: new Date(runAt) });
    expect((await jobs.counts()).find((c) => c.queue === 'later')).toMatchObject({ waiting: 0, delayed: 1 });
    await advanceBy(399);
    expect(ranAt).toEqual([]);
    await advanceUntil('the delayed job', () => ranAt.length > 0);
    // At its time, or at the first poll after it.
    expect(ranAt[0]! - runAt).toBeGreaterThanOrEqual(0);
    expect(ranAt[0]! - runAt).toBeLessThanOrEqual(POLL_MS);
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
    await advanceUntil('the dead letter', async () => (await jobs.dead()).length > 0);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // 100 ms then 200 ms between runs (the next poll after the retry time adds at most one poll interval).
    const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[0]).toBeLessThanOrEqual(100 + POLL_MS);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeLessThanOrEqual(200 + POLL_MS);
    const [dead] = await jobs.dead({ queue: 'flaky' });
    expect(dead).toMatchObject({ id, queue: 'flaky', payload: { n: 1 }, attempts: 3, lastError: 'Error: vendor down (3)' });
    expect((await jobs.counts()).find((c) => c.queue === 'flaky')).toMatchObject({ dead: 1, waiting: 0, running: 0 });
    healthy = true;
    expect(await jobs.retryDead(id)).toBe(true);
    expect(await jobs.retryDead(id)).toBe(false);
    await advanceUntil('the retried job', () => attempts.length === 4);
    expect(attempts[3]!.attempt).toBe(1);
    await advanceUntil('the job to finish', async () => (await jobs.counts()).find((c) => c.queue === 'flaky')?.completed === 1);
    expect((await jobs.counts()).find((c) => c.queue === 'flaky')).toMatchObject({ waiting: 0, delayed: 0, running: 0, dead: 0, completed: 1 });
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
      await takes(5 + Math.random() * 15);
      running.delete(job.id);
    };
    a.handle('work', handler, { concurrency: 4 });
    b.handle('work', handler, { concurrency: 4 });
    await Promise.all([a.start(), b.start()]);
    const ids = await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? a : b).enqueue('work', { i }).then((job) => job.id)));
    await advanceUntil('every job', () => runs.size === 80 && running.size === 0);
    expect(overlaps).toBe(0);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ids).size).toBe(80);
  });

  it("runs a job again once the lease of a worker that stopped answering expired, and that worker's late result is refused", async () => {
    const jobs = await runner({ leaseMs: 300 });
    const store = new SqlJobRecords(drivers[0]!);
    const { id } = await jobs.enqueue('work', { order: 42 });
    // A worker claims the job and dies (no heartbeat, no result).
    const claimedAt = Date.now();
    const [claimed] = await store.claim(['work'], 'dead-worker', 300, 1, claimedAt);
    expect(claimed).toMatchObject({ id, attempts: 1 });
    const seen: Job[] = [];
    const ranAt: number[] = [];
    jobs.handle('work', async (job) => void (seen.push(job), ranAt.push(Date.now())));
    await jobs.start();
    // Up to the end of its lease the job may still be running in the silent worker: nobody else takes it.
    await advanceBy(300);
    expect(seen).toHaveLength(0);
    await advanceUntil('the re-run', () => seen.length > 0);
    expect(ranAt[0]! - claimedAt).toBeLessThanOrEqual(300 + POLL_MS);
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
      await takes(900);
      aborted ||= job.signal.aborted;
    };
    a.handle('long', long);
    b.handle('long', long);
    await Promise.all([a.start(), b.start()]);
    await a.enqueue('long', {});
    await advanceUntil('the long job', async () => (await a.counts()).find((c) => c.queue === 'long')?.completed === 1);
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
      await takes(30);
      inFlight--;
    };
    for (const r of [a, b]) {
      r.every('tick', 200);
      r.handle('tick', tick);
    }
    // 50 ms into a period: the runners start in it, and 1,000 ms later the fifth period after it has begun.
    const started = Math.floor(Date.now() / 200) * 200 + 1_050;
    jest.setSystemTime(started);
    await Promise.all([a.start(), b.start()]);
    await advanceBy(1_000);
    // One run in each period, whichever runner took it: the one they started in at once (before the clock moved, or
    // within its first 5 ms step, as the database's real work lands), then five more, each 5 ms after its period
    // began (the runner's margin past the boundary).
    const periodStart = started - 50;
    const [first, ...later] = periods.map((at) => at - periodStart);
    expect(first).toBeGreaterThanOrEqual(50);
    expect(first).toBeLessThanOrEqual(55);
    expect(later).toEqual([205, 405, 605, 805, 1_005]);
    expect(overlapped).toBe(false);
    // Stopped, the runners start no more periods.
    const stopped = Promise.all([a.stop(), b.stop()]);
    await advanceBy(100);
    await stopped;
    await advanceBy(1_000);
    expect(periods).toHaveLength(6);
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
