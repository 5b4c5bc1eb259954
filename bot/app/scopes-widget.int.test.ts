import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../testing/chromium.js';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import { SCOPED_TICKETS } from './testing/scoped-tickets.js';
import { buildUiBundles } from '../../scripts/build-ui.js';

const describeIfChromium = chromiumAvailable('the web chat scope browser test') ? describe : describe.skip;

/** The real widget in Chromium, embedded on a brand's page with `data-parley-scope` on its script tag or a container. */
describeIfChromium('web chat widget with data-parley-scope', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    await buildUiBundles({ only: ['widget'] });
    home = await mkdtemp(join(tmpdir(), 'parley-widget-scope-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', PARLEY_VISION: 'false' }), { logger: silentLogger });
    await parley.knowledge.ingest(SCOPED_TICKETS);
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it.each([
    ['brand-a', 'script', /Yahoo:/, /Minecraft/],
    ['brand-b', 'container', /Minecraft:/, /Yahoo/],
  ])('answers a visitor of a %s page (attribute on the %s) from that brand only', async (scope, holder, own, other) => {
    // The demo page, embedding the widget as a brand's site would: the attribute goes on the widget's script tag, or on
    // a container element, as soon as the tag is parsed (before the async script runs). (A page of another origin
    // cannot reach 127.0.0.1 in Chromium: local network access checks.)
    const page = await browser.newPage();
    await page.addInitScript(
      ([wanted, where]) => {
        new MutationObserver((_records, observer) => {
          const tag = document.querySelector('script[src$="widget.js"]');
          if (!tag) return;
          if (where === 'script') tag.setAttribute('data-parley-scope', wanted);
          else tag.before(Object.assign(document.createElement('div'), { className: 'brand' }));
          if (where !== 'script') document.querySelector('div.brand')?.setAttribute('data-parley-scope', wanted);
          observer.disconnect();
        }).observe(document, { childList: true, subtree: true });
      },
      [scope, holder] as const,
    );
    await page.goto(`${server.url}/`);
    const input = page.getByTestId('parley-input');
    await input.waitFor();
    await input.fill('How do I reset my password?');
    await page.getByTestId('parley-send').click();
    const answer = page.getByTestId('parley-bot-message').filter({ hasText: own });
    await answer.waitFor({ timeout: 15_000 });
    const bubbles = await page.getByTestId('parley-bot-message').allTextContents();
    expect(bubbles.join('\n')).not.toMatch(other);
    const conversations = await parley.store.evaluations.listScoredConversations({ scope, limit: 10 });
    expect(conversations.map((c) => c.conversation.channel)).toEqual(['webchat']);
    await page.close();
  }, 60_000);
});
