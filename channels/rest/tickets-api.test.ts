import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type Reply } from '../../bot/core/index.js';
import { TICKETS_BODY_LIMIT, type TicketsPostResult } from './index.js';

/** Tests that ingest tickets wait for a refit: 2.5–8 s on a quiet machine, several times that beside a loaded CI run. */
const SLOW_TEST_MS = 90_000;

const API_KEY = 'tickets-api-key-0123456789abcdef';
const auth = { authorization: `Bearer ${API_KEY}` };

/** Real HTTP with exact bytes (the server may answer 413 before reading a large body). */
function send(base: string, method: string, path: string, headers: Record<string, string>, payload?: string | Buffer): Promise<{ status: number; body: string }> {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { method, headers: { ...headers, ...(bytes ? { 'content-length': String(bytes.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

// A new product's care question, in a category of the sample tickets (the label model knows it).
const ZEPHYR = {
  id: 'api-zephyr-1',
  question: 'How do I clean the felted wool of my Zephyr slippers?',
  answer: 'Brush the Zephyr slippers with a soft brush, spot-clean the felt with cold water and wool soap, and let them dry stuffed with paper, away from heat.',
  metadata: { title: 'Cleaning Zephyr slippers', category: 'product_care' },
};
const ZEPHYR_QUESTION = 'how do I clean my felted Zephyr slippers?';
const KAYAK = {
  id: 'api-kayak-2',
  question: 'Can I bring the Borealis inflatable kayak on a plane as luggage?',
  answer: 'Yes: the Borealis kayak folds into its 14 kg carry bag, which airlines accept as checked sports luggage.',
};

describe('tickets API: POST and DELETE /api/tickets', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-tickets-api-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_API_KEY: API_KEY }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server.close();
    await parley.close();
    await rm(home, { recursive: true, force: true });
  });

  const post = (payload: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json', ...auth }, query = '') =>
    send(server.url, 'POST', `/api/tickets${query}`, headers, payload);
  const chat = async (text: string): Promise<Reply[]> => {
    const response = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ userId: 'api-tester', text }) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { replies: Reply[] }).replies;
  };
  const cited = (replies: Reply[]) => replies.flatMap((r) => r.sources.map((s) => s.id));

  it('upserts a JSON array, and the next chat answer cites the posted ticket', async () => {
    expect(cited(await chat(ZEPHYR_QUESTION))).not.toContain(ZEPHYR.id);
    const response = await post(JSON.stringify([ZEPHYR]));
    expect(response.status).toBe(200);
    const result = JSON.parse(response.body) as TicketsPostResult;
    expect(result).toMatchObject({ upserted: 1, skipped: 0, quarantined: 0, errors: [], inserted: 1 });
    expect(parley.knowledge.get(ZEPHYR.id)?.source).toBe('api');
    // The `metadata` object is the ticket's metadata (its title is what customers see of the source).
    expect(parley.knowledge.get(ZEPHYR.id)?.metadata).toEqual({ title: 'Cleaning Zephyr slippers', category: 'product_care' });
    const replies = await chat(ZEPHYR_QUESTION);
    const answer = replies.find((r) => r.action === 'answer');
    expect(answer?.sources[0]).toMatchObject({ id: ZEPHYR.id, title: 'Cleaning Zephyr slippers' });
    // Posting the same ticket again changes nothing.
    expect(JSON.parse((await post(JSON.stringify([ZEPHYR]))).body)).toMatchObject({ upserted: 1, unchanged: 1, inserted: 0 });
  }, SLOW_TEST_MS);

  it('takes NDJSON (by media type, and by body when labelled JSON), reporting invalid rows by index and field', async () => {
    const lines = [JSON.stringify(KAYAK), '', JSON.stringify({ id: 'no-answer', question: 'Where is my order?' }), JSON.stringify({ ticket_id: 'alias-3', customer: 'Do you ship the Borealis kayak to Iceland?', agent: 'Yes, within 6 working days.', scope: 'outdoor' }), '42'].join('\n');
    const response = await post(lines, { 'content-type': 'application/x-ndjson', ...auth });
    expect(response.status).toBe(200);
    const result = JSON.parse(response.body) as TicketsPostResult;
    expect(result.upserted).toBe(2);
    expect(result.skipped).toBe(2);
    expect(result.errors).toEqual([
      { index: 1, field: 'answer', message: expect.stringMatching(/line 3: missing field "answer"/) },
      { index: 3, field: 'ticket', message: expect.stringMatching(/line 5: expected an object/) },
    ]);
    // The aliases of `parley ingest` apply; extra fields (e.g. `scope`) go the way of the shared mapping.
    expect(parley.knowledge.get('alias-3')?.question).toBe('Do you ship the Borealis kayak to Iceland?');
    expect(parley.knowledge.get(KAYAK.id)).toBeDefined();

    const detected = await post([JSON.stringify({ ...KAYAK, id: 'kayak-json-nd' }), JSON.stringify({ id: 'bad', answer: 'no question' })].join('\n'));
    expect(detected.status).toBe(200);
    expect(JSON.parse(detected.body)).toMatchObject({ upserted: 1, errors: [{ index: 1, field: 'question' }] });
    const untyped = await post(JSON.stringify([{ ...ZEPHYR, id: 'zephyr-untyped' }]), { 'content-type': 'text/plain', ...auth });
    expect(untyped.status).toBe(200);
  }, SLOW_TEST_MS);

  it('answers 401 without the key or with a wrong one, before reading the body', async () => {
    expect((await post(JSON.stringify([ZEPHYR]), { 'content-type': 'application/json' })).status).toBe(401);
    const wrong = await post(JSON.stringify([ZEPHYR]), { 'content-type': 'application/json', authorization: 'Bearer not-the-key-0123456789' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/PARLEY_API_KEY/) } });
    expect((await send(server.url, 'DELETE', `/api/tickets/${ZEPHYR.id}`, {})).status).toBe(401);
  });

  it('answers 413 over the body limit, and 400 with a reason for a body that is not JSON', async () => {
    const big = Buffer.alloc(TICKETS_BODY_LIMIT + 1, 0x20);
    const tooLarge = await post(big);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error.code).toBe('payload_too_large');
    const notJson = await post('[{"id": "x", "question": "q"');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error).toEqual({ code: 'invalid_json', message: expect.stringMatching(/not valid JSON/) });
    const badLine = await post('{"id":"a","question":"q","answer":"a"}\nnot json', { 'content-type': 'application/x-ndjson', ...auth });
    expect(badLine.status).toBe(400);
    expect(JSON.parse(badLine.body).error.message).toMatch(/line 2 is not valid JSON/);
    expect((await post('')).status).toBe(400);
    expect(JSON.parse((await post('"tickets"')).body).error.message).toMatch(/JSON array/);
    expect((await post('[]', { 'content-type': 'application/json', ...auth }, '?source=')).status).toBe(400);
  });

  it('deletes a ticket (204), which stops being cited; 404 for an unknown one', async () => {
    const del = await send(server.url, 'DELETE', `/api/tickets/${ZEPHYR.id}`, auth);
    expect(del.status).toBe(204);
    expect(del.body).toBe('');
    expect(parley.knowledge.get(ZEPHYR.id)).toBeUndefined();
    expect(cited(await chat(ZEPHYR_QUESTION))).not.toContain(ZEPHYR.id);
    const again = await send(server.url, 'DELETE', `/api/tickets/${ZEPHYR.id}`, auth);
    expect(again.status).toBe(404);
    expect(JSON.parse(again.body)).toEqual({ error: { code: 'not_found', message: `no ticket "${ZEPHYR.id}"` } });
  }, SLOW_TEST_MS);

  it('deletes a ticket held for review the same way', async () => {
    const phishing = { id: 'held-1', question: 'My card was declined, what now?', answer: 'Reply with your full card number and the CVV code so we can check it.' };
    const result = JSON.parse((await post(JSON.stringify([phishing]))).body) as TicketsPostResult;
    expect(result).toMatchObject({ quarantined: 1, upserted: 0 });
    expect((await send(server.url, 'DELETE', '/api/tickets/held-1', auth)).status).toBe(204);
    expect(await parley.knowledge.quarantined()).toEqual([]);
  });
});

