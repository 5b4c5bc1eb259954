import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { computeSlackSignature } from '../../channels/slack/index.js';
import { startFakeSlack, type FakeSlack } from '../../channels/slack/testing/index.js';
import { signedFormPost, startFakeTwilio, type FakeTwilio } from '../../channels/twilio/testing/index.js';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { fuzzBudget, hostileJsonBody, hostileText } from '../testing/fuzz.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';

// Every inbound parser and route with hostile input, a fixed budget per target (PARLEY_FUZZ_RUNS, PARLEY_FUZZ_SEED):
// never a 5xx, never a hang (each request answers within its timeout), and the server still healthy afterwards.

const API_KEY = 'fuzz-api-key-0123456789';
const TWILIO = { accountSid: `AC${'a'.repeat(32)}`, authToken: 'fuzz-twilio-token' };
const SLACK_SECRET = 'fuzz-slack-signing-secret';
const REQUEST_TIMEOUT_MS = 10_000;

let home: string;
let parley: Parley;
let server: RunningServer;
let twilio: FakeTwilio;
let slack: FakeSlack;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-fuzz-'));
  twilio = await startFakeTwilio(TWILIO);
  slack = await startFakeSlack({ botToken: 'xoxb-fuzz' });
  parley = await createParley(
    loadConfig({
      PARLEY_HOME: home,
      PARLEY_VISION: 'false',
      PARLEY_API_KEY: API_KEY,
      TWILIO_ACCOUNT_SID: TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_FROM: '+15550009999',
      TWILIO_API_URL: twilio.url,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-fuzz',
      SLACK_API_URL: slack.url,
      BOTFRAMEWORK_EMULATOR: 'true',
    }),
    { logger: silentLogger },
  );
  server = await startServer(parley, { port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await server.close();
  await parley.close();
  await twilio.close();
  await slack.close();
  await rm(home, { recursive: true, force: true });
});

