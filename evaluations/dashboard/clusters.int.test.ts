import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, TEST_ARTIFACTS } from '../../bot/testing/chromium.js';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger } from '../../bot/core/index.js';
import { createDashboardUser } from './users.js';
import { buildUiBundles } from '../../scripts/build-ui.js';

const describeIfChromium = chromiumAvailable('the answer clusters page test') ? describe : describe.skip;

describeIfChromium('answer clusters page in Chromium', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildUiBundles({ only: ['dashboard'] });
    home = await mkdtemp(join(tmpdir(), 'parley-clusters-ui-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    await parley.knowledge.clusters?.settled();
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('lists clusters with size, samples and text, and a lead edits, approves and renames one', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/dashboard/login`);
    await page.getByTestId('login-email').fill('lead@example.com');
    await page.getByTestId('login-password').fill('lead password 1');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByTestId('nav-clusters').click();
    await page.getByTestId('cluster').first().waitFor();
    const count = await page.getByTestId('cluster').count();
    expect(count).toBe((await parley.store.clusters.list()).length);
    expect(await page.getByTestId('clusters-summary').textContent()).toBe(`${count} clusters shown, 0 approved.`);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-clusters.png'), fullPage: false });

    const first = page.getByTestId('cluster').first();
    const id = (await first.getAttribute('data-cluster')) as string;
    await first.getByTestId('cluster-textarea').fill('Our approved answer for this topic, written by the CX lead.');
    await first.getByTestId('cluster-save-approve').click();
    const card = page.locator(`[data-cluster="${id}"]`);
    await card.getByTestId('cluster-status').filter({ hasText: 'approved' }).waitFor();
    expect(await card.getByTestId('cluster-text').textContent()).toBe('Our approved answer for this topic, written by the CX lead.');
    await card.getByLabel('name').fill('Topic named by the lead');
    await card.getByRole('button', { name: 'Rename' }).click();
    await page.locator(`[data-cluster="${id}"] h3`).filter({ hasText: 'Topic named by the lead' }).waitFor();
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-clusters-approved.png'), fullPage: false });
    expect(await parley.store.clusters.get(id)).toMatchObject({ status: 'approved', name: 'Topic named by the lead', reviewedBy: 'lead@example.com' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('splits tickets a lead ticks off a merged cluster into a new cluster', async () => {
    const reviews = parley.knowledge.clusters;
    if (!reviews) throw new Error('the sample store keeps answer clusters');
    const all = await parley.store.clusters.list();
    // Three single-ticket clusters of one scope, merged first (merges stay within a scope).
    const [a, b, c] = all.filter((x) => x.scope === all.at(-1)?.scope && x.size === 1).slice(-3);
    if (!a || !b || !c) throw new Error('the sample store has at least three clusters');
    await reviews.merge(a.id, [b.id, c.id], 'lead@example.com');
    const members = (await parley.store.clusters.members(a.id)).map((m) => m.ticketId);
    expect(members).toHaveLength(3);
    const before = (await parley.store.clusters.list()).length;

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('dialog', (dialog) => void dialog.dismiss().then(() => problems.push(`dialog: ${dialog.message()}`)));
    await page.goto(`${server.url}/dashboard/login`);
    await page.getByTestId('login-email').fill('lead@example.com');
    await page.getByTestId('login-password').fill('lead password 1');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${server.url}/dashboard`);
    await page.getByTestId('nav-clusters').click();
    const card = page.locator(`[data-cluster="${a.id}"]`);
    await card.getByTestId('cluster-split-open').click();
    await card.getByTestId('cluster-split-ticket').nth(2).waitFor();
    expect(await card.getByTestId('cluster-split-ticket').count()).toBe(3);
    const moving = (await card.getByTestId('cluster-split-ticket').nth(2).getAttribute('value')) as string;
    await card.getByTestId('cluster-split-ticket').nth(2).check();
    await card.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-clusters-split.png') });
    await card.getByTestId('cluster-split').click();
    await page.getByTestId('clusters-summary').filter({ hasText: `${before + 1} clusters shown` }).waitFor();
    const after = await parley.store.clusters.forTickets([moving]);
    expect(after[0]?.cluster.id).not.toBe(a.id);
    expect(after[0]?.cluster.name).toMatch(/\(split\)$/);
    expect((await parley.store.clusters.members(a.id)).map((m) => m.ticketId).sort()).toEqual(members.filter((t) => t !== moving).sort());
    await page.locator(`[data-cluster="${a.id}"] summary`).filter({ hasText: 'Tickets (2)' }).waitFor();
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-clusters-after-split.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });
});
