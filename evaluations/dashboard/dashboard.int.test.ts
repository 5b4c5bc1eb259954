import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import sharp from 'sharp';
import { UploadStore } from '../../channels/webchat/index.js';
import { FakeTryOnServer } from '../../vision/testing/fake-tryon-server.js';
import { waitFor } from '../../bot/core/testing/wait.js';
import { chromiumAvailable, launchChromium, TEST_ARTIFACTS } from '../../bot/testing/chromium.js';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { newId, silentLogger, type Activity } from '../../bot/core/index.js';
import { converse } from './testing.js';
import { createDashboardUser } from './users.js';
import { buildUiBundles } from '../../scripts/build-ui.js';

const describeIfChromium = chromiumAvailable('the dashboard browser test') ? describe : describe.skip;

/** A drawn shopper (head, neck, a top in `top`, arms) on a light wall: what the try-on turn sends and gets back. */
function shopperPhoto(top: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="384" height="512">
    <rect width="384" height="512" fill="#e9e4dc"/>
    <rect x="96" y="150" width="192" height="250" rx="40" fill="${top}"/>
    <rect x="60" y="170" width="44" height="200" rx="20" fill="${top}"/><rect x="280" y="170" width="44" height="200" rx="20" fill="${top}"/>
    <rect x="172" y="118" width="40" height="40" fill="#d9a47e"/><circle cx="192" cy="86" r="52" fill="#d9a47e"/>
    <path d="M140 70 Q192 10 244 70 L244 60 Q192 20 140 60 Z" fill="#3b2a20"/>
    <rect x="110" y="400" width="164" height="112" fill="#34495e"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** Runs one customer message (text and attachments) through the bot in conversation `id`. */
async function say(parley: Parley, id: string, userId: string, text: string, attachments: Activity['attachments'] = []): Promise<void> {
  const activity: Activity = { id: newId('act'), type: 'message', channel: 'webchat', conversationId: id, from: { id: userId, role: 'customer' }, text, timestamp: new Date().toISOString(), ...(attachments.length ? { attachments } : {}) };
  await parley.bot.processActivity(activity, { send: async () => undefined });
}

describeIfChromium('CX dashboard in Chromium', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let browser: Browser;
  let refunds: string;
  let tryOn: string;
  let tryOnServer: FakeTryOnServer;

  beforeAll(async () => {
    await buildUiBundles({ only: ['dashboard'] });
    home = await mkdtemp(join(tmpdir(), 'parley-dashboard-ui-'));
    const [photo, result] = await Promise.all([shopperPhoto('#c9c2b5'), shopperPhoto('#1f3a68')]);
    // The try-on model server (PARLEY_TRYON_URL): answers every photo with the shopper wearing the navy top.
    tryOnServer = await FakeTryOnServer.start(() => ({ contentType: 'image/jpeg', body: result }));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_TRYON_URL: tryOnServer.url }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    refunds = await converse(parley.bot, parley.store, 'webchat', ['how long do refunds take?', 'thanks', '4']);
    const person = await converse(parley.bot, parley.store, 'webchat', ['I want to talk to a person']);
    const sms = await converse(parley.bot, parley.store, 'twilio', ['can I cancel my order?']);
    for (const id of [refunds, person, sms]) await parley.scorer.score((await parley.store.getConversation(id))!);

    // A try-on on the web chat by a known customer: product picked, photo uploaded, try-on result shown.
    const shopper = newId('web');
    await parley.store.engagement.upsertCustomer({ identities: [{ kind: 'webchat', value: shopper }], name: 'Maya Lindqvist' });
    tryOn = (await parley.store.createConversation({ userId: shopper, channel: 'webchat' })).id;
    const [product] = await parley.store.tryon.listProducts();
    await say(parley, tryOn, shopper, 'Could I try something on?');
    await say(parley, tryOn, shopper, product!.name);
    const upload = await new UploadStore(join(home, 'uploads')).save(tryOn, 'image/jpeg', photo);
    await say(parley, tryOn, shopper, '', [{ contentType: 'image/jpeg', name: 'me.jpg', url: upload.url }]);
    expect(tryOnServer.requests).toHaveLength(1);
    // Scored by the pass the answer asked for (ScoreSoon), not by hand.
    await waitFor(() => parley.store.evaluations.getScore(tryOn), 20_000, 'the try-on conversation to be scored');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await parley?.close();
    await tryOnServer?.close();
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
    expect(await page.getByTestId('conversation-row').count()).toBe(4);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-overview.png'), fullPage: true });

    await page.getByTestId('filter-channel').selectOption('twilio');
    await page.getByTestId('filter-apply').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation-row"]').length === 1);
    await page.getByTestId('filter-channel').selectOption('');
    // The customer's words (the handoff reply lists "returns and refunds" among the bot's topics).
    await page.getByTestId('filter-text').fill('refunds take');
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

    // The list names customers and their first message, with scores; the try-on transcript shows its images.
    await page.goto(`${server.url}/dashboard#/`);
    const row = page.locator(`[data-testid="conversation-row"][data-id="${tryOn}"]`);
    await row.waitFor();
    expect(await row.getByTestId('row-customer').textContent()).toMatch(/^Maya Lindqvist\s*web_/);
    expect(await row.getByTestId('row-first-message').textContent()).toBe('Could I try something on?');
    expect(await row.getByTestId('row-score').textContent()).toMatch(/^0\.\d\d$|^1\.00$/);
    expect(await page.locator(`[data-testid="conversation-row"][data-id="${refunds}"] [data-testid="row-first-message"]`).textContent()).toBe('how long do refunds take?');
    // A visitor Parley knows nothing about is not named by the id it made up.
    expect(await page.locator(`[data-testid="conversation-row"][data-id="${refunds}"] [data-testid="row-customer"]`).textContent()).toMatch(/^Anonymous visitor\s*cust_/);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-list-customers.png'), fullPage: true });
    await page.getByTestId('filter-customer').fill('lindqvist');
    await page.getByTestId('filter-apply').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="conversation-row"]').length === 1);
    await row.getByTestId('row-customer').locator('a').click();
    await page.getByTestId('transcript-customer').filter({ hasText: 'Maya Lindqvist' }).waitFor();
    // Transcript images load lazily: each is scrolled into view first (below the fold it would never load), and looked
    // up again on every poll (a transcript rendered again replaces the element).
    const loaded = async (testid: string) => {
      const selector = `[data-testid="${testid}"] img`;
      await page.locator(selector).first().scrollIntoViewIfNeeded();
      await page.waitForFunction((sel) => {
        const image = document.querySelector(sel) as HTMLImageElement | null;
        return image !== null && image.complete && image.naturalWidth > 0;
      }, selector);
      return page.locator(selector).first().evaluate((el) => (el as HTMLImageElement).naturalWidth);
    };
    expect(await loaded('image-product')).toBeGreaterThan(0);
    expect(await loaded('image-upload')).toBe(384);
    expect(await loaded('image-tryon')).toBe(384);
    expect(await page.getByTestId('answer-scores').last().textContent()).toBe('scored as try-on / photo turn · image delivered');
    const card = await page.getByTestId('score-card').textContent();
    expect(card).not.toContain('ungrounded answer');
    expect(card).toMatch(/visionDelivered\s*1/);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'dashboard-tryon-transcript.png'), fullPage: true });

    await page.getByTestId('logout').click();
    await page.waitForURL(`${server.url}/dashboard/login`);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
