import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { ConversationTokens, silentLogger, type ChannelHost, type Store } from '../../bot/core/index.js';
import { tinyPng } from './test-images.js';
import { MAX_UPLOAD_BYTES, registerWebchatUploads, sniffImageType } from './uploads.js';
import { waitFor } from '../../bot/core/testing/wait.js';

const API_KEY = 'uploads-test-key-0123456789';

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T>(): T;
}
interface UploadBody {
  id: string;
  url: string;
  contentType: string;
  bytes: number;
}
interface ErrorBody {
  error: { code: string; message: string };
}

/** Real HTTP (`app.inject` does not run under this Jest setup); paths and bytes go out exactly as given. */
function send(base: string, options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer }): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body) headers['content-length'] = String(options.body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(base), { method: options.method, headers, path: options.path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body.toString('utf8')) as T });
      });
      res.on('error', reject);
    });
    // The server may answer (413, 401) and close before reading a large body; the response still arrives.
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jpegBytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60, 1)]);
const gifBytes = Buffer.concat([Buffer.from('GIF89a', 'ascii'), Buffer.alloc(30, 0)]);
const webpBytes = Buffer.concat([Buffer.from('RIFF', 'ascii'), Buffer.from([36, 0, 0, 0]), Buffer.from('WEBPVP8 ', 'ascii'), Buffer.alloc(24, 0)]);

function expectError(res: Response, status: number, code: string | RegExp): void {
  expect(res.status).toBe(status);
  const { error } = res.json<ErrorBody>();
  expect(error.code).toMatch(code);
  expect(typeof error.message).toBe('string');
}

describe('sniffImageType', () => {
  it('recognises PNG, JPEG, GIF and WebP by their magic bytes only', () => {
    expect(sniffImageType(tinyPng())).toBe('image/png');
    expect(sniffImageType(jpegBytes)).toBe('image/jpeg');
    expect(sniffImageType(gifBytes)).toBe('image/gif');
    expect(sniffImageType(webpBytes)).toBe('image/webp');
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(sniffImageType(new Uint8Array([0x89, 0x50]))).toBeUndefined();
  });
});

