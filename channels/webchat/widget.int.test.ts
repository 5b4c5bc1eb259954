import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Browser, type Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, TEST_ARTIFACTS } from '../../bot/testing/chromium.js';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { Bot, silentLogger } from '../../bot/core/index.js';
import { WebchatSockets } from './socket.js';
import { registerWebchatStatic } from './static.js';
import { tinyPng } from './test-images.js';
import { buildUiBundles } from '../../scripts/build-ui.js';

const describeIfChromium = chromiumAvailable('the web chat browser test') ? describe : describe.skip;

describeIfChromium('web chat widget in Chromium', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildUiBundles({ only: ['widget'] });
    home = await mkdtemp(join(tmpdir(), 'parley-widget-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
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
    // The source by its title (the past ticket's id means nothing to a customer: only a tooltip).
    const source = answer.getByTestId('parley-sources');
    await source.waitFor();
    expect(await source.textContent()).toMatch(/^Sources?: \[1\] [A-Z][a-z]/);
    expect(await source.textContent()).not.toMatch(/NWT-\d+/);
    expect(await source.locator('.parley-source').first().getAttribute('title')).toMatch(/^NWT-\d+$/);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'webchat-answer.png') });

    await page.reload();
    await page.getByTestId('parley-bot-message').filter({ hasText: '5–7 business days' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('parley-customer-message').filter({ hasText: 'how long do refunds take?' }).count()).toBe(1);

    await page.getByTestId('parley-input').fill('hello');
    await page.getByTestId('parley-send').click();
    await page.getByTestId('parley-quick-reply').filter({ hasText: 'Talk to a person' }).click();
    await page.getByTestId('parley-bot-message').filter({ hasText: "I can't connect you with a person here" }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'webchat-handoff.png') });
    await page.close();
  });

  it('on a phone, the page that opens the chat on load shows the launcher instead of covering the page', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/`);
    const launcher = phone.getByTestId('parley-launcher');
    await launcher.waitFor();
    expect(await phone.getByTestId('parley-input').isVisible()).toBe(false);
    await phone.screenshot({ path: join(TEST_ARTIFACTS, 'webchat-phone-closed.png') });
    await launcher.click();
    await phone.getByTestId('parley-input').waitFor({ state: 'visible' });
    await phone.close();
    // The same page on a laptop opens it.
    const laptop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await laptop.goto(`${server.url}/`);
    await laptop.getByTestId('parley-input').waitFor({ state: 'visible' });
    await laptop.close();
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

  /** Chooses `file` through the widget's attach button, as a customer would. */
  async function attach(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('parley-attach').click()]);
    await chooser.setFiles(file);
  }

  it('sends a photo: checked in the browser, thumbnail in the customer bubble, clarify reply, thumbnail again after reload', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(10_000); // a failing step names its locator before Jest's own timeout
    await page.goto(`${server.url}/`);
    await page.getByTestId('parley-input').waitFor();

    // Refused before any upload, each with its own line.
    await attach(page, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
    await page.getByTestId('parley-error').filter({ hasText: 'notes.txt' }).filter({ hasText: /PNG, JPEG, WebP and GIF/ }).waitFor();
    await attach(page, { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.concat([tinyPng(), Buffer.alloc(5 * 1024 * 1024)]) });
    await page.getByTestId('parley-error').filter({ hasText: 'huge.png' }).filter({ hasText: /5 MB/ }).waitFor();
    expect(await page.getByTestId('parley-customer-message').count()).toBe(0);

    await attach(page, { name: 'shirt.png', mimeType: 'image/png', buffer: tinyPng(48, 32, [200, 30, 30, 255]) });
    const thumbnail = page.getByTestId('parley-customer-message').getByTestId('parley-thumbnail');
    await thumbnail.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="parley-customer-message"] [data-testid="parley-thumbnail"]');
      return Boolean(img?.complete && img.naturalWidth === 48);
    });
    const reply = page.getByTestId('parley-bot-message').filter({ hasText: "I've added your photo to this conversation" });
    await reply.waitFor({ timeout: 15_000 });
    expect(await reply.getAttribute('data-action')).toBe('clarify');
    // The message went out after its upload: the customer's row says so.
    await page.getByTestId('parley-customer-message').filter({ has: page.getByTestId('parley-thumbnail') }).locator('xpath=..').getByText('Delivered').waitFor();

    // The photo is stored under the conversation, and comes back (fetched with the token) after a reload.
    const conversations = await readdir(join(home, 'uploads'));
    expect(conversations).toHaveLength(1);
    expect(await readdir(join(home, 'uploads', conversations[0]!))).toEqual([expect.stringMatching(/^upl_\w+\.png$/)]);
    await page.screenshot({ path: join(TEST_ARTIFACTS, 'webchat-photo.png') });
    await page.reload();
    await page.getByTestId('parley-bot-message').filter({ hasText: "I've added your photo" }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="parley-customer-message"] [data-testid="parley-thumbnail"]');
      return Boolean(img?.complete && img.naturalWidth === 48 && img.src.startsWith('blob:'));
    });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describeIfChromium('web chat widget with a streaming bot', () => {
  const PIECES = ['Refunds ', 'usually ', 'take ', '5–7 ', 'business ', 'days.'];
  let home: string;
  let parley: Parley;
  let app: FastifyInstance;
  let sockets: WebchatSockets;
  let url: string;
  let browser: Browser;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-widget-stream-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
    // The first half streams at once; the rest waits for the test, so it can look at the half-written bubble.
    async function* generate(): AsyncGenerator<string> {
      yield* PIECES.slice(0, 3);
      await new Promise<void>((resolve) => (release = resolve));
      yield* PIECES.slice(3);
    }
    const bot = new Bot({ store: parley.store, handler: async (ctx) => void (await ctx.sendStream(generate(), { action: 'answer' })) });
    app = Fastify();
    registerWebchatStatic(app, { assetDirs: [] });
    sockets = new WebchatSockets({ bot, store: parley.store, tokens: parley.tokens, apiKey: undefined, logger: silentLogger });
    app.server.on('upgrade', (request, socket, head) => {
      if (!sockets.handleUpgrade(request, socket, head)) socket.destroy();
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sockets?.close();
    await app?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('fills one bot bubble with the partial text, then the final reply takes its place (no duplicate)', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    await page.getByTestId('parley-input').fill('how long do refunds take?');
    await page.getByTestId('parley-send').click();
    const bubbles = page.getByTestId('parley-bot-message');
    await bubbles.filter({ hasText: 'Refunds usually take' }).waitFor({ timeout: 15_000 });
    expect(await bubbles.count()).toBe(1);
    const messageId = await bubbles.first().getAttribute('data-messageid');
    expect(messageId).toMatch(/^act_/);
    expect(await bubbles.first().getAttribute('aria-busy')).toBe('true');

    release();
    await bubbles.filter({ hasText: PIECES.join('') }).and(page.locator('[data-action="answer"]')).waitFor({ timeout: 15_000 });
    expect(await bubbles.count()).toBe(1);
    expect(await bubbles.first().getAttribute('data-messageid')).toBe(messageId);
    expect(await bubbles.first().getAttribute('aria-busy')).toBeNull();
    await page.close();
  });
});