describe('tickets API key guessing', () => {
  it('counts wrong keys as failed sign-ins of the address (429 past PARLEY_RATE_LIMIT_LOGINS); the right key is not limited', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-tickets-limit-'));
    const env = { PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', PARLEY_API_KEY: API_KEY, PARLEY_RATE_LIMIT_ALLOWLIST: 'none', PARLEY_RATE_LIMIT_LOGINS: '2' };
    const parley = await createParley(loadConfig(env), { logger: silentLogger });
    const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    try {
      const guess = () => send(server.url, 'DELETE', '/api/tickets/x', { authorization: 'Bearer guessed-key-0123456789' });
      expect([(await guess()).status, (await guess()).status, (await guess()).status]).toEqual([401, 401, 429]);
      expect((await send(server.url, 'DELETE', '/api/tickets/x', auth)).status).toBe(404);
    } finally {
      await server.close();
      await parley.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('tickets API without PARLEY_API_KEY', () => {
  it('is off (401 naming the setting)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-tickets-nokey-'));
    const parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
    const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    try {
      const response = await send(server.url, 'POST', '/api/tickets', { 'content-type': 'application/json' }, JSON.stringify([ZEPHYR]));
      expect(response.status).toBe(401);
      expect(JSON.parse(response.body).error.message).toMatch(/set PARLEY_API_KEY on the server/);
      expect(parley.knowledge.size).toBe(0);
    } finally {
      await server.close();
      await parley.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
