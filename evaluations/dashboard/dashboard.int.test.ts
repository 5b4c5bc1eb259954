import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, TEST_ARTIFACTS } from '../../bot/testing/chromium.js';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger } from '../../bot/core/index.js';
import { converse } from './testing.js';
import { createDashboardUser } from './users.js';
import { buildUiBundles } from '../../scripts/build-ui.js';

const describeIfChromium = chromiumAvailable('the dashboard browser test') ? describe : describe.skip;

describeIfChromium('CX dashboard in Chromium', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let browser: Browser;
  let refunds: string;

  beforeAll(async () => {
    await buildUiBundles({ only: ['dashboard'] });
    home = await mkdtemp(join(tmpdir(), 'parley-dashboard-ui-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    refunds = await converse(parley.bot, parley.store, 'webchat', ['how long do refunds take?', 'thanks', '4']);
    const person = await converse(parley.bot, parley.store, 'webchat', ['I want to talk to a person']);
    const sms = await converse(parley.bot, parley.store, 'twilio', ['can I cancel my order?']);
    for (const id of [refunds, person, sms]) await parley.scorer.score((await parley.store.getConversation(id))!);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('signs in, shows charts, filters, opens a transcript with sources and scores, and adds a label', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const foreign: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) foreign.push(request.url());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.getByTestId('login-email').fill('lead@example.com');
    await page.getByTestId('login-password').fill('wrong password');
    await page.getByTestId('login-submit').click();
    await page.getByRole('alert').filter({ hasText: 'wrong e-mail or password' }).waitFor();
    await page.getByTestId('login-email').fill('lead@example.com');
    await page.getByTestId('login-password').fill('lead password 1');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${server.url}/dashboard`);

    await page.getByTestId('whoami').filter({ hasText: 'lead@example.com (cx_lead)' }).waitFor();
    await page.locator('[data-testid="charts"] svg').first().waitFor();
    expect(await page.locator('[data-testid="charts"] svg').count()).toBe(5);
    expect(await page.locator('[data-testid="charts"] svg[data-series="csat"] circle').count()).toBe(1);
    expect(await page.getByTestId('conversation-row').count()).toBe(3);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-overview.png'), fullPage: true });

    await page.getByTestId('filter-channel').selectOption('twilio');
    await page.getByTestId('filter-apply').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation-row"]').length === 1);
    await page.getByTestId('filter-channel').selectOption('');
    await page.getByTestId('filter-text').fill('refunds');
    await page.getByTestId('filter-apply').click();
    await page.locator(`[data-testid="conversation-row"][data-id="${refunds}"]`).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation-row"]').length === 1);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-filtered.png'), fullPage: true });

    await page.locator(`[data-testid="conversation-row"][data-id="${refunds}"]`).click();
    await page.getByTestId('transcript').waitFor();
    const source = page.getByTestId('source').first();
    await source.waitFor();
    expect(await source.textContent()).toMatch(/NWT-\d+ · score [\d.]+ · returns/);
    expect(await page.getByTestId('answer-scores').first().textContent()).toMatch(/^groundedness (9\d|100)% · relevance \d+%$/);
    expect(await page.getByTestId('score-card').textContent()).toContain('CSAT: 4 / 5');

    await page.getByTestId('label-input').fill('great answer');
    await page.getByTestId('label-add').click();
    await page.getByTestId('label').filter({ hasText: 'great answer' }).waitFor();
    await page.getByTestId('note-input').fill('Quotes the refund window exactly.');
    await page.getByTestId('note-add').click();
    await page.getByTestId('note').filter({ hasText: 'Quotes the refund window exactly.' }).waitFor();
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-transcript.png'), fullPage: true });
    expect((await parley.store.evaluations.listLabels(refunds)).map((l) => l.label)).toEqual(['great answer']);

    await page.getByTestId('logout').click();
    await page.waitForURL(`${server.url}/dashboard/login`);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
