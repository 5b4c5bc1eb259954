import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZendeskIncrementalExport } from '../../channels/zendesk/index.js';
import { startFakeZendesk, type FakeZendesk, type FakeZendeskTicketInput } from '../../channels/zendesk/testing/index.js';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { createParley, type Parley } from './parley.js';
import { syncZendesk, ZENDESK_CURSOR_SETTING } from './zendesk-sync.js';

const EMAIL = 'sync-bot@acme.example';
const TOKEN = 'zd-sync-token-123';
const MINUTE = 60_000;

/** A solved ticket as agents worked it: the customer's question, an internal note, the agent's public answer. */
const solved = (id: number, question: string, answer: string, status: FakeZendeskTicketInput['status'] = 'solved'): FakeZendeskTicketInput => ({
  id,
  subject: question.slice(0, 40),
  status,
  comments: [
    { author: 'requester', body: question },
    { author: 'agent', body: 'internal: checked the order system', public: false },
    { author: 'agent', body: answer },
  ],
});

describe('parley sync zendesk: incremental ticket sync', () => {
  let home: string;
  let parley: Parley;
  let zendesk: FakeZendesk;
  let clock = Date.parse('2026-03-02T09:00:00Z');
  const client = () => new ZendeskIncrementalExport({ url: zendesk.url, email: EMAIL, apiToken: TOKEN, perPage: 2 });
  const sync = () => syncZendesk({ zendesk: client(), store: parley.store, knowledge: parley.knowledge, logger: silentLogger });
  const commentReads = () => zendesk.requests.filter((r) => r.path.endsWith('/comments.json')).length;
  const exportReads = () => zendesk.requests.filter((r) => r.path === '/api/v2/incremental/tickets/cursor.json').length;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-zd-sync-'));
    zendesk = await startFakeZendesk({ email: EMAIL, apiToken: TOKEN, now: () => clock });
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
  });

  afterAll(async () => {
    await parley.close();
    await zendesk.close();
    await rm(home, { recursive: true, force: true });
  });

  it('fetches every ticket the first time (in pages), keeps solved ones, and stores the cursor', async () => {
    zendesk.put(solved(101, 'My parcel to Lyon has not arrived after two weeks', 'Parcels to France that are two weeks late are traced with the carrier; we resend them free of charge.'));
    zendesk.put(solved(102, 'Can I change the size of an order I placed this morning?', 'Orders can be changed for one hour after they are placed, from Account > Orders > Change.', 'closed'));
    zendesk.put(solved(103, 'Do you ship wool coats to Norway?', 'Yes, we ship to Norway in 3 to 5 working days; duties are included at checkout.'));
    zendesk.put({ id: 104, subject: 'Still waiting', status: 'open', comments: [{ author: 'requester', body: 'Where is my refund for the returned boots?' }] });
    clock += 2 * MINUTE;

    const first = await sync();
    expect(first).toMatchObject({ firstSync: true, pages: 2, changed: 4, upserted: 3, inserted: 3, removed: 0, skipped: { not_solved: 1 } });
    expect(first.cursor).toEqual(expect.any(String));
    expect(await parley.store.getSetting(ZENDESK_CURSOR_SETTING)).toBe(first.cursor);
    expect(parley.knowledge.get('zendesk-101')).toMatchObject({ source: 'zendesk', answer: expect.stringMatching(/traced with the carrier/) });
    // The internal note is never the answer; only solved tickets' comments are read.
    expect(parley.knowledge.get('zendesk-102')?.answer).toMatch(/one hour/);
    expect(parley.knowledge.get('zendesk-104')).toBeUndefined();
    expect(commentReads()).toBe(3);
    expect((await parley.knowledge.search('parcel to Lyon has not arrived'))[0]?.ticket.id).toBe('zendesk-101');
  });

  it('fetches only what changed since: edits are upserted, deleted and reopened tickets are removed', async () => {
    const [exportsBefore, commentsBefore] = [exportReads(), commentReads()];
    const unchanged = await sync();
    expect(unchanged).toMatchObject({ firstSync: false, pages: 1, changed: 0, upserted: 0, removed: 0 });
    expect(exportReads() - exportsBefore).toBe(1);
    expect(commentReads()).toBe(commentsBefore);

    zendesk.put(solved(101, 'My parcel to Lyon has not arrived after two weeks', 'Late parcels to France are now reshipped by express at once, no tracing needed.'));
    zendesk.remove(102);
    zendesk.put({ ...solved(103, 'Do you ship wool coats to Norway?', 'Yes.'), status: 'open' });
    zendesk.put(solved(105, 'Is the merino jumper machine washable?', 'Yes, on a 30 degree wool cycle, inside out, and dried flat.'));
    clock += 2 * MINUTE;
    const second = await sync();
    expect(second).toMatchObject({ firstSync: false, changed: 4, upserted: 2, inserted: 1, updated: 1, removed: 2, skipped: { deleted: 1, not_solved: 1 } });
    // Comments are read for the two changed solved tickets only.
    expect(commentReads() - commentsBefore).toBe(2);
    expect(parley.knowledge.get('zendesk-101')?.answer).toMatch(/reshipped by express/);
    expect(parley.knowledge.get('zendesk-102')).toBeUndefined();
    expect(parley.knowledge.get('zendesk-103')).toBeUndefined();
    expect(parley.knowledge.get('zendesk-105')).toBeDefined();
    expect(await parley.store.getSetting(ZENDESK_CURSOR_SETTING)).toBe(second.cursor);
  });

  it("leaves changes of the last minute to the next sync (Zendesk holds them back), and resumes from the stored cursor", async () => {
    zendesk.put(solved(106, 'Can I pay with a gift card and a credit card together?', 'Yes: enter the gift card first, then pay the rest by card.'));
    clock += 30_000;
    expect(await sync()).toMatchObject({ changed: 0 });
    expect(parley.knowledge.get('zendesk-106')).toBeUndefined();
    clock += 31_000;
    // A new client and a new run: where to start comes from the store alone.
    expect(await sync()).toMatchObject({ firstSync: false, changed: 1, inserted: 1 });
    expect(parley.knowledge.get('zendesk-106')).toBeDefined();
  });

  it('starts again from the beginning with full, and names a Zendesk refusal', async () => {
    const full = await syncZendesk({ zendesk: client(), store: parley.store, knowledge: parley.knowledge, full: true });
    expect(full).toMatchObject({ firstSync: true, upserted: 3, inserted: 0, updated: 0 });
    expect(full.skipped).toMatchObject({ deleted: 1, not_solved: 2 });
    const wrong = new ZendeskIncrementalExport({ url: zendesk.url, email: EMAIL, apiToken: 'wrong' });
    await expect(syncZendesk({ zendesk: wrong, store: parley.store, knowledge: parley.knowledge })).rejects.toThrow(/answered 401: Couldn't authenticate you/);
  });
});

describe('ZendeskIncrementalExport', () => {
  it('waits out a 429 with its Retry-After, then continues', async () => {
    let calls = 0;
    const waits: number[] = [];
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      calls++;
      if (calls === 1) {
        response.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'APIRateLimitExceeded' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ tickets: [], after_cursor: 'abc', after_url: null, before_cursor: null, before_url: null, end_of_stream: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const client = new ZendeskIncrementalExport({ url: `http://127.0.0.1:${port}`, email: EMAIL, apiToken: TOKEN, wait: async (ms) => void waits.push(ms) });
      expect(await client.ticketsPage({ startTime: 0 })).toEqual({ tickets: [], afterCursor: 'abc', endOfStream: true });
      expect(waits).toEqual([7000]);
    } finally {
      server.close();
    }
  });
});
