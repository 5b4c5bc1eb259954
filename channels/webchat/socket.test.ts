import { mkdtemp, rm } from 'node:fs/promises';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../../bot/app/parley.js';
import { startServer, type RunningServer } from '../../bot/app/server.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger } from '../../bot/core/index.js';
import { tinyPng } from './test-images.js';
import { buildUiBundles } from '../../scripts/build-ui.js';
import { byType, SocketTestClient as Client, type Frame, type PublicMessage } from './testing/socket-client.js';
import WebSocket from 'ws';


function getPath(base: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    // node:http sends the path as given (no `..` normalisation), as a hostile client would.
    const { hostname, port } = new URL(base);
    httpGet({ hostname, port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    }).on('error', reject);
  });
}

let home: string;
let parley: Parley;
let server: RunningServer;
let wsUrl: string;
const clients: Client[] = [];

async function connect(): Promise<Client> {
  const client = await Client.open(wsUrl);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-webchat-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  wsUrl = `${server.url.replace(/^http/, 'ws')}/ws/chat`;
});

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await server?.close();
  await parley?.close();
  await rm(home, { recursive: true, force: true });
});

function expectAnswer(frame: Frame, clientMessageId: string): void {
  expect(frame.type).toBe('reply');
  expect(frame.clientMessageId).toBe(clientMessageId);
  expect(typeof frame.messageId).toBe('string');
  expect(frame.reply?.action).toBe('answer');
  expect(frame.reply!.text.length).toBeGreaterThan(0);
  expect(frame.reply!.sources.length).toBeGreaterThan(0);
  for (const source of frame.reply!.sources) {
    expect(typeof source.id).toBe('string');
    expect(source.score).toBeGreaterThanOrEqual(0);
    expect(source.score).toBeLessThanOrEqual(1);
    expect(typeof source.title).toBe('string');
    expect(Object.keys(source).every((key) => ['id', 'score', 'title', 'url'].includes(key))).toBe(true);
  }
}

