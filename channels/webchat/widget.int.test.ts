import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { packageFile, silentLogger } from '../../bot/core/index.js';

/** Debian's Chromium; Playwright's own browser download is not available offline. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const available = existsSync(CHROMIUM);
if (!available) {
  if (loadConfig().requireServices) throw new Error(`PARLEY_REQUIRE_SERVICES is set but ${CHROMIUM} is missing (apt-get install chromium)`);
  console.warn(`skipping the web chat browser test: ${CHROMIUM} is not installed (apt-get install chromium)`);
}
const describeIfChromium = available ? describe : describe.skip;
const artifacts = packageFile('test-artifacts');

describeIfChromium('web chat widget in Chromium', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-widget-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('answers a sample question with its source, keeps the conversation across reloads, and hands off from a quick reply', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const input = page.getByTestId('parley-input');
    await input.waitFor();
    await input.fill('how long do refunds take?');
    await page.getByTestId('parley-send').click();
    const answer = page.getByTestId('parley-bot-message').filter({ hasText: '5–7 business days' });
    await answer.waitFor({ timeout: 15_000 });
    await answer.getByText(/NWT-\d+/).first().waitFor();
    await page.screenshot({ path: join(artifacts, 'webchat-answer.png') });

    await page.reload();
    await page.getByTestId('parley-bot-message').filter({ hasText: '5–7 business days' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('parley-customer-message').filter({ hasText: 'how long do refunds take?' }).count()).toBe(1);

    await page.getByTestId('parley-input').fill('hello');
    await page.getByTestId('parley-send').click();
    await page.getByTestId('parley-quick-reply').filter({ hasText: 'Talk to a person' }).click();
    await page.getByTestId('parley-bot-message').filter({ hasText: 'connecting you with a person' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(artifacts, 'webchat-handoff.png') });
    await page.close();
  });

  it('shows images in bot messages (the size chart)', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const hit = (await parley.knowledge.search('size chart', { k: 20 })).find((h) => h.ticket.metadata.image);
    await page.getByTestId('parley-input').fill(hit?.ticket.question ?? 'size chart');
    await page.getByTestId('parley-send').click();
    const image = page.getByTestId('parley-bot-message').locator('img').first();
    await image.waitFor({ timeout: 15_000 });
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.close();
  });
});
