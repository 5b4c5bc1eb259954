import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { Logger } from '../core/index.js';
import { createParley, type Parley } from './parley.js';
import { clientAddress, startServer, type RunningServer } from './server.js';
import { SocketTestClient } from '../../channels/webchat/testing/socket-client.js';

/** A web chat client (the shared one). */
const socket = (url: string): Promise<SocketTestClient> => SocketTestClient.open(`${url.replace(/^http/, 'ws')}/ws/chat`);

describe('rate limits (per address; the loopback allow-list turned off so that these tests are limited)', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const logger: Logger = {
    info: (obj, msg) => void lines.push({ level: 'info', obj, ...(msg ? { msg } : {}) }),
    warn: (obj, msg) => void lines.push({ level: 'warn', obj, ...(msg ? { msg } : {}) }),
    error: (obj, msg) => void lines.push({ level: 'error', obj, ...(msg ? { msg } : {}) }),
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-limits-'));
    const config = loadConfig({
      PARLEY_HOME: home,
      PARLEY_SAMPLE_DATA: 'false',
      PARLEY_RATE_LIMIT_ALLOWLIST: 'none',
      PARLEY_RATE_LIMIT_CONVERSATIONS: '3',
      PARLEY_RATE_LIMIT_MESSAGES: '6',
      PARLEY_RATE_LIMIT_UPLOADS: '2',
      PARLEY_RATE_LIMIT_LOGINS: '3',
      PARLEY_RATE_LIMIT_SOCKET_MESSAGES: '4',
    });
    parley = await createParley(config, { logger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 3_600_000 });
  });
  afterAll(async () => {
    await server.close();
    await parley.close();
    await rm(home, { recursive: true, force: true });
  });

  const chat = (body: object, token?: string) =>
    fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

  it('limits frames per web chat connection with an error frame, keeping the socket open', async () => {
    const client = await socket(server.url);
    client.send({ type: 'hello' });
    await client.next((f) => f.type === 'ready');
    for (let i = 0; i < 5; i++) client.send({ type: 'ping-' + i, clientMessageId: `m${i}` });
    const limited = await client.next((f) => f.code === 'rate_limited');
    expect(limited).toMatchObject({ type: 'error', code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it('limits new conversations and messages on POST /api/chat with 429, Retry-After and a coded error', async () => {
    const started: { conversationId: string; token: string }[] = [];
    // The limit is 3 new conversations a minute; the web chat test above started one from this address.
    for (let i = 0; i < 2; i++) {
      const res = await chat({ userId: `u${i}`, text: 'hello there' });
      expect(res.status).toBe(200);
      started.push((await res.json()) as { conversationId: string; token: string });
    }
    const fourth = await chat({ userId: 'u4', text: 'hello there' });
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await fourth.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/new conversations/) } });
    // Messages in the conversations already started go on until the message limit (6; 3 used, the refused one too).
    const { conversationId, token } = started[0]!;
    for (let i = 0; i < 3; i++) expect((await chat({ userId: 'u0', text: `more ${i}`, conversationId }, token)).status).toBe(200);
    const over = await chat({ userId: 'u0', text: 'one too many', conversationId }, token);
    expect(over.status).toBe(429);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(/messages/);
    // The web chat counts under the same address: a hello that would start a conversation is refused with a frame.
    const client = await socket(server.url);
    client.send({ type: 'hello' });
    expect(await client.next((f) => f.type === 'error')).toMatchObject({ code: 'rate_limited', retryAfterSeconds: expect.any(Number) });
    client.close();
  });

  it('limits uploads per address before reading the body', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/api/conversations/conv_unknown/uploads`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.from('x') });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('limits dashboard sign-in attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await fetch(`${server.url}/dashboard/login`);
      const csrf = /parley_login_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] ?? '';
      const res = await fetch(`${server.url}/dashboard/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf), cookie: `parley_login_csrf=${csrf}` },
        body: JSON.stringify({ email: `nobody${i}@example.com`, password: 'not a password' }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('logs a malformed frame in one line without a stack, at most once per 10 s (the finding: a stack trace per frame)', async () => {
    const before = lines.length;
    for (let i = 0; i < 5; i++) {
      // A masked frame with the reserved opcode 0x3: ws refuses it and closes the socket.
      const raw = createConnection(Number(new URL(server.url).port), '127.0.0.1');
      await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
      raw.write('GET /ws/chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      await new Promise((resolve) => raw.once('data', resolve));
      raw.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
      await new Promise((resolve) => raw.once('close', resolve));
    }
    const logged = lines.slice(before).filter((line) => /malformed|socket error/.test(line.msg ?? ''));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', obj: { code: expect.any(String), reason: expect.any(String) } });
    expect(JSON.stringify(logged[0])).not.toMatch(/\n\s+at /);
    expect(logged[0]!.obj.err).toBeUndefined();
  });
});

describe('client address of a WebSocket upgrade', () => {
  const request = (peer: string, forwarded?: string) =>
    ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as Parameters<typeof clientAddress>[0];
  it('is the peer unless a proxy is trusted, then the address the trusted proxies vouch for', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.9'), false)).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', '203.0.113.9, 10.0.0.2'), true)).toBe('203.0.113.9');
    expect(clientAddress(request('127.0.0.1', '198.51.100.1, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientAddress(request('127.0.0.1', '198.51.100.1, 203.0.113.9, 10.0.0.2'), ['127.0.0.1', '10.0.0.2'])).toBe('203.0.113.9');
    // A peer that is not a trusted proxy cannot choose its address with the header.
    expect(clientAddress(request('198.51.100.7', '127.0.0.1'), ['127.0.0.1'])).toBe('198.51.100.7');
  });
});