describe('web chat socket — conversation', () => {
  let saved: { conversationId: string; token: string; userId: string };

  it('answers hello with ready: conversationId, token, userId and an empty history', async () => {
    const client = await connect();
    const ready = await client.hello({ userId: 'visitor-1' });
    expect(ready.type).toBe('ready');
    expect(typeof ready.conversationId).toBe('string');
    expect(typeof ready.token).toBe('string');
    expect(ready.userId).toBe('visitor-1');
    expect(ready.messages).toEqual([]);
    saved = { conversationId: ready.conversationId!, token: ready.token!, userId: ready.userId! };

    const frames = await client.ask('m-1', 'How long does a refund take?');
    expect(frames.map((f) => f.type)).toEqual(['ack', 'typing', 'reply', 'typing']);
    expect(frames[0]).toMatchObject({ type: 'ack', clientMessageId: 'm-1' });
    expect(frames[1]).toMatchObject({ type: 'typing', on: true });
    expectAnswer(frames[2]!, 'm-1');
    expect(frames[2]!.reply!.text.toLowerCase()).toMatch(/refund/);
    expect(frames[3]).toMatchObject({ type: 'typing', on: false });
    client.close();
    await client.closed;
  });

  it('gives a new visitor id when hello has none', async () => {
    const client = await connect();
    const ready = await client.hello();
    expect(ready.type).toBe('ready');
    expect(typeof ready.userId).toBe('string');
    expect(ready.userId!.length).toBeGreaterThan(0);
    client.close();
  });

  it('resumes with the saved conversationId and token, history included', async () => {
    const client = await connect();
    const ready = await client.hello(saved);
    expect(ready.type).toBe('ready');
    expect(ready.conversationId).toBe(saved.conversationId);
    expect(ready.userId).toBe(saved.userId);
    const messages = ready.messages!;
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot']);
    expect(messages[0]).toMatchObject({ role: 'customer', text: 'How long does a refund take?', channel: 'webchat' });
    for (const m of messages) {
      expect(typeof m.id).toBe('string');
      expect(Number.isNaN(Date.parse(m.createdAt))).toBe(false);
    }

    const frames = await client.ask('m-2', 'How do I wash my wool sweater?');
    expectAnswer(frames.find(byType('reply'))!, 'm-2');
    client.close();
  });

  it('the web chat token also reads the transcript over REST', async () => {
    const res = await fetch(`${server.url}/api/conversations/${saved.conversationId}/messages`, { headers: { authorization: `Bearer ${saved.token}` } });
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: PublicMessage[] };
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot', 'customer', 'bot']);
  });

  it('starts a new conversation when hello carries a forged token', async () => {
    const client = await connect();
    const ready = await client.hello({ conversationId: saved.conversationId, token: `${saved.conversationId}.forged`, userId: 'mallory' });
    expect(ready.type).toBe('ready');
    expect(ready.conversationId).not.toBe(saved.conversationId);
    expect(ready.messages).toEqual([]);
    expect(ready.userId).toBe('mallory');
    const otherToken = await client.hello({ conversationId: saved.conversationId, token: ready.token });
    expect(otherToken.conversationId).not.toBe(saved.conversationId);
    expect(otherToken.messages).toEqual([]);
    client.close();
  });

  it('delivers a repeated clientMessageId once and answers it with the same reply', async () => {
    const client = await connect();
    const ready = await client.hello({ userId: 'visitor-dup' });
    const first = await client.ask('dup-1', 'What is your return policy?');
    const firstReply = first.find(byType('reply'))!;
    expectAnswer(firstReply, 'dup-1');

    client.send({ type: 'message', clientMessageId: 'dup-1', text: 'What is your return policy?' });
    const again = await client.next(byType('reply'));
    expect(again.clientMessageId).toBe('dup-1');
    expect(again.reply).toEqual(firstReply.reply);
    expect(again.messageId).toBe(firstReply.messageId);

    const checker = await connect();
    const resumed = await checker.hello({ conversationId: ready.conversationId, token: ready.token });
    const customer = resumed.messages!.filter((m) => m.role === 'customer');
    expect(customer).toHaveLength(1);
    expect(resumed.messages!.filter((m) => m.role === 'bot')).toHaveLength(1);
    client.close();
    checker.close();
  });
});

