import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type Reply } from '../../bot/core/index.js';

interface ChatResponse {
  conversationId: string;
  token: string;
  replies: Reply[];
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface Message {
  id: string;
  role: string;
  text: string;
  createdAt: string;
  channel: string;
}

const API_KEY = 'test-api-key-0123456789abcdef';

/** A minimal HTTP response, like `app.inject`'s. */
interface Response {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
  json<T>(): T;
}

/**
 * Talks to a listening server over real HTTP. (`app.inject` cannot run under Jest's ESM runtime on Node 20:
 * light-my-request requires the ESM-only `cookie@2`.) `node:http` sends paths and bytes exactly as given.
 */
function send(base: string, options: { method: string; path: string; headers?: Record<string, string>; payload?: string | Buffer }): Promise<Response> {
  const payload = typeof options.payload === 'string' ? Buffer.from(options.payload) : options.payload;
  const headers: Record<string, string> = { ...options.headers };
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(options.path, base), { method: options.method, headers, path: options.path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
      });
      res.on('error', reject);
    });
    // The server may answer (e.g. 413) and close before reading a large body; the response still arrives.
    req.on('error', reject);
    req.end(payload);
  });
}

interface Target {
  url: string;
}

const dirs: string[] = [];
const parleys: Parley[] = [];
const servers: RunningServer[] = [];

async function makeServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const home = await mkdtemp(join(tmpdir(), 'parley-rest-'));
  dirs.push(home);
  const parley = await createParley(loadConfig({ PARLEY_HOME: home, ...env }), { logger: silentLogger });
  parleys.push(parley);
  const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return server;
}

