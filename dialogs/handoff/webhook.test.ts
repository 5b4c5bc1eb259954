import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HandoffRecord, Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import type { HandoffEvent } from './desk.js';
import { SignedWebhook, signWebhook, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhook.js';

describe('webhook signature', () => {
  const secret = 'whsec-0123456789abcdef';
  const body = '{"event":"claimed"}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const expected = createHmac('sha256', secret).update(`1767000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1767000000, body)).toBe(`t=1767000000,v1=${expected}`);
  });

  it('verifies within the tolerance and rejects tampering, other secrets, replays and malformed headers', () => {
    const now = 1767000000_000;
    const header = signWebhook(secret, 1767000000, body);
    expect(verifyWebhookSignature(secret, header, body, now)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, now + 299_000)).toBe(true);
    expect(verifyWebhookSignature(secret, header, '{"event":"resolved"}', now)).toBe(false);
    expect(verifyWebhookSignature('another-secret-0000', header, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, now + 301_000)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, now)).toBe(false);
    expect(verifyWebhookSignature(secret, 'v1=abc', body, now)).toBe(false);
  });
});

describe('SignedWebhook', () => {
  let home: string;
  let store: Store;
  let server: Server;
  let url: string;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  let failures = 0;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-webhook-'));
    store = await openStore({ home });
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          response.writeHead(503).end();
          return;
        }
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    await rm(home, { recursive: true, force: true });
  });

  it('queues each event durably, signs it and retries failed deliveries with backoff', async () => {
    let now = Date.parse('2026-03-03T10:00:00Z');
    const secret = 'whsec-0123456789abcdef';
    const webhook = new SignedWebhook({ store, url, secret, now: () => now, retryBaseMs: 30_000 });
    const conversation = await store.createConversation({ userId: 'u', channel: 'rest' });
    const handoff = (await store.handoffs.createHandoff({ conversationId: conversation.id, reason: 'customer_request' })) as HandoffRecord;
    const event: HandoffEvent = { type: 'claimed', at: new Date(now).toISOString(), handoff, conversation: { id: conversation.id, userId: 'u', channel: 'rest', status: 'needs_human' }, agent: { id: 'U1', name: 'Alex' } };
    failures = 2;
    await webhook.onEvent(event); // queues and starts a delivery pass
    await webhook.pass();
    expect(received).toHaveLength(0);
    const [job] = await store.handoffs.listDueHandoffJobs(new Date(now + 3_600_000).toISOString(), 10);
    expect(job).toMatchObject({ attempts: 1, lastError: 'HTTP 503', status: 'pending' });
    // Not due before its backoff ends (30 s, then 60 s).
    expect(await webhook.pass()).toBe(0);
    now += 30_000;
    expect(await webhook.pass()).toBe(0);
    expect(received).toHaveLength(0);
    now += 59_000;
    expect(await webhook.pass()).toBe(0);
    now += 1_000;
    expect(await webhook.pass()).toBe(1);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.headers['x-parley-event']).toBe('claimed');
    expect(verifyWebhookSignature(secret, String(delivery!.headers[WEBHOOK_SIGNATURE_HEADER]), delivery!.body, now)).toBe(true);
    expect(JSON.parse(delivery!.body)).toMatchObject({ event: 'claimed', handoff: { id: handoff.id, status: 'waiting', reason: 'customer_request' }, conversation: { id: conversation.id, channel: 'rest' }, agent: { id: 'U1', name: 'Alex' } });
    expect(await webhook.pass()).toBe(0);
  });
});