describe('web chat uploads over HTTP', () => {
  let home: string;
  let parley: Parley;
  let server: RunningServer;
  let conversation: { id: string; token: string };
  let other: { id: string; token: string };
  const uploadsDir = () => join(home, 'uploads');

  const upload = (conversationId: string, body: Buffer, contentType: string, headers: Record<string, string>) =>
    send(server.url, { method: 'POST', path: `/api/conversations/${conversationId}/uploads`, headers: { 'content-type': contentType, ...headers }, body });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-uploads-'));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_API_KEY: API_KEY, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    const start = async () => {
      const record = await parley.store.createConversation({ userId: 'visitor', channel: 'webchat' });
      return { id: record.id, token: parley.tokens.sign(record.id) };
    };
    conversation = await start();
    other = await start();
  });
  afterAll(async () => {
    await server?.close();
    await parley?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('stores a PNG under <home>/uploads/<conversation>/<id>.png and serves it back with the same token', async () => {
    const png = tinyPng();
    const res = await upload(conversation.id, png, 'image/png', bearer(conversation.token));
    expect(res.status).toBe(201);
    const body = res.json<UploadBody>();
    expect(body).toEqual({ id: expect.stringMatching(/^upl_\w+$/), url: `/api/conversations/${conversation.id}/uploads/${body.id}`, contentType: 'image/png', bytes: png.length });
    expect(await readdir(join(uploadsDir(), conversation.id))).toEqual([`${body.id}.png`]);

    const got = await send(server.url, { method: 'GET', path: body.url, headers: bearer(conversation.token) });
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['cache-control']).toMatch(/no-store/);
    expect(got.body.equals(png)).toBe(true);
    // The API key reads it too.
    expect((await send(server.url, { method: 'GET', path: body.url, headers: bearer(API_KEY) })).status).toBe(200);
  });

  it.each([
    ['image/jpeg', jpegBytes, 'jpg'],
    ['image/gif', gifBytes, 'gif'],
    ['image/webp', webpBytes, 'webp'],
  ])('accepts %s', async (type, bytes, ext) => {
    const res = await upload(conversation.id, bytes, `${type}; charset=binary`, bearer(conversation.token));
    expect(res.status).toBe(201);
    const { id, contentType } = res.json<UploadBody>();
    expect(contentType).toBe(type);
    expect(existsSync(join(uploadsDir(), conversation.id, `${id}.${ext}`))).toBe(true);
  });

  it('lets the widget call from any origin (CORS preflight, and on answers and errors alike)', async () => {
    const path = `/api/conversations/${conversation.id}/uploads`;
    const preflight = await send(server.url, {
      method: 'OPTIONS',
      path,
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/authorization/);
    const origin = { origin: 'https://shop.example.com' };
    const ok = await upload(conversation.id, tinyPng(), 'image/png', { ...origin, ...bearer(conversation.token) });
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    for (const res of [
      await upload(conversation.id, tinyPng(), 'image/png', origin),
      await upload(conversation.id, jpegBytes, 'image/png', { ...origin, ...bearer(conversation.token) }),
      await upload(conversation.id, Buffer.alloc(MAX_UPLOAD_BYTES + 1), 'image/png', { ...origin, ...bearer(conversation.token) }),
    ]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers['access-control-allow-origin']).toBe('*');
    }
  });

  it('needs the conversation token or the API key (401), and a token of another conversation does not do', async () => {
    const png = tinyPng();
    expectError(await upload(conversation.id, png, 'image/png', {}), 401, 'unauthorized');
    expectError(await upload(conversation.id, png, 'image/png', bearer(other.token)), 401, 'unauthorized');
    expectError(await upload(conversation.id, png, 'image/png', bearer(`${conversation.id}.forged`)), 401, 'unauthorized');
    expectError(await upload(conversation.id, png, 'image/png', { authorization: conversation.token }), 401, 'unauthorized');
    expect((await upload(conversation.id, png, 'image/png', bearer(API_KEY))).status).toBe(201);

    const { url } = (await upload(conversation.id, png, 'image/png', bearer(conversation.token))).json<UploadBody>();
    expectError(await send(server.url, { method: 'GET', path: url, headers: {} }), 401, 'unauthorized');
    expectError(await send(server.url, { method: 'GET', path: url, headers: bearer(other.token) }), 401, 'unauthorized');
    // The other conversation's own token does not reach this upload under its own id either.
    const id = url.split('/').pop()!;
    expectError(await send(server.url, { method: 'GET', path: `/api/conversations/${other.id}/uploads/${id}`, headers: bearer(other.token) }), 404, 'not_found');
  });

  it('answers 404 for an unknown conversation or upload', async () => {
    expectError(await upload('conv_nope', tinyPng(), 'image/png', bearer(API_KEY)), 404, 'conversation_not_found');
    expectError(await send(server.url, { method: 'GET', path: `/api/conversations/${conversation.id}/uploads/upl_missing`, headers: bearer(conversation.token) }), 404, 'not_found');
  });

  it.each([
    ['a PNG declared as JPEG', tinyPng(), 'image/jpeg'],
    ['a JPEG declared as PNG', jpegBytes, 'image/png'],
    ['text declared as PNG', Buffer.from('definitely not an image'), 'image/png'],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
    ['a PNG sent as application/octet-stream', tinyPng(), 'application/octet-stream'],
    ['a PNG sent as text/plain', tinyPng(), 'text/plain'],
    ['JSON', Buffer.from('{"image": "x"}'), 'application/json'],
  ])('refuses %s with 415 and stores nothing', async (_name, bytes, type) => {
    const before = await readdir(join(uploadsDir(), conversation.id)).catch(() => []);
    expectError(await upload(conversation.id, bytes, type, bearer(conversation.token)), 415, 'unsupported_media_type');
    expect(await readdir(join(uploadsDir(), conversation.id)).catch(() => [])).toEqual(before);
  });

  it('refuses an empty body', async () => {
    expectError(await upload(conversation.id, Buffer.alloc(0), 'image/png', bearer(conversation.token)), 400, 'bad_request');
  });

  it('accepts exactly 5 MB and refuses one byte more with 413', async () => {
    const png = tinyPng();
    const atLimit = Buffer.concat([png, Buffer.alloc(MAX_UPLOAD_BYTES - png.length)]);
    expect((await upload(conversation.id, atLimit, 'image/png', bearer(conversation.token))).status).toBe(201);
    const over = Buffer.concat([atLimit, Buffer.from([0])]);
    expectError(await upload(conversation.id, over, 'image/png', bearer(conversation.token)), 413, 'payload_too_large');
  });

  it('leaves the JSON API and its 64 KiB body limit as they were', async () => {
    const chat = (text: string) =>
      send(server.url, { method: 'POST', path: '/api/chat', headers: { 'content-type': 'application/json', ...bearer(API_KEY) }, body: Buffer.from(JSON.stringify({ userId: 'u', text })) });
    expect((await chat('hello')).status).toBe(200);
    expectError(await chat('a'.repeat(100 * 1024)), 413, /too_large|too_long/);
  });

  it.each([
    (_c: string) => `/api/conversations/..%2F..%2F..%2Fetc/uploads/passwd`,
    (c: string) => `/api/conversations/${c}/uploads/..%2F..%2F..%2Fpackage`,
    (c: string) => `/api/conversations/${c}/uploads/%2E%2E%2F%2E%2E%2Fparley.db`,
    (c: string) => `/api/conversations/${c}/uploads/..`,
    (c: string) => `/api/conversations/${c}/uploads/x.png`,
    (c: string) => `/api/conversations/${c}%2F..%2F..%2F/uploads/parley`,
  ])('cannot read outside the uploads folder (%#)', async (path) => {
    // Files a traversal would aim at: the store next to the uploads folder, and a file planted beside the conversation.
    await mkdir(join(uploadsDir(), 'x'), { recursive: true });
    await writeFile(join(uploadsDir(), 'parley.png'), tinyPng());
    for (const auth of [bearer(API_KEY), bearer(conversation.token)]) {
      const res = await send(server.url, { method: 'GET', path: path(conversation.id), headers: auth });
      expect([401, 404]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/json/);
    }
  });

  it('cannot write outside the uploads folder', async () => {
    const res = await upload('..%2F..%2Fescape', tinyPng(), 'image/png', bearer(API_KEY));
    expect(res.status).toBe(404);
    expect(existsSync(join(home, 'escape'))).toBe(false);
    expect(existsSync(join(home, '..', 'escape'))).toBe(false);
  });
});