afterAll(async () => {
  for (const server of servers) await server.close();
  for (const parley of parleys) await parley.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

let app: Target;
beforeAll(async () => {
  app = await makeServer();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function chat(body: unknown, headers: Record<string, string> = {}, target: Target = app): Promise<Response> {
  return send(target.url, { method: 'POST', path: '/api/chat', headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
}

async function messagesOf(conversationId: string, headers: Record<string, string>, target: Target = app): Promise<Response> {
  return send(target.url, { method: 'GET', path: `/api/conversations/${encodeURIComponent(conversationId)}/messages`, headers });
}

function expectReplyShape(reply: Reply): void {
  expect(typeof reply.text).toBe('string');
  expect(reply.text.length).toBeGreaterThan(0);
  expect(['answer', 'clarify', 'handoff']).toContain(reply.action);
  expect(Array.isArray(reply.sources)).toBe(true);
  for (const source of reply.sources) {
    expect(typeof source.id).toBe('string');
    expect(source.score).toBeGreaterThanOrEqual(0);
    expect(source.score).toBeLessThanOrEqual(1);
    expect(typeof source.title).toBe('string');
    // Customers see id, score, title and link only (CONTRACTS.md), never the past ticket's text or metadata.
    expect(Object.keys(source).every((key) => ['id', 'score', 'title', 'url'].includes(key))).toBe(true);
  }
}

describe('POST /api/chat — happy path', () => {
  let first: ChatResponse;

  it('answers a question from the sample tickets, citing sources', async () => {
    const res = await chat({ userId: 'u-happy', text: 'How long does a refund take?' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    first = res.json<ChatResponse>();
    expect(typeof first.conversationId).toBe('string');
    expect(first.conversationId.length).toBeGreaterThan(0);
    expect(typeof first.token).toBe('string');
    expect(first.replies.length).toBeGreaterThanOrEqual(1);
    first.replies.forEach(expectReplyShape);
    const answer = first.replies.find((r) => r.action === 'answer');
    expect(answer).toBeDefined();
    expect(answer!.sources.length).toBeGreaterThan(0);
    expect(answer!.text.toLowerCase()).toMatch(/refund/);
  });

  it('continues the conversation with its token', async () => {
    const res = await chat({ userId: 'u-happy', text: 'How do I wash my wool sweater?', conversationId: first.conversationId }, bearer(first.token));
    expect(res.statusCode).toBe(200);
    const body = res.json<ChatResponse>();
    expect(body.conversationId).toBe(first.conversationId);
    expect(typeof body.token).toBe('string');
    body.replies.forEach(expectReplyShape);
    const answer = body.replies.find((r) => r.action === 'answer');
    expect(answer).toBeDefined();
    expect(answer!.sources.length).toBeGreaterThan(0);
    expect(answer!.text.toLowerCase()).toMatch(/wool|wash/);
  });

  it('lists the transcript in order with customer and bot roles', async () => {
    const res = await messagesOf(first.conversationId, bearer(first.token));
    expect(res.statusCode).toBe(200);
    const { messages } = res.json<{ messages: Message[] }>();
    expect(messages.length).toBeGreaterThanOrEqual(4);
    for (const m of messages) {
      expect(typeof m.id).toBe('string');
      expect(['customer', 'bot', 'agent', 'system']).toContain(m.role);
      expect(typeof m.text).toBe('string');
      expect(Number.isNaN(Date.parse(m.createdAt))).toBe(false);
      expect(m.channel).toBe('rest');
    }
    expect(messages[0]).toMatchObject({ role: 'customer', text: 'How long does a refund take?' });
    expect(messages[1]!.role).toBe('bot');
    const secondQuestion = messages.findIndex((m) => m.text === 'How do I wash my wool sweater?');
    expect(secondQuestion).toBeGreaterThan(1);
    expect(messages[secondQuestion]!.role).toBe('customer');
    expect(messages[secondQuestion + 1]!.role).toBe('bot');
    const times = messages.map((m) => Date.parse(m.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('hands off to a person when asked for one', async () => {
    const res = await chat({ userId: 'u-handoff', text: 'Can I talk to a person please?' });
    expect(res.statusCode).toBe(200);
    const body = res.json<ChatResponse>();
    body.replies.forEach(expectReplyShape);
    const handoff = body.replies.find((r) => r.action === 'handoff');
    expect(handoff).toBeDefined();
    expect(handoff!.handoff?.reason).toBe('customer_request');
  });
});

describe('POST /api/chat — auth', () => {
  let a: ChatResponse;
  let b: ChatResponse;
  beforeAll(async () => {
    a = (await chat({ userId: 'u-a', text: 'How long does a refund take?' })).json<ChatResponse>();
    b = (await chat({ userId: 'u-b', text: 'What is your return policy?' })).json<ChatResponse>();
  });

  it('refuses to continue a conversation without a token', async () => {
    const res = await chat({ userId: 'u-a', text: 'and for store credit?', conversationId: a.conversationId });
    expect(res.statusCode).toBe(401);
    expect(res.json<ErrorBody>().error.code).toBe('unauthorized');
  });

  it('refuses to read a conversation without a token', async () => {
    const res = await messagesOf(a.conversationId, {});
    expect(res.statusCode).toBe(401);
    expect(res.json<ErrorBody>().error.code).toBe('unauthorized');
  });

  it("refuses another conversation's token for continuing and reading", async () => {
    const cont = await chat({ userId: 'u-b', text: 'hello?', conversationId: a.conversationId }, bearer(b.token));
    expect(cont.statusCode).toBe(401);
    const read = await messagesOf(a.conversationId, bearer(b.token));
    expect(read.statusCode).toBe(401);
    expect(read.json<ErrorBody>().error).toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a forged token', async () => {
    const res = await messagesOf(a.conversationId, bearer(`${a.conversationId}.forged`));
    expect(res.statusCode).toBe(401);
  });

  it('does not let a customer read a foreign conversation it does not know exists', async () => {
    const res = await messagesOf('conv_does_not_exist', bearer(a.token));
    expect(res.statusCode).toBe(401);
  });

  describe('with PARLEY_API_KEY set', () => {
    let keyed: Target;
    beforeAll(async () => {
      keyed = await makeServer({ PARLEY_API_KEY: API_KEY });
    });

    it('refuses to start a conversation without the key', async () => {
      const res = await chat({ userId: 'u-k', text: 'How long does a refund take?' }, {}, keyed);
      expect(res.statusCode).toBe(401);
      expect(res.json<ErrorBody>().error.code).toBe('unauthorized');
      const wrong = await chat({ userId: 'u-k', text: 'How long does a refund take?' }, bearer('not-the-key-000000000000'), keyed);
      expect(wrong.statusCode).toBe(401);
    });

    it('starts a conversation with the key; the key and the token both read it', async () => {
      const res = await chat({ userId: 'u-k', text: 'How long does a refund take?' }, bearer(API_KEY), keyed);
      expect(res.statusCode).toBe(200);
      const body = res.json<ChatResponse>();
      const withKey = await messagesOf(body.conversationId, bearer(API_KEY), keyed);
      expect(withKey.statusCode).toBe(200);
      expect(withKey.json<{ messages: Message[] }>().messages.length).toBeGreaterThanOrEqual(2);
      const withToken = await messagesOf(body.conversationId, bearer(body.token), keyed);
      expect(withToken.statusCode).toBe(200);
      const cont = await chat({ userId: 'u-k', text: 'How do I wash my wool sweater?', conversationId: body.conversationId }, bearer(body.token), keyed);
      expect(cont.statusCode).toBe(200);
      const contKey = await chat({ userId: 'u-k', text: 'And a linen shirt?', conversationId: body.conversationId }, bearer(API_KEY), keyed);
      expect(contKey.statusCode).toBe(200);
    });
  });
});

describe('POST /api/chat — bad input', () => {
  async function expectError(res: Response, status: number, code: string | RegExp, mentions?: RegExp): Promise<void> {
    expect(res.statusCode).toBe(status);
    const body = res.json<ErrorBody>();
    expect(Object.keys(body)).toEqual(['error']);
    expect(typeof body.error.code).toBe('string');
    expect(body.error.code).toMatch(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.error.message.length).toBeGreaterThan(0);
    if (mentions) expect(body.error.message).toMatch(mentions);
    const health = await send(app.url, { method: 'GET', path: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json<{ status: string }>().status).toBe('ok');
  }

  const raw = (payload: string | Buffer, contentType = 'application/json') =>
    send(app.url, { method: 'POST', path: '/api/chat', headers: { 'content-type': contentType }, payload });

  it('malformed JSON → 400 invalid_json', async () => {
    await expectError(await raw('{"userId": "u", "text": '), 400, 'invalid_json', /JSON/);
  });

  it.each([
    ['an array', '[1, 2]'],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('non-object JSON (%s) → 400', async (_name, payload) => {
    await expectError(await raw(payload), 400, 'bad_request');
  });

  it('missing userId → 400 naming userId', async () => {
    await expectError(await chat({ text: 'How long does a refund take?' }), 400, 'bad_request', /userId/);
  });

  it('missing text → 400 naming text', async () => {
    await expectError(await chat({ userId: 'u' }), 400, 'bad_request', /text/);
  });

  it('non-string text → 400 naming text', async () => {
    await expectError(await chat({ userId: 'u', text: 42 }), 400, 'bad_request', /text/);
  });

  it('empty and blank text → 400 naming text', async () => {
    await expectError(await chat({ userId: 'u', text: '' }), 400, 'bad_request', /text/);
    await expectError(await chat({ userId: 'u', text: '   \n ' }), 400, 'bad_request', /text/);
  });

  it('text of exactly 4,000 characters is accepted', async () => {
    const res = await chat({ userId: 'u', text: 'a'.repeat(4000) });
    expect(res.statusCode).toBe(200);
  });

  it('text of 4,001 characters → 413', async () => {
    await expectError(await chat({ userId: 'u', text: 'a'.repeat(4001) }), 413, /too_long|too_large/, /text/);
  });

  it('a 1 MB body → 413', async () => {
    await expectError(await chat({ userId: 'u', text: 'a'.repeat(1024 * 1024) }), 413, /too_large|too_long/);
  });

  it('unknown conversationId without the API key → 401, the same answer as a foreign conversation (no existence oracle)', async () => {
    const existing = (await chat({ userId: 'u', text: 'hello there' })).json<ChatResponse>();
    const other = (await chat({ userId: 'u2', text: 'hello there' })).json<ChatResponse>();
    for (const auth of [{}, bearer(other.token)]) {
      const unknown = await chat({ userId: 'u', text: 'hello there', conversationId: 'conv_nope' }, auth);
      const foreign = await chat({ userId: 'u', text: 'hello there', conversationId: existing.conversationId }, auth);
      expect(unknown.statusCode).toBe(401);
      expect(foreign.statusCode).toBe(401);
      expect(unknown.body).toBe(foreign.body);
    }
    await expectError(await chat({ userId: 'u', text: 'hello there', conversationId: 'conv_nope' }), 401, 'unauthorized');
  });

  it('a missing text is "required"; GET /api/chat is 405 with Allow: POST; an unknown path 404', async () => {
    await expectError(await chat({ userId: 'u' }), 400, 'bad_request', /"text": required/);
    const get = await send(app.url, { method: 'GET', path: '/api/chat' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.json<ErrorBody>().error).toEqual({ code: 'method_not_allowed', message: 'GET /api/chat: use POST' });
    const deleted = await send(app.url, { method: 'DELETE', path: '/api/conversations/conv_x/messages' });
    expect([deleted.statusCode, deleted.headers.allow]).toEqual([405, 'GET']);
    expect((await send(app.url, { method: 'GET', path: '/api/nothing-here' })).statusCode).toBe(404);
    // The icon browsers ask every page for (no 404 in each page's console).
    const icon = await send(app.url, { method: 'GET', path: '/favicon.ico' });
    expect([icon.statusCode, icon.headers['content-type']]).toEqual([200, 'image/svg+xml']);
  });

  it('unknown conversationId with the API key → 404', async () => {
    const keyed = await makeServer({ PARLEY_API_KEY: API_KEY, PARLEY_SAMPLE_DATA: 'false' });
    const res = await chat({ userId: 'u', text: 'hello there', conversationId: 'conv_nope' }, bearer(API_KEY), keyed);
    expect(res.statusCode).toBe(404);
    expect(res.json<ErrorBody>().error).toMatchObject({ code: 'conversation_not_found' });
  });

  it('invalid UTF-8 bytes → 400 invalid_utf8', async () => {
    await expectError(await raw(Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400, 'invalid_utf8', /UTF-8/);
  });

  it('a wrong content type → 415', async () => {
    await expectError(await raw('userId=u&text=hi', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    await expectError(await raw('{"userId":"u","text":"hi"}', 'application/xml'), 415, 'unsupported_media_type');
    await expectError(await raw('{"userId":"u","text":"hi"}', 'text/plain'), 415, 'unsupported_media_type', /text\/plain/);
  });
});

describe('POST /api/chat — idempotency', () => {
  it('answers a repeated messageId with the same replies and stores the message once', async () => {
    const start = (await chat({ userId: 'u-idem', text: 'What is your return policy?' })).json<ChatResponse>();
    const body = { userId: 'u-idem', text: 'How do I wash my wool sweater?', conversationId: start.conversationId, messageId: 'client-msg-1' };
    const once = await chat(body, bearer(start.token));
    const twice = await chat(body, bearer(start.token));
    expect(once.statusCode).toBe(200);
    expect(twice.statusCode).toBe(200);
    expect(twice.json<ChatResponse>().replies).toEqual(once.json<ChatResponse>().replies);
    expect(twice.json<ChatResponse>().conversationId).toBe(start.conversationId);

    const { messages } = (await messagesOf(start.conversationId, bearer(start.token))).json<{ messages: Message[] }>();
    expect(messages.filter((m) => m.role === 'customer' && m.text === body.text)).toHaveLength(1);
    expect(messages.filter((m) => m.role === 'customer')).toHaveLength(2);
    expect(messages.filter((m) => m.role === 'bot')).toHaveLength(2);
  });

  it('scopes messageId to its conversation', async () => {
    const one = (await chat({ userId: 'u-scope', text: 'What is your return policy?' })).json<ChatResponse>();
    const two = (await chat({ userId: 'u-scope', text: 'What is your return policy?' })).json<ChatResponse>();
    for (const c of [one, two]) {
      const res = await chat({ userId: 'u-scope', text: 'How long does a refund take?', conversationId: c.conversationId, messageId: 'same-id' }, bearer(c.token));
      expect(res.statusCode).toBe(200);
      const { messages } = (await messagesOf(c.conversationId, bearer(c.token))).json<{ messages: Message[] }>();
      expect(messages.filter((m) => m.text === 'How long does a refund take?')).toHaveLength(1);
    }
  });
});

describe('conversation tokens over restarts and secret changes', () => {
  it('a conversation keeps working when PARLEY_TOKEN_SECRET is set later (the generated secret becomes a previous one)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-rest-secret-'));
    dirs.push(home);
    const run = async (env: Record<string, string>) => {
      const parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', ...env }), { logger: silentLogger });
      const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
      return { server, close: async () => (await server.close(), await parley.close()) };
    };
    const before = await run({});
    const started = (await chat({ userId: 'u', text: 'hello there' }, {}, before.server)).json<ChatResponse>();
    await before.close();

    const after = await run({ PARLEY_TOKEN_SECRET: 'an-operator-chosen-secret-0123456789abcdef' });
    const continued = await chat({ userId: 'u', text: 'still there?', conversationId: started.conversationId }, bearer(started.token), after.server);
    expect(continued.statusCode).toBe(200);
    // The reply carries a token under the new secret, with a later expiry.
    const renewed = continued.json<ChatResponse>().token;
    expect(renewed).not.toBe(started.token);
    expect((await messagesOf(started.conversationId, bearer(renewed), after.server)).statusCode).toBe(200);
    await after.close();

    // Rotating again: the previous operator secret is listed, so the last token still works.
    const rotated = await run({ PARLEY_TOKEN_SECRET: 'a-second-operator-secret-0123456789abcdef', PARLEY_TOKEN_PREVIOUS_SECRETS: 'an-operator-chosen-secret-0123456789abcdef' });
    expect((await messagesOf(started.conversationId, bearer(renewed), rotated.server)).statusCode).toBe(200);
    await rotated.close();
  });

  it('tokens expire PARLEY_TOKEN_TTL_HOURS after the last reply (expiry checked in bot/core)', async () => {
    const short = await makeServer({ PARLEY_TOKEN_TTL_HOURS: '0.05', PARLEY_SAMPLE_DATA: 'false' });
    const started = (await chat({ userId: 'u', text: 'hello there' }, {}, short)).json<ChatResponse>();
    const expiry = parseInt(started.token.split('.').at(-2) ?? '', 36) * 1000;
    expect(expiry - Date.now()).toBeGreaterThan(170_000);
    expect(expiry - Date.now()).toBeLessThanOrEqual(181_000);
  });
});

describe('files under PARLEY_HOME', () => {
  it('are owner-only (0600 files, 0700 folders), and loose ones left by older versions are tightened at start', async () => {
    const { chmod, stat, readdir, writeFile } = await import('node:fs/promises');
    const home = await mkdtemp(join(tmpdir(), 'parley-rest-perms-'));
    dirs.push(home);
    await chmod(home, 0o755);
    await writeFile(join(home, 'left-by-an-older-version.txt'), 'secret', { mode: 0o644 });
    const parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false' }), { logger: silentLogger });
    parleys.push(parley);
    const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    await chat({ userId: 'u', text: 'hello there' }, {}, server);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const names = await readdir(home);
    expect(names).toEqual(expect.arrayContaining(['parley.db', 'parley.db-wal', 'left-by-an-older-version.txt']));
    for (const name of names) expect([name, (await stat(join(home, name))).mode & 0o077]).toEqual([name, 0]);
  });
});
