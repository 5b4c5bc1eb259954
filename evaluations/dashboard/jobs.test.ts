import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { PARLEY_QUEUES } from '../../bot/app/background.js';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { newId, silentLogger } from '../../bot/core/index.js';
import { chromiumAvailable, launchChromium, TEST_ARTIFACTS } from '../../bot/testing/chromium.js';
import { buildUiBundles } from '../../scripts/build-ui.js';
import { payloadFields, queueRows } from './jobs.js';
import { DashboardClient } from './testing.js';
import { createDashboardUser } from './users.js';

const QUEUE = 'test.delivery';

describe('dashboard jobs: pure parts', () => {
  it('orders queues by name and ages the oldest waiting job', () => {
    const now = Date.parse('2026-12-07T10:00:00.000Z');
    const rows = queueRows(
      [
        { queue: 'score', waiting: 0, delayed: 0, running: 0, dead: 0, oldestWaitingAt: null, completed: 3, lastCompletedAt: '2026-12-07T09:58:00.000Z' },
        { queue: 'outbox', waiting: 2, delayed: 1, running: 0, dead: 1, oldestWaitingAt: '2026-12-07T09:59:30.000Z', completed: 0, lastCompletedAt: null },
      ],
      now,
    );
    expect(rows.map((r) => [r.queue, r.oldestWaitingMs])).toEqual([
      ['outbox', 30_000],
      ['score', null],
    ]);
  });

  it("shows a payload's field names, never its values", () => {
    expect(payloadFields({ to: 'ann@example.com', text: 'your order', conversationId: 'c1' })).toEqual(['conversationId', 'text', 'to']);
    expect(payloadFields(['a'])).toEqual([]);
    expect(payloadFields('text')).toEqual([]);
    expect(payloadFields(null)).toEqual([]);
  });
});

