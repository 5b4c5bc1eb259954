import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ParleyError, type Job } from '../core/index.js';
import { redisForTests } from '../testing/redis.js';
import { waitFor } from '../testing/wait.js';
import { BullmqJobRunner, loadBullmq, type BullmqModule } from './bullmq-runner.js';

/**
 * The BullMQ runner against the shared Redis, under a unique key prefix (deleted afterwards). bullmq is an optional
 * package: without it these tests are skipped with the install command; the store-backed runner's tests cover the
 * same behaviour on SQLite and PostgreSQL.
 */
const redis = await redisForTests('the BullMQ job runner tests');
let bullmq: BullmqModule | undefined;
try {
  bullmq = await loadBullmq();
} catch (error) {
  if (!(error instanceof ParleyError)) throw error;
  console.warn(`${error.message}: skipping the BullMQ job runner tests`);
}
const describeIfBullmq = redis.available && bullmq ? describe : describe.skip;

/** True once `queue` has nothing waiting, delayed or running: every job of it has finished, none can run again. */
const drained = async (jobs: BullmqJobRunner, queue: string): Promise<boolean> =>
  (await jobs.counts()).every((c) => c.queue !== queue || c.waiting + c.delayed + c.running === 0);

describeIfBullmq('BullmqJobRunner on Redis', () => {
  const prefix = `parley-test-${randomBytes(6).toString('hex')}`;
  const runners: BullmqJobRunner[] = [];
  const runner = () => {
    const created = new BullmqJobRunner({ url: redis.url, prefix, bullmq: bullmq!, leaseMs: 1_000 });
    runners.push(created);
    return created;
  };

  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop(2_000);
  });

  afterAll(async () => {
    const client = new Redis(redis.url);
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
  });

  it('runs a job once with its payload; a deduplication key adds it once', async () => {
    const jobs = runner();
    const seen: Job[] = [];
    jobs.handle('send', async (job) => void seen.push(job));
    await jobs.start();
    const first = await jobs.enqueue('send', { to: 'a' }, { key: 'k1' });
    expect((await jobs.enqueue('send', { to: 'b' }, { key: 'k1' })).created).toBe(false);
    await waitFor(() => seen.length === 1, 10_000, 'the job');
    await waitFor(() => drained(jobs, 'send'), 10_000, 'the queue to finish');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: first.id, payload: { to: 'a' }, attempt: 1 });
    // The finished run is counted, with when it finished (the dashboard's jobs page).
    await waitFor(async () => (await jobs.counts()).find((c) => c.queue === 'send')?.completed === 1, 10_000, 'the finished run counted');
    const send = (await jobs.counts()).find((c) => c.queue === 'send');
    expect(Date.now() - Date.parse(send?.lastCompletedAt ?? '')).toBeLessThan(60_000);
  });

  it('takes any deduplication key the store runner takes (":" and "%" included, distinct keys stay distinct)', async () => {
    const jobs = runner();
    const seen: unknown[] = [];
    jobs.handle('keys', async (job) => void seen.push(job.payload));
    await jobs.start();
    expect((await jobs.enqueue('keys', 'a', { key: 'delivery:conv-1:42:retry' })).created).toBe(true);
    expect((await jobs.enqueue('keys', 'b', { key: 'delivery%3Aconv-1%3A42%3Aretry' })).created).toBe(true);
    expect((await jobs.enqueue('keys', 'c', { key: 'delivery:conv-1:42:retry' })).created).toBe(false);
    expect((await jobs.enqueue('keys', 'd', { key: '12345' })).created).toBe(true);
    await waitFor(() => seen.length === 3, 10_000, 'the three jobs');
    expect([...seen].sort()).toEqual(['a', 'b', 'd']);
  });

  it('retries with backoff, then dead-letters; retryDead runs it again', async () => {
    const jobs = runner();
    const attempts: number[] = [];
    let healthy = false;
    jobs.handle('flaky', async (job) => {
      attempts.push(job.attempt);
      if (!healthy) throw new Error('vendor down');
    });
    await jobs.start();
    const { id } = await jobs.enqueue('flaky', {}, { attempts: 3, backoffMs: 50 });
    await waitFor(async () => (await jobs.dead()).length === 1, 10_000, 'the dead letter');
    expect(attempts).toEqual([1, 2, 3]);
    expect((await jobs.dead())[0]).toMatchObject({ id, queue: 'flaky', lastError: 'Error: vendor down' });
    healthy = true;
    expect(await jobs.retryDead(id)).toBe(true);
    await waitFor(() => attempts.length === 4, 10_000, 'the retried run');
  });

  it('two runners share a queue without running a job twice', async () => {
    const a = runner();
    const b = runner();
    const runs = new Map<string, number>();
    const handler = async (job: Job) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await sleep(5); // the job's own work, so that jobs of the two runners overlap
    };
    a.handle('work', handler, { concurrency: 4 });
    b.handle('work', handler, { concurrency: 4 });
    await Promise.all([a.start(), b.start()]);
    for (let i = 0; i < 60; i++) await a.enqueue('work', { i });
    await waitFor(() => runs.size === 60, 20_000, 'every job');
    await waitFor(async () => (await drained(a, 'work')) && (await drained(b, 'work')), 10_000, 'the queue to finish');
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });
});
