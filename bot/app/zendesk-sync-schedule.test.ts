import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeZendesk, type FakeZendesk } from '../../channels/zendesk/testing/index.js';
import { waitFor } from '../../channels/slack/testing/harness.js';
import { loadConfig } from '../config/index.js';
import { silentLogger, type Logger, type Reply } from '../core/index.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import type { ZendeskSyncResult } from './zendesk-sync.js';
import { ZendeskSyncSchedule, type SkippingLock } from './zendesk-sync-schedule.js';

const RESULT: ZendeskSyncResult = { firstSync: false, pages: 1, changed: 0, upserted: 0, inserted: 0, updated: 0, removed: 0, skipped: {}, quarantined: 0, redacted: 0, duplicates: 0, cursor: 'c', ms: 1 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ZendeskSyncSchedule', () => {
  it('syncs at start and then on its interval, never two at once, logging failures and going on', async () => {
    // The schedule's timer and the slow syncs run on jest's fake clock: time passes only when the test moves it.
    jest.useFakeTimers();
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_obj, msg) => void warnings.push(msg ?? '') };
    const schedule = new ZendeskSyncSchedule({
      intervalMs: 20,
      logger,
      sync: async () => {
        calls++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(70);
        inFlight--;
        if (calls === 2) throw new Error('Zendesk answered 503');
        return RESULT;
      },
    }).start();
    try {
      // 70 ms syncs on a 20 ms timer: they run back to back (the third after the failing second), never overlapping.
      for (let waited = 0; calls < 3; waited += 10) {
        if (waited > 10_000) throw new Error('timed out waiting for a third sync');
        await jest.advanceTimersByTimeAsync(10);
      }
      // Stopping waits for the sync in flight, which finishes as the clock moves on.
      const stopped = schedule.stop();
      await jest.advanceTimersByTimeAsync(70);
      await stopped;
      const after = calls;
      // Seven more periods of the old timer: nothing runs once stopped.
      await jest.advanceTimersByTimeAsync(150);
      expect(maxInFlight).toBe(1);
      expect(calls).toBe(after);
      expect(warnings).toEqual(['Zendesk sync failed; the next one tries again']);
      expect(schedule.last).toEqual(RESULT);
    } finally {
      jest.useRealTimers();
    }
  });

  it('skips its turn while another server holds the lock', async () => {
    let held = true;
    const lock: SkippingLock = { tryRun: async (_key, work) => (held ? { ran: false } : { ran: true, value: await work() }) };
    let calls = 0;
    const schedule = new ZendeskSyncSchedule({ intervalMs: 60_000, logger: silentLogger, lock, sync: async () => (calls++, RESULT) });
    expect(await schedule.pass()).toBeUndefined();
    expect([calls, schedule.skipped]).toEqual([0, 1]);
    held = false;
    expect(await schedule.pass()).toEqual(RESULT);
    expect([calls, schedule.runs]).toEqual([1, 1]);
  });
});

describe('the server syncs Zendesk on its schedule (ZENDESK_SYNC_MINUTES)', () => {
  const EMAIL = 'sync-bot@acme.example';
  const TOKEN = 'zd-sync-token-456';
  let ahead = 0;
  let zendesk: FakeZendesk;
  let home: string;
  let parley: Parley;
  let server: RunningServer;

  beforeAll(async () => {
    zendesk = await startFakeZendesk({ email: EMAIL, apiToken: TOKEN, now: () => Date.now() + ahead });
    home = await mkdtemp(join(tmpdir(), 'parley-zd-schedule-'));
    const env = { PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', ZENDESK_URL: zendesk.url, ZENDESK_EMAIL: EMAIL, ZENDESK_API_TOKEN: TOKEN, ZENDESK_SYNC_MINUTES: '5' };
    parley = await createParley(loadConfig(env), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', zendeskSyncIntervalMs: 200 });
  });

  afterAll(async () => {
    await server.close();
    await parley.close();
    await zendesk.close();
    await rm(home, { recursive: true, force: true });
  });

  const chat = async (text: string): Promise<Reply[]> => {
    const response = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'zd-sync-customer', text }) });
    return ((await response.json()) as { replies: Reply[] }).replies;
  };

  it('answers from a ticket solved in Zendesk, and stops citing it once deleted there', async () => {
    expect(server.zendeskSync).toBeDefined();
    const tickets: [number, string, string][] = [
      [7001, 'How long does delivery to Ireland take?', 'Delivery to Ireland takes 2 to 4 working days with An Post.'],
      [7002, 'Can I return sale items?', 'Sale items can be returned within 14 days for store credit.'],
      [7003, 'Do you repair zips on jackets?', 'Yes, send the jacket with the repair form and we fix the zip for free within a year.'],
    ];
    for (const [id, question, answer] of tickets) {
      zendesk.put({ id, subject: question, status: 'solved', comments: [{ author: 'requester', body: question }, { author: 'agent', body: answer }] });
    }
    // The fake's clock moves past the minute Zendesk holds back.
    ahead = 2 * 60_000;
    await waitFor(async () => (parley.knowledge.get('zendesk-7003') ? true : undefined), 10_000, 'the synced tickets');
    const replies = await chat('do you repair the zip of a jacket?');
    expect(replies.find((r) => r.action === 'answer')?.sources[0]?.id).toBe('zendesk-7003');

    zendesk.remove(7003);
    ahead += 2 * 60_000;
    await waitFor(async () => (parley.knowledge.get('zendesk-7003') ? undefined : true), 10_000, 'the deletion');
    expect((await chat('do you repair the zip of a jacket?')).flatMap((r) => r.sources.map((s) => s.id))).not.toContain('zendesk-7003');
    expect(server.zendeskSync!.runs).toBeGreaterThanOrEqual(2);
  });
});

describe('ZENDESK_SYNC_MINUTES configuration', () => {
  const zendesk = { ZENDESK_URL: 'https://acme.zendesk.com', ZENDESK_EMAIL: 'a@acme.example', ZENDESK_API_TOKEN: 't' };
  it('is off by default and at 0, needs the Zendesk settings, and reads ZENDESK_SYNC_SINCE', () => {
    expect(loadConfig({ ...zendesk }).zendeskSync).toBeUndefined();
    expect(loadConfig({ ...zendesk, ZENDESK_SYNC_MINUTES: '0' }).zendeskSync).toBeUndefined();
    expect(loadConfig({ ...zendesk, ZENDESK_SYNC_MINUTES: '15', ZENDESK_SYNC_SINCE: '2024-01-31' }).zendeskSync).toEqual({ minutes: 15, since: Date.parse('2024-01-31') / 1000 });
    expect(() => loadConfig({ ZENDESK_SYNC_MINUTES: '15' })).toThrow(/ZENDESK_SYNC_MINUTES needs ZENDESK_URL/);
    expect(() => loadConfig({ ...zendesk, ZENDESK_SYNC_MINUTES: 'often' })).toThrow(/ZENDESK_SYNC_MINUTES/);
    expect(() => loadConfig({ ...zendesk, ZENDESK_SYNC_MINUTES: '5', ZENDESK_SYNC_SINCE: 'last week' })).toThrow(/ZENDESK_SYNC_SINCE/);
  });
});