describe('dashboard jobs page', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let admin: DashboardClient;
  let lead: DashboardClient;

  /** A job of `queue` (no worker runs it) that failed its only attempt: dead-lettered, as the runner leaves one. */
  async function deadJob(queue: string, error: string): Promise<string> {
    const id = newId('job');
    const now = Date.now();
    await parley.store.jobs.add({ id, queue, payload: { to: 'ann@example.com', text: 'Your order shipped' }, key: null, runAt: now, maxAttempts: 1, backoffMs: 1_000, exclusive: false });
    const [claimed] = await parley.store.jobs.claim([queue], 'test-worker', 60_000, 1, now);
    expect(claimed?.id).toBe(id);
    expect(await parley.store.jobs.fail(id, 'test-worker', error, null, now)).toBe(true);
    return id;
  }

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-dashboard-jobs-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    await createDashboardUser(parley.store, { email: 'admin@example.com', password: 'admin password 1', role: 'admin' });
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    admin = new DashboardClient(server.url);
    lead = new DashboardClient(server.url);
    expect((await admin.login('admin@example.com', 'admin password 1')).status).toBe(200);
    expect((await lead.login('lead@example.com', 'lead password 1')).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('lists queues and dead-lettered jobs with their error and payload fields, and retries one (admins only)', async () => {
    const id = await deadJob(QUEUE, 'SMTP 550: mailbox unavailable');
    const response = await admin.request('GET', `/dashboard/api/jobs?queue=${QUEUE}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    // The payload's values (a customer's address, the message) stay out of the page.
    expect(text).not.toContain('ann@example.com');
    expect(text).not.toContain('Your order shipped');
    const body = JSON.parse(text) as { backend: string; queues: { queue: string; waiting: number; dead: number }[]; dead: { id: string; lastError: string; attempts: number; payloadFields: string[] }[] };
    expect(body.backend).toBe('sqlite');
    expect(body.queues).toEqual([expect.objectContaining({ queue: QUEUE, waiting: 0, dead: 1 })]);
    expect(body.dead).toEqual([expect.objectContaining({ id, attempts: 1, lastError: 'SMTP 550: mailbox unavailable', payloadFields: ['text', 'to'] })]);

    expect((await lead.request('GET', '/dashboard/api/jobs')).status).toBe(403);
    expect((await lead.request('POST', `/dashboard/api/jobs/${id}/retry`)).status).toBe(403);
    expect((await admin.request('POST', `/dashboard/api/jobs/${id}/retry`, { csrf: false })).status).toBe(403);

    const retried = await admin.request('POST', `/dashboard/api/jobs/${id}/retry`);
    expect([retried.status, await retried.json()]).toEqual([200, { id, retried: true }]);
    const after = (await (await admin.request('GET', `/dashboard/api/jobs?queue=${QUEUE}`)).json()) as typeof body;
    expect(after.queues).toEqual([expect.objectContaining({ queue: QUEUE, waiting: 1, dead: 0 })]);
    expect(after.dead).toEqual([]);
    // Once back in its queue it is no longer dead: a second retry finds nothing.
    const again = await admin.request('POST', `/dashboard/api/jobs/${id}/retry`);
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ error: { code: 'not_found', message: `no dead-lettered job ${id}` } });
  });

  it('lists every queue the server runs without a filter, and refuses a queue filter that is too long, naming it', async () => {
    const all = (await (await admin.request('GET', '/dashboard/api/jobs')).json()) as { queues: { queue: string }[] };
    expect(all.queues.map((q) => q.queue)).toContain(QUEUE);
    // Queues with a handler show even when idle (a new user saw "No jobs yet" while scoring ran).
    expect(all.queues.map((q) => q.queue)).toEqual(expect.arrayContaining([PARLEY_QUEUES.maintenance, PARLEY_QUEUES.deliveryRetry, PARLEY_QUEUES.handoffTasks]));
    const bad = await admin.request('GET', `/dashboard/api/jobs?queue=${'q'.repeat(101)}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^queue: /);
  });

  it('counts the finished runs a queue keeps, with when the newest finished', async () => {
    const queue = 'test.finished';
    const at = Date.parse('2026-12-07T09:00:00.000Z');
    for (const [i, finishedAt] of [at, at + 60_000].entries()) {
      const id = `job-finished-${i}`;
      await parley.store.jobs.add({ id, queue, payload: {}, key: null, runAt: finishedAt - 1_000, maxAttempts: 1, backoffMs: 1_000, exclusive: false });
      await parley.store.jobs.claim([queue], 'test-worker', 60_000, 1, finishedAt - 500);
      expect(await parley.store.jobs.complete(id, 'test-worker', finishedAt)).toBe(true);
    }
    const body = (await (await admin.request('GET', `/dashboard/api/jobs?queue=${queue}`)).json()) as { queues: unknown[] };
    expect(body.queues).toEqual([expect.objectContaining({ queue, waiting: 0, running: 0, completed: 2, lastCompletedAt: '2026-12-07T09:01:00.000Z' })]);
  });

  const describeIfChromium = chromiumAvailable('the dashboard jobs page in Chromium') ? describe : describe.skip;
  describeIfChromium('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      await buildUiBundles({ only: ['dashboard'] });
      browser = await launchChromium();
    });
    afterAll(async () => browser?.close());

    it('shows an admin the queues and the dead letter, and Retry puts the job back', async () => {
      const id = await deadJob('test.sms', 'Twilio 21610: the recipient unsubscribed');
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${server.url}/dashboard/login`);
      await page.getByTestId('login-email').fill('admin@example.com');
      await page.getByTestId('login-password').fill('admin password 1');
      await page.getByTestId('login-submit').click();
      await page.waitForURL(`${server.url}/dashboard`);
      await page.getByTestId('nav-jobs').click();
      const dead = page.getByTestId('dead-job').filter({ hasText: id });
      await dead.waitFor();
      expect(await dead.textContent()).toContain('Twilio 21610: the recipient unsubscribed');
      expect(await page.getByTestId('jobs-backend').textContent()).toContain('SQLite');
      expect(await page.getByTestId('job-queue').filter({ hasText: 'test.sms' }).count()).toBe(1);
      await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-jobs.png'), fullPage: true });
      await dead.getByTestId('retry-job').click();
      await dead.waitFor({ state: 'detached' });
      expect(problems).toEqual([]);
      await page.close();
    });
  });
});
