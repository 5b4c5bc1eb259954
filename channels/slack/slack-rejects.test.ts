import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketModeReceiver } from '@slack/bolt';
import Fastify from 'fastify';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type ChannelHost } from '../../bot/core/index.js';
import { registerSlackChannel } from './index.js';
import {
  BOT_ID,
  BOT_TOKEN,
  BOT_USER,
  botMessageEvent,
  channelMessageEvent,
  dmEvent,
  envelope,
  messageChangedEvent,
  messageDeletedEvent,
  SIGNING_SECRET,
  signedHeaders,
  TEAM,
  urlVerification,
} from './testing/payloads.js';
import { send, startSlackHarness, waitFor, type HttpResponse, type SlackHarness } from './testing/harness.js';
import { eventErrors, inWebApi, slackSpecsAvailable, SLACK_SPECS_DIR, webApiErrors } from './testing/specs.js';

if (!slackSpecsAvailable) console.warn(`${SLACK_SPECS_DIR} is missing: skipping the checks against Slack's Web API and Events API documents`);

let home: string;
let parley: Parley;
let host: ChannelHost;
let h: SlackHarness;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-slack-rejects-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  host = channelHost(parley);
  h = await startSlackHarness(host);
});

afterAll(async () => {
  await h.close();
  if (slackSpecsAvailable) expect(h.fake.requests.flatMap(webApiErrors)).toEqual([]);
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const EVENTS = '/webhooks/slack/events';
const nowSeconds = () => Math.floor(Date.now() / 1000);
const errorOf = (response: HttpResponse) => response.json<{ error: { code: string; message: string } }>().error;
const nothingFor = async (channel: string) => {
  await h.settle();
  expect(h.fake.posts().filter((p) => p.params.channel === channel)).toEqual([]);
  expect(await parley.store.findConversationRef('slack', `${TEAM}:${channel}`)).toBeUndefined();
};

describe('forged or replayed requests: 401, nothing stored', () => {
  it.each([
    ['a wrong signature', (body: string) => ({ ...signedHeaders(body, JSON_TYPE), 'x-slack-signature': `v0=${'0'.repeat(64)}` }), /does not match/],
    ['another signing secret', (body: string) => signedHeaders(body, JSON_TYPE, { secret: 'not-the-secret' }), /does not match/],
    ['a timestamp 6 minutes old', (body: string) => signedHeaders(body, JSON_TYPE, { nowSeconds: nowSeconds() - 360 }), /5 minutes/],
    ['a timestamp 6 minutes ahead', (body: string) => signedHeaders(body, JSON_TYPE, { nowSeconds: nowSeconds() + 360 }), /5 minutes/],
    ['no signature headers', () => ({ 'content-type': JSON_TYPE }), /missing X-Slack-Signature/],
  ] as [string, (body: string) => Record<string, string>, RegExp][])('%s', async (_name, headers, reason) => {
    const channel = `D0FORGED${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const event = dmEvent('how long do refunds take?', { channel });
    const body = JSON.stringify(event);
    const response = await send(h.url, EVENTS, body, headers(body));
    expect(response.statusCode).toBe(401);
    expect(errorOf(response)).toEqual({ code: 'unauthorized', message: expect.stringMatching(reason) });
    await nothingFor(channel);
    // The inbox never saw it: the genuine delivery of the same event is processed.
    expect((await h.deliverEvent(event)).statusCode).toBe(200);
    await h.settle();
    expect(h.fake.posts().filter((p) => p.params.channel === channel)).toHaveLength(1);
  });

  it('a signature over another body does not carry over', async () => {
    const genuine = JSON.stringify(urlVerification('a'));
    const response = await send(h.url, EVENTS, JSON.stringify(urlVerification('b')), signedHeaders(genuine, JSON_TYPE));
    expect(response.statusCode).toBe(401);
  });
});

describe('malformed requests: 4xx with a reason', () => {
  it.each([
    ['invalid JSON', '{"type": "event_callback", ', JSON_TYPE, 400, 'invalid_json'],
    ['a JSON array', '[]', JSON_TYPE, 400, 'bad_request'],
    ['an event_callback without event', JSON.stringify({ ...dmEvent('x'), event: null }), JSON_TYPE, 400, 'bad_request'],
    ['an empty JSON body', '', JSON_TYPE, 400, 'invalid_json'],
    ['a form without payload', 'foo=bar', FORM_TYPE, 400, 'bad_request'],
    ['a payload that is not JSON', 'payload=%7B%22type%22%3A', FORM_TYPE, 400, 'invalid_json'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), JSON_TYPE, 400, 'invalid_utf8'],
    ['another content type', 'hello', 'text/plain', 415, 'unsupported_media_type'],
  ] as [string, string | Buffer, string, number, string][])('%s', async (_name, body, type, status, code) => {
    const response = await h.deliver(body, type);
    expect(response.statusCode).toBe(status);
    expect(errorOf(response)).toEqual({ code, message: expect.any(String) });
  });

  it('a message event with a field of the wrong type: 400 naming the field, nothing stored', async () => {
    const event = dmEvent('how long do refunds take?', { channel: 'D0MALFORM01' });
    const response = await h.deliver(JSON.stringify({ ...event, event: { ...(event.event as Record<string, unknown>), thread_ts: 1710000000.5 } }), JSON_TYPE);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toEqual({ code: 'bad_request', message: expect.stringContaining('"event.thread_ts"') });
    await nothingFor('D0MALFORM01');
  });

  it('an oversized body is refused with 413, and the server keeps serving', async () => {
    const body = JSON.stringify({ ...dmEvent('x'), padding: 'x'.repeat(600 * 1024) });
    const response = await h.deliver(body, JSON_TYPE);
    expect(response.statusCode).toBe(413);
    expect(errorOf(response).code).toBe('payload_too_large');
    const next = await h.deliver(JSON.stringify(urlVerification('alive')), JSON_TYPE);
    expect(next.json()).toEqual({ challenge: 'alive' });
  });

  it('accepts bodies above the server’s 64 KiB default (interactivity payloads carry whole messages)', async () => {
    const response = await h.deliver(JSON.stringify({ ...urlVerification('big'), padding: 'x'.repeat(100 * 1024) }), JSON_TYPE);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ challenge: 'big' });
  });
});

describe('ignored deliveries are acked and post nothing', () => {
  it.each([
    ['another bot’s message', () => botMessageEvent('beep', { channel: 'D0IGNORED01' }), 'message.im'],
    ['the app’s own message (bot_id)', () => botMessageEvent('mine', { subtype: false, botId: BOT_ID, channel: 'D0IGNORED02' }), 'message.im'],
    ['the app’s own user', () => dmEvent('mine', { user: BOT_USER, channel: 'D0IGNORED03' }), 'message.im'],
    ['an edit', () => messageChangedEvent('edited', 'D0IGNORED04'), 'message.im'],
    ['a deletion', () => messageDeletedEvent(), 'message'],
    ['a top-level channel message', () => channelMessageEvent('how long do refunds take?', { channel: 'C0IGNORED05' }), 'message.channels'],
    ['a reaction', () => envelope({ type: 'reaction_added', user: 'U0CUSTOMER1', reaction: 'tada', item: { type: 'message', channel: 'D0IGNORED06', ts: '1710000000.000001' } }), 'reaction.added'],
  ] as [string, () => Record<string, unknown>, string][])('%s', async (_name, make, topic) => {
    const event = make();
    expect(eventErrors(event, topic)).toEqual([]);
    const before = h.fake.posts().length;
    const response = await h.deliverEvent(event);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    await h.settle();
    expect(h.fake.posts().length).toBe(before);
    const channel = String((event.event as { channel?: string }).channel ?? 'D0IGNORED06');
    expect(await parley.store.findConversationRef('slack', `${TEAM}:${channel}`)).toBeUndefined();
  });
});

describe('Socket Mode', () => {
  it('an app token selects Bolt’s SocketModeReceiver instead of the HTTP route', async () => {
    const fastify = Fastify({ logger: false });
    const channel = await registerSlackChannel(fastify, host, { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, appToken: 'xapp-1-A0PARLEY01-0-test', apiUrl: h.fake.url });
    try {
      expect(channel.mode).toBe('socket');
      expect(channel.receiver).toBeInstanceOf(SocketModeReceiver);
      await fastify.listen({ port: 0, host: '127.0.0.1' });
      const address = fastify.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const body = JSON.stringify(urlVerification('x'));
      expect((await send(url, EVENTS, body, signedHeaders(body, JSON_TYPE))).statusCode).toBe(404);
      // It connects out through the configured Web API (Slack's socket endpoint cannot be reached here; the fake says no).
      const open = await waitFor(() => h.fake.requests.find((r) => r.method === 'apps.connections.open'), 5000, 'apps.connections.open');
      expect(open.token).toBe('xapp-1-A0PARLEY01-0-test');
      // apps.connections.open came with Socket Mode, after the Web API document was published: not checked against it.
      expect(inWebApi('apps.connections.open')).toBe(false);
    } finally {
      await channel.close();
      await fastify.close();
    }
  });
});