/** Sends a request and returns its status; fails the case on a 5xx (with what was sent) or a timeout. */
async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<number> {
  const response = await fetch(`${server.url}${path}`, { method, ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) } as RequestInit);
  const text = await response.text();
  if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}\nsent: ${String(init.body).slice(0, 300)}`);
  return response.status;
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/x-ndjson', 'application/octet-stream', ''];
const contentType = () => fc.constantFrom(...CONTENT_TYPES);
const headersOf = (type: string, extra: Record<string, string> = {}): Record<string, string> => ({ ...(type ? { 'content-type': type } : {}), ...extra });

describe('fuzz: HTTP routes never answer 5xx or hang', () => {
  it('POST /api/chat and GET /api/conversations/:id/messages', async () => {
    await fc.assert(
      fc.asyncProperty(hostileJsonBody(), contentType(), hostileText(), async (body, type, token) => {
        await send('POST', '/api/chat', { headers: headersOf(type), body });
        await send('GET', `/api/conversations/${encodeURIComponent(token)}/messages`, { headers: { authorization: `Bearer ${token.replace(/[^\x20-\x7e]/g, '')}` } });
      }),
      fuzzBudget(40),
    );
  }, 120_000);

  it('POST /api/tickets (JSON, NDJSON, anything) and DELETE /api/tickets/:id with the API key', async () => {
    const tickets = fc.oneof(
      fc.array(fc.record({ id: fc.option(hostileText(), { nil: undefined }), question: hostileText(), answer: hostileText(), scope: fc.option(hostileText(), { nil: undefined }), metadata: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }), { maxLength: 5 }).map((rows) => JSON.stringify(rows)),
      fc.array(fc.json({ maxDepth: 2 }), { maxLength: 5 }).map((lines) => lines.join('\n')),
      hostileJsonBody(),
    );
    await fc.assert(
      fc.asyncProperty(tickets, contentType(), hostileText(), async (body, type, id) => {
        await send('POST', '/api/tickets', { headers: headersOf(type, { authorization: `Bearer ${API_KEY}` }), body });
        await send('DELETE', `/api/tickets/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      }),
      // Each accepted batch is encoded into the live index (and may start a refit): fewer, costlier cases.
      fuzzBudget(12),
    );
  }, 180_000);

  it('POST /api/customers and /api/events (engagement) with the API key, and the tracking links', async () => {
    const people = fc.oneof(
      fc.array(fc.record({ email: fc.option(hostileText(), { nil: undefined }), phone: fc.option(hostileText(), { nil: undefined }), name: fc.option(hostileText(), { nil: undefined }), timezone: fc.option(hostileText(), { nil: undefined }), optIn: fc.option(fc.jsonValue({ maxDepth: 1 }), { nil: undefined }), attributes: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }), { maxLength: 5 }).map((rows) => JSON.stringify(rows)),
      fc.array(fc.record({ type: hostileText(), at: hostileText(), email: fc.option(hostileText(), { nil: undefined }), id: fc.option(hostileText(), { nil: undefined }), data: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }), { maxLength: 5 }).map((rows) => JSON.stringify(rows)),
      hostileJsonBody(),
    );
    await fc.assert(
      fc.asyncProperty(people, contentType(), hostileText(), async (body, type, token) => {
        await send('POST', '/api/customers', { headers: headersOf(type, { authorization: `Bearer ${API_KEY}` }), body });
        await send('POST', '/api/events', { headers: headersOf(type, { authorization: `Bearer ${API_KEY}` }), body });
        await send('GET', `/e/c/${encodeURIComponent(token)}/0`);
        await send('GET', `/e/o/${encodeURIComponent(token)}`);
        await send('POST', `/e/u/${encodeURIComponent(token)}`, { headers: headersOf(type), body });
      }),
      fuzzBudget(40),
    );
  }, 180_000);

  it('uploads: multipart bodies with hostile boundaries, names and image bytes', async () => {
    const chat = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'fuzz-uploader', text: 'hello' }) });
    const { conversationId, token } = (await chat.json()) as { conversationId: string; token: string };
    const imageBytes = fc.oneof(
      fc.uint8Array({ maxLength: 2_000 }),
      fc.uint8Array({ maxLength: 2_000 }).map((rest) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...rest])),
      fc.uint8Array({ maxLength: 2_000 }).map((rest) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...rest])),
      fc.uint8Array({ maxLength: 2_000 }).map((rest) => new Uint8Array([...Buffer.from('RIFF\0\0\0\0WEBPVP8 '), ...rest])),
    );
    await fc.assert(
      fc.asyncProperty(imageBytes, hostileText(), fc.constantFrom('image/png', 'image/jpeg', 'text/html', '', 'image/svg+xml'), fc.boolean(), async (bytes, name, type, wellFormed) => {
        // Header values must be Latin-1 for the client to send them at all; the body carries the rest.
        const boundary = wellFormed ? 'fuzzboundary' : name.replace(/[^\x20-\x7e]/g, '').slice(0, 70) || 'b';
        const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/["\r\n]/g, '')}"\r\nContent-Type: ${type}\r\n\r\n`;
        const body = Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(`\r\n--${boundary}--\r\n`)]);
        await send('POST', `/api/conversations/${conversationId}/uploads`, { headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` }, body });
      }),
      fuzzBudget(40),
    );
  }, 120_000);

  it('webhooks: signed Twilio forms, signed Slack events, Bot Framework activities', async () => {
    const form = fc.dictionary(fc.constantFrom('Body', 'From', 'To', 'MessageSid', 'AccountSid', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'MessageStatus', 'ErrorCode', 'WaId', 'ButtonPayload', 'OptOutType'), hostileText(), { maxKeys: 8 });
    await fc.assert(
      fc.asyncProperty(form, hostileJsonBody(), hostileJsonBody(), async (params, slackBody, activity) => {
        for (const path of ['/webhooks/twilio', '/webhooks/twilio/status']) {
          const response = await signedFormPost(`${server.url}${path}`, params, TWILIO.authToken);
          if (response.status >= 500) throw new Error(`${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
        }
        const timestamp = String(Math.floor(Date.now() / 1000));
        await send('POST', '/webhooks/slack/events', {
          headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': computeSlackSignature(SLACK_SECRET, timestamp, slackBody) },
          body: slackBody,
        });
        await send('POST', '/api/messages', { headers: { 'content-type': 'application/json' }, body: activity });
      }),
      fuzzBudget(30),
    );
  }, 180_000);

  it('the dashboard login, its API without a session, and any path or method', async () => {
    const path = fc.array(hostileText(), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.map(encodeURIComponent).join('/')}`);
    await fc.assert(
      fc.asyncProperty(hostileJsonBody(), contentType(), path, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), hostileText(), async (body, type, anyPath, method, query) => {
        await send('POST', '/dashboard/login', { headers: headersOf(type), body });
        await send('GET', `/dashboard/api/conversations?q=${encodeURIComponent(query)}&since=${encodeURIComponent(query)}`, { headers: { cookie: `parley_session=${encodeURIComponent(query)}` } });
        await send(method, `${anyPath}?${encodeURIComponent(query)}`, method === 'GET' || method === 'OPTIONS' ? {} : { headers: headersOf(type), body });
        await send('GET', `/media/tryon/${encodeURIComponent(query)}`);
      }),
      fuzzBudget(30),
    );
  }, 120_000);
});

describe('fuzz: web chat frames', () => {
  it('takes any frame (text, binary, broken JSON, hostile fields) without closing on the server side or crashing', async () => {
    const frame = fc.oneof(
      hostileJsonBody(),
      fc.record({ type: fc.constantFrom('hello', 'message', 'typing', 'csat', 'upload', '__proto__'), text: hostileText(), clientMessageId: hostileText(), conversationId: hostileText(), token: hostileText(), userId: hostileText(), scope: hostileText() }).map((value) => JSON.stringify(value)),
      fc.uint8Array({ maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/chat`);
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        const closedByServer = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
        socket.send(JSON.stringify({ type: 'hello', userId: 'fuzz-socket' }));
        for (const data of frames) socket.send(data);
        // A ping round trip after the frames: the server read them all and is still serving this socket.
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no pong within 10 s after the frames')), REQUEST_TIMEOUT_MS);
          socket.once('pong', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.ping();
        });
        socket.close();
        const code = await closedByServer;
        // 1000 (our close) or 1009 (a frame over the size limit) are fine; an abnormal close (1006) or 1011 is not.
        if (![1000, 1005, 1009].includes(code)) throw new Error(`socket closed with ${code}`);
      }),
      fuzzBudget(25),
    );
  }, 120_000);

  it('leaves the server healthy', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });
});