describe('upload retention', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-upload-sweep-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function plant(conversationId: string, name: string, ageHours: number): Promise<string> {
    await mkdir(join(dir, conversationId), { recursive: true });
    const path = join(dir, conversationId, name);
    await writeFile(path, tinyPng());
    const when = new Date(Date.now() - ageHours * 3600_000);
    await utimes(path, when, when);
    return path;
  }

  // The sweeper touches only the file system; the store is never asked.
  const host: Pick<ChannelHost, 'store' | 'tokens' | 'apiKey' | 'logger'> = {
    store: {} as Store,
    tokens: new ConversationTokens('t'.repeat(32)),
    apiKey: undefined,
    logger: silentLogger,
  };

  it('deletes files older than the retention on start and then on every sweep, keeping newer ones', async () => {
    const old = await plant('conv_a', 'upl_old.png', 25);
    const fresh = await plant('conv_a', 'upl_fresh.png', 1);
    const app = Fastify();
    try {
      const timers = jest.spyOn(globalThis, 'setInterval');
      const uploads = registerWebchatUploads(app, host, { uploadsDir: dir, sweepIntervalMs: 50 });
      const sweeper = timers.mock.results.find((_r, i) => timers.mock.calls[i]![1] === 50)?.value;
      timers.mockRestore();
      expect(sweeper).toBeDefined();
      await waitFor(() => !existsSync(old));
      expect(existsSync(fresh)).toBe(true);

      // A file that is past the retention while the server runs goes on a later sweep.
      const later = await plant('conv_b', 'upl_later.gif', 30);
      await waitFor(() => !existsSync(later));
      expect(existsSync(fresh)).toBe(true);
      // Closed, the sweeper's timer is gone: no sweep comes any more.
      const cleared = jest.spyOn(globalThis, 'clearInterval');
      uploads.close();
      expect(cleared).toHaveBeenCalledWith(sweeper);
      cleared.mockRestore();

      const afterClose = await plant('conv_c', 'upl_after.png', 30);
      expect(existsSync(afterClose)).toBe(true);
      expect(await uploads.sweep()).toBe(1);
      expect(existsSync(afterClose)).toBe(false);
      // Folders left empty are removed once they are old too.
      const when = new Date(Date.now() - 30 * 3600_000);
      for (const folder of ['conv_b', 'conv_c']) await utimes(join(dir, folder), when, when);
      await uploads.sweep();
      expect((await readdir(dir)).sort()).toEqual(['conv_a']);
    } finally {
      await app.close();
    }
  });

  it('honours retentionHours', async () => {
    const three = await plant('conv_a', 'upl_3h.png', 3);
    const one = await plant('conv_a', 'upl_1h.png', 1);
    const app = Fastify();
    try {
      const uploads = registerWebchatUploads(app, host, { uploadsDir: dir, retentionHours: 2 });
      await waitFor(() => !existsSync(three));
      expect(existsSync(one)).toBe(true);
      uploads.close();
    } finally {
      await app.close();
    }
  });
});