describe('web chat socket — bad frames', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connect();
  });

  async function expectError(code: string, mentions?: RegExp): Promise<Frame> {
    const frame = await client.next();
    expect(frame.type).toBe('error');
    expect(frame.code).toBe(code);
    expect(typeof frame.message).toBe('string');
    if (mentions) expect(frame.message).toMatch(mentions);
    return frame;
  }

  it('rejects a message before hello', async () => {
    client.send({ type: 'message', clientMessageId: 'early', text: 'How long does a refund take?' });
    const frame = await expectError('bad_request', /hello/);
    expect(frame.clientMessageId).toBe('early');
    expect((await client.hello({ userId: 'visitor-bad' })).type).toBe('ready');
  });

  it('rejects invalid JSON', async () => {
    client.ws.send('{"type": "message", ');
    await expectError('invalid_json');
  });

  it('rejects a binary frame', async () => {
    client.ws.send(Buffer.from('{"type":"hello"}'), { binary: true });
    await expectError('bad_request', /binary/);
  });

  it('rejects a text frame that is not valid UTF-8', async () => {
    client.ws.send(Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    await expectError('invalid_utf8');
  });

  it('rejects JSON that is not an object with a type', async () => {
    client.ws.send('[1,2,3]');
    await expectError('bad_request', /type/);
    client.send({ text: 'no type' });
    await expectError('bad_request', /type/);
  });

  it('rejects an unknown frame type', async () => {
    client.send({ type: 'dance' });
    await expectError('bad_request', /dance/);
  });

  it('rejects frame fields of the wrong type, naming the field, and keeps the socket open', async () => {
    client.send({ type: 'hello', conversationId: 42 });
    await expectError('bad_request', /^invalid hello frame: "conversationId": /);
    client.send({ type: 'hello', userId: 'u'.repeat(201) });
    await expectError('bad_request', /"userId": must be at most 200 characters/);
    client.send({ type: 'message', clientMessageId: 'typed', text: 5 });
    expect(await expectError('bad_request', /^invalid message frame: "text": /)).toMatchObject({ clientMessageId: 'typed' });
    client.send({ type: 'message', clientMessageId: 'x'.repeat(201), text: 'hi' });
    expect(await expectError('bad_request', /"clientMessageId": must be a string of 1–200 characters/)).not.toHaveProperty('clientMessageId');
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('rejects a message without clientMessageId', async () => {
    client.send({ type: 'message', text: 'How long does a refund take?' });
    await expectError('bad_request', /clientMessageId/);
  });

  it('rejects empty text', async () => {
    client.send({ type: 'message', clientMessageId: 'empty', text: '  ' });
    const frame = await expectError('bad_request', /text/);
    expect(frame.clientMessageId).toBe('empty');
  });

  it('rejects text of 4,001 characters', async () => {
    client.send({ type: 'message', clientMessageId: 'long', text: 'a'.repeat(4001) });
    const frame = await expectError('text_too_long', /4000|4,000/);
    expect(frame.clientMessageId).toBe('long');
  });

  it('keeps the socket usable after all that', async () => {
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    const frames = await client.ask('after-errors', 'How do I wash my wool sweater?');
    expectAnswer(frames.find(byType('reply'))!, 'after-errors');
  });

  it('closes a socket sending a frame over 64 KiB with 1009, and keeps serving others', async () => {
    const big = await connect();
    expect((await big.hello()).type).toBe('ready');
    big.send({ type: 'message', clientMessageId: 'big', text: 'a'.repeat(65 * 1024) });
    const { code } = await big.closed;
    expect(code).toBe(1009);

    const other = await connect();
    expect((await other.hello()).type).toBe('ready');
    const frames = await other.ask('after-big', 'How long does a refund take?');
    expectAnswer(frames.find(byType('reply'))!, 'after-big');
    // The existing socket is unaffected too.
    const again = await client.ask('after-big-2', 'What is your return policy?');
    expectAnswer(again.find(byType('reply'))!, 'after-big-2');
    other.close();
  });
});

describe('web chat static files', () => {
  beforeAll(() => buildUiBundles({ only: ['widget'] }));

  it('serves the demo page at /', async () => {
    const res = await getPath(server.url, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });

  it('serves the widget script', async () => {
    const res = await getPath(server.url, '/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.body).toMatch(/\/ws\/chat/);
  });

  it('serves the widget stylesheet, to any embedding origin', async () => {
    const res = await getPath(server.url, '/widget.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body).toMatch(/\.parley-root\{/);
    expect(res.body).toMatch(/\.parley-attach\{/);
  });

  it('serves the sample size chart', async () => {
    const res = await getPath(server.url, '/assets/size-chart.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.body).toMatch(/<svg/);
  });

  it.each(['/assets/../package.json', '/assets/..%2Fpackage.json', '/assets/%2E%2E%2Fpackage.json', '/assets/nope.svg', '/assets/README.md', '/assets/path.ts'])(
    '%s → 404',
    async (path) => {
      const res = await getPath(server.url, path);
      expect(res.status).toBe(404);
      expect(res.body).not.toMatch(/"name":\s*"parley"/);
      expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('not_found');
    },
  );

  it('refuses a WebSocket upgrade on another path', async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/other`);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('error'));
    });
    expect(outcome).toBe('error');
    ws.terminate();
  });
});

/** Uploads a small PNG to the conversation over HTTP, as the widget does; returns its id and URL. */
async function uploadPng(conversationId: string, token: string): Promise<{ id: string; url: string }> {
  const res = await fetch(`${server.url}/api/conversations/${conversationId}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
    body: new Uint8Array(tinyPng()),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; url: string };
}

describe('web chat socket — uploads', () => {
  let client: Client;
  let ready: Frame;
  beforeAll(async () => {
    client = await connect();
    ready = await client.hello({ userId: 'visitor-photo' });
  });

  it('runs a turn for a message with only a photo: clarify reply, attachment on the transcript and in history', async () => {
    const { id, url } = await uploadPng(ready.conversationId!, ready.token!);
    client.send({ type: 'message', clientMessageId: 'photo-1', text: '', uploads: [id] });
    const frames = await client.until((f) => (f.type === 'typing' && f.on === false) || f.type === 'error');
    expect(frames[0]).toMatchObject({ type: 'ack', clientMessageId: 'photo-1' });
    const reply = frames.find(byType('reply'))!;
    expect(reply.clientMessageId).toBe('photo-1');
    expect(reply.reply).toMatchObject({ action: 'clarify', text: expect.stringMatching(/added your photo to this conversation/) });

    const messages = await parley.store.listMessages(ready.conversationId!);
    expect(messages[0]?.activity).toMatchObject({ text: '', attachments: [{ contentType: 'image/png', name: `${id}.png`, url }] });

    const other = await connect();
    const resumed = await other.hello({ conversationId: ready.conversationId, token: ready.token });
    expect(resumed.messages![0]).toMatchObject({ role: 'customer', clientMessageId: 'photo-1', attachments: [{ contentType: 'image/png', url }] });
    other.close();
  });

  it('answers the text of a message that also carries a photo', async () => {
    const { id } = await uploadPng(ready.conversationId!, ready.token!);
    const first = { type: 'message', clientMessageId: 'photo-2', text: 'How long does a refund take?', uploads: [id] };
    client.send(first);
    const frames = await client.until((f) => (f.type === 'typing' && f.on === false) || f.type === 'error');
    expectAnswer(frames.find(byType('reply'))!, 'photo-2');
  });

  async function expectRefused(uploads: unknown, mentions: RegExp, text: unknown = ''): Promise<void> {
    client.send({ type: 'message', clientMessageId: 'bad-upload', text, uploads });
    const frame = await client.next((f) => f.type === 'error' || f.type === 'reply');
    expect(frame).toMatchObject({ type: 'error', code: 'bad_request', clientMessageId: 'bad-upload' });
    expect(frame.message).toMatch(mentions);
  }

  it('refuses an upload id that does not exist, naming it', async () => {
    await expectRefused(['upl_doesnotexist'], /upl_doesnotexist/);
    await expectRefused(['../../parley.db'], /parley\.db/);
  });

  it("refuses another conversation's upload", async () => {
    const stranger = await connect();
    const theirs = await stranger.hello({ userId: 'stranger' });
    const { id } = await uploadPng(theirs.conversationId!, theirs.token!);
    await expectRefused([id], new RegExp(id));
    stranger.close();
  });

  it('refuses more than four uploads and uploads that are not a list of ids', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await uploadPng(ready.conversationId!, ready.token!)).id);
    await expectRefused(ids, /at most 4/);
    await expectRefused('upl_1', /array/);
    await expectRefused([42], /array/);
    // Without uploads, text stays required.
    await expectRefused([], /text/);
    // Text with uploads still has the usual limit.
    client.send({ type: 'message', clientMessageId: 'long-photo', text: 'a'.repeat(4001), uploads: ids.slice(0, 1) });
    expect(await client.next(byType('error'))).toMatchObject({ code: 'text_too_long', clientMessageId: 'long-photo' });
  });

  it('accepts four uploads in one message', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await uploadPng(ready.conversationId!, ready.token!)).id);
    client.send({ type: 'message', clientMessageId: 'four', uploads: ids });
    const reply = await client.next((f) => f.type === 'reply' || f.type === 'error');
    expect(reply).toMatchObject({ type: 'reply', clientMessageId: 'four', reply: { action: 'clarify', text: expect.stringMatching(/your photos/) } });
    const messages = await parley.store.listMessages(ready.conversationId!);
    expect(messages.find((m) => m.activity.channelMessageId?.endsWith(':four'))?.activity.attachments).toHaveLength(4);
  });
});
