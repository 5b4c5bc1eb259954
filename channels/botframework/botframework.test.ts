import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type Activity, type ChannelHost } from '../../bot/core/index.js';
import { connectorSchemas } from './connector-schema.js';
import { registerBotFrameworkChannel, type BotFrameworkChannel } from './index.js';
import { startFakeBotFrameworkService, type FakeBotFrameworkService, type FakeConnectorRequest } from './testing/index.js';

// ---- Wire documents: what the adapter sends, what the fake answers and what the tests post must fit the published shapes.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
ajv.addSchema(connectorSchemas);
const schemaErrors = (name: string, data: unknown): string[] => {
  const check = ajv.getSchema(`botframework#/definitions/${name}`)!;
  return check(data) ? [] : [`${name}: ${ajv.errorsText(check.errors)}`];
};
function expectWireShapes(requests: FakeConnectorRequest[]): void {
  for (const r of requests) {
    expect(schemaErrors('Activity', r.body)).toEqual([]);
    expect(schemaErrors(r.status === 200 ? 'ResourceResponse' : 'ErrorResponse', r.response)).toEqual([]);
  }
}

// ---- A Parley with the channel mounted on a real Fastify server, and the fake Bot Framework service.
interface Running {
  url: string;
  parley: Parley;
  channel: BotFrameworkChannel;
  close(): Promise<void>;
}
const cleanups: (() => Promise<void>)[] = [];
async function startParley(home: string, options: Parameters<typeof registerBotFrameworkChannel>[2] = {}): Promise<Running> {
  const parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  const host: ChannelHost = channelHost(parley);
  const app: FastifyInstance = Fastify({ logger: false });
  const channel = await registerBotFrameworkChannel(app, host, { emulator: true, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const running = {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    parley,
    channel,
    close: async () => {
      await channel.close();
      await app.close();
      await parley.close();
    },
  };
  cleanups.push(running.close);
  return running;
}

let fake: FakeBotFrameworkService;
let home: string;
let bot: Running;
beforeAll(async () => {
  fake = await startFakeBotFrameworkService();
  home = await mkdtemp(join(tmpdir(), 'parley-bf-'));
  bot = await startParley(home, { publicUrl: 'https://bot.example.com' });
});
afterAll(async () => {
  for (const close of cleanups.reverse()) await close().catch(() => undefined);
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

const post = (body: string | ArrayBuffer | object, headers: Record<string, string> = {}, target = bot) =>
  fetch(`${target.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof ArrayBuffer ? body : JSON.stringify(body),
  });

/** A Direct Line `message` activity as the channel posts it. */
function directLineMessage(text: string, conversationId = `dl-${randomUUID()}`, id = `${conversationId}|0000001`): Record<string, unknown> {
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    serviceUrl: fake.serviceUrl,
    channelId: 'directline',
    from: { id: 'dl_ada', name: 'Ada' },
    conversation: { id: conversationId },
    recipient: { id: 'parley-bot@x7QpvD', name: 'Parley' },
    textFormat: 'plain',
    locale: 'en-US',
    text,
  };
}
/** The fields of a sent activity the tests look at. */
interface SentActivity {
  text?: string;
  replyToId?: string;
  conversation: { id: string };
  from?: { id: string };
  recipient?: { id: string };
  suggestedActions?: unknown;
  attachments?: unknown;
}
const repliesTo = (conversationId: string) => (r: FakeConnectorRequest) => r.conversationId === conversationId && (r.body as { type?: string }).type === 'message';
const isStored = async (conversationId: string) => Boolean(await bot.parley.store.findConversationRef('botframework', conversationId));

describe('Bot Framework channel — messages', () => {
  it('answers a Direct Line message with exactly one reply to its serviceUrl', async () => {
    const activity = directLineMessage('how long do refunds take?');
    expect(schemaErrors('Activity', activity)).toEqual([]);
    const conversationId = (activity.conversation as { id: string }).id;
    const res = await post(activity);
    expect(res.status).toBe(200);
    const [reply] = await fake.waitForRequests(1, repliesTo(conversationId));
    await bot.channel.close();
    const all = fake.requests.filter((r) => r.conversationId === conversationId);
    expect(all.filter(repliesTo(conversationId))).toHaveLength(1);
    expect(reply!.method).toBe('POST');
    expect(reply!.path).toBe(`/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activity.id as string)}`);
    expect(reply!.activityId).toBe(activity.id);
    const body = reply!.body as SentActivity;
    expect(body.text).toMatch(/refund/i);
    expect(body.text).toMatch(/Sources?: \[1\] Returns/);
    expect(body.replyToId).toBe(activity.id);
    expect(body.conversation.id).toBe(conversationId);
    expect(body.recipient).toMatchObject({ id: 'dl_ada' });
    expect(body.from).toMatchObject({ id: 'parley-bot@x7QpvD' });
    // The typing indicator went out while answering, before the answer.
    const typing = all.findIndex((r) => (r.body as { type?: string }).type === 'typing');
    expect(typing).toBeGreaterThanOrEqual(0);
    expect(typing).toBeLessThan(all.indexOf(reply!));
    expectWireShapes(all);
  });

  it('acknowledges before the turn ends (the reply is still held at the connector)', async () => {
    const activity = directLineMessage('how long do refunds take?');
    const release = fake.hold();
    try {
      const res = await post(activity);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    } finally {
      release();
    }
    await fake.waitForRequests(1, repliesTo((activity.conversation as { id: string }).id));
  });

  it('answers the same activity delivered three times once', async () => {
    const activity = directLineMessage('how long do refunds take?');
    const conversationId = (activity.conversation as { id: string }).id;
    const statuses = await Promise.all([post(activity), post(activity), post(activity)].map(async (r) => (await r).status));
    expect(statuses).toEqual([200, 200, 200]);
    expect((await post(activity)).status).toBe(200);
    await fake.waitForRequests(1, repliesTo(conversationId));
    await bot.channel.close();
    expect(fake.requests.filter(repliesTo(conversationId))).toHaveLength(1);
    const link = await bot.parley.store.findConversationRef('botframework', conversationId);
    const customer = (await bot.parley.store.listMessages(link!.conversationId)).filter((m) => m.role === 'customer');
    expect(customer).toHaveLength(1);
  });

  it('maps a Teams message: mention removed, image attachment kept, conversation reference stored', async () => {
    const conversationId = `a:1${randomUUID()}`;
    const activity = {
      ...directLineMessage('<at>Parley</at>&nbsp;how long do refunds take?', conversationId, '1700000000123'),
      channelId: 'msteams',
      from: { id: '29:1abcUser', name: 'Megan Bowen', aadObjectId: '7faf80cc-cc5d-4d70-8a3c-a5f3a6bc35d9' },
      recipient: { id: '28:parley-app-id', name: 'Parley' },
      conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
      entities: [{ type: 'mention', text: '<at>Parley</at>', mentioned: { id: '28:parley-app-id', name: 'Parley' } }],
      attachments: [
        { contentType: 'text/html', content: '<div><at>Parley</at> how long do refunds take?</div>' },
        { contentType: 'image/png', contentUrl: 'https://smba.example/attachments/1/views/original', name: 'receipt.png' },
      ],
      channelData: { tenant: { id: 'tenant-1' } },
    };
    expect(schemaErrors('Activity', activity)).toEqual([]);
    expect((await post(activity)).status).toBe(200);
    await fake.waitForRequests(1, repliesTo(conversationId));
    await bot.channel.close();
    const link = await bot.parley.store.findConversationRef('botframework', conversationId);
    expect(link?.ref).toMatchObject({ serviceUrl: fake.serviceUrl, channelId: 'msteams', conversation: { id: conversationId }, user: { id: '29:1abcUser' } });
    const [message] = (await bot.parley.store.listMessages(link!.conversationId)).filter((m) => m.role === 'customer');
    expect(message!.text).toBe('how long do refunds take?');
    expect(message!.activity.channelMessageId).toBe(`${conversationId}|1700000000123`);
    expect(message!.activity.attachments).toEqual([{ contentType: 'image/png', url: 'https://smba.example/attachments/1/views/original', name: 'receipt.png' }]);
  });

  it.each([
    ['conversationUpdate', { membersAdded: [{ id: 'dl_ada' }] }],
    ['typing', {}],
    ['messageReaction', { reactionsAdded: [{ type: 'like' }] }],
    ['installationUpdate', { action: 'add' }],
  ])('acknowledges a %s activity and ignores it', async (type, extra) => {
    const conversationId = `ignored-${randomUUID()}`;
    const res = await post({ ...directLineMessage('', conversationId), type, ...extra });
    expect(res.status).toBe(200);
    await bot.channel.close();
    expect(await isStored(conversationId)).toBe(false);
    expect(fake.requests.filter((r) => r.conversationId === conversationId)).toEqual([]);
  });

  it('ignores a message with neither text nor image (a bare mention)', async () => {
    const conversationId = `bare-${randomUUID()}`;
    expect((await post(directLineMessage('<at>Parley</at>', conversationId))).status).toBe(200);
    await bot.channel.close();
    expect(await isStored(conversationId)).toBe(false);
  });

  it('keeps a reply the connector refuses in the outbox and keeps serving', async () => {
    const activity = directLineMessage('how long do refunds take?');
    const conversationId = (activity.conversation as { id: string }).id;
    fake.failWith(403);
    try {
      expect((await post(activity)).status).toBe(200);
      await fake.waitForRequests(1, repliesTo(conversationId));
      await bot.channel.close();
    } finally {
      fake.failWith(undefined);
    }
    const link = await bot.parley.store.findConversationRef('botframework', conversationId);
    const pending = (await bot.parley.store.listPendingOutbound(1000)).filter((o) => o.conversationId === link!.conversationId);
    expect(pending.map((o) => o.status)).toContain('failed');
    expectWireShapes(fake.requests.filter((r) => r.conversationId === conversationId));
    const next = directLineMessage('how long do refunds take?');
    expect((await post(next)).status).toBe(200);
    await fake.waitForRequests(1, repliesTo((next.conversation as { id: string }).id));
  });
});

describe('Bot Framework channel — bad input', () => {
  // Every row names a conversation id (or '' when the body has none) so that jest does not take the test for a done-callback one.
  const cases: [string, () => Promise<Response>, number, string, string][] = [
    ['malformed JSON', () => post('{"type": "message", '), 400, 'invalid_json', ''],
    ['a JSON array', () => post('[]'), 400, 'bad_request', ''],
    ['an empty body', () => post(''), 400, 'bad_request', ''],
    ['text/plain', () => post(JSON.stringify(directLineMessage('hi', 'ct-1')), { 'content-type': 'text/plain' }), 415, 'unsupported_media_type', 'ct-1'],
    ['no serviceUrl', () => post({ ...directLineMessage('hi', 'no-url'), serviceUrl: undefined }), 400, 'bad_request', 'no-url'],
    ['a file: serviceUrl', () => post({ ...directLineMessage('hi', 'file-url'), serviceUrl: 'file:///etc/passwd' }), 400, 'bad_request', 'file-url'],
    ['a message without id', () => post({ ...directLineMessage('hi', 'no-id'), id: undefined }), 400, 'bad_request', 'no-id'],
    ['text over 4,000 characters', () => post(directLineMessage('a'.repeat(4001), 'too-long')), 413, 'text_too_long', 'too-long'],
    ['a body over the limit', () => post(directLineMessage('a'.repeat(300 * 1024), 'too-big')), 413, 'payload_too_large', 'too-big'],
    ['an unauthenticated activity from a non-local service (no app id set)', () => post({ ...directLineMessage('hi', 'remote'), serviceUrl: 'https://smba.trafficmanager.net/emea/' }), 403, 'forbidden', 'remote'],
    ['invalid UTF-8', () => post(Uint8Array.from(Buffer.concat([Buffer.from('{"type":"message","text":"'), Buffer.from([0xff]), Buffer.from('"}')])).buffer), 400, 'invalid_utf8', ''],
  ];
  it.each(cases)('rejects %s', async (_name, send, status, code, conversationId) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    if (conversationId) expect(await isStored(conversationId)).toBe(false);
  });
});

describe('Bot Framework channel — proactive', () => {
  it('sends to the conversation after a restart (new adapter and store)', async () => {
    const activity = directLineMessage('how long do refunds take?');
    const conversationId = (activity.conversation as { id: string }).id;
    await post(activity);
    await fake.waitForRequests(1, repliesTo(conversationId));
    const parleyConversation = (await bot.parley.store.findConversationRef('botframework', conversationId))!.conversationId;
    await bot.close();

    bot = await startParley(home, { publicUrl: 'https://bot.example.com' });
    const agentMessage: Activity = {
      id: 'act_agent_1',
      type: 'message',
      channel: 'botframework',
      conversationId: parleyConversation,
      from: { id: 'agent-sam', role: 'agent' },
      text: 'Hi Ada, Sam here. Your refund is on its way.',
      timestamp: new Date().toISOString(),
      quickReplies: ['Thanks', 'I have another question'],
      images: [{ url: '/assets/size-chart.svg', alt: 'Size chart' }],
    };
    await bot.channel.adapter.send(agentMessage);
    const [sent] = await fake.waitForRequests(1, (r) => r.conversationId === conversationId && !r.activityId);
    expect(sent!.path).toBe(`/v3/conversations/${encodeURIComponent(conversationId)}/activities`);
    const body = sent!.body as SentActivity;
    expect(body.text).toBe(agentMessage.text);
    expect(body.replyToId).toBeUndefined();
    expect(body.recipient).toMatchObject({ id: 'dl_ada' });
    expect(body.suggestedActions).toEqual({
      to: ['dl_ada'],
      actions: [
        { type: 'imBack', title: 'Thanks', value: 'Thanks' },
        { type: 'imBack', title: 'I have another question', value: 'I have another question' },
      ],
    });
    expect(body.attachments).toEqual([{ contentType: 'image/svg+xml', contentUrl: 'https://bot.example.com/assets/size-chart.svg', name: 'Size chart' }]);
    expectWireShapes([sent!]);
  });

  it('refuses a conversation without a Bot Framework link', async () => {
    const conversation = await bot.parley.store.createConversation({ userId: 'u1', channel: 'rest' });
    await expect(bot.channel.adapter.send({ id: 'a', type: 'message', channel: 'botframework', conversationId: conversation.id, from: { id: 'x', role: 'agent' }, text: 'hi', timestamp: new Date().toISOString() })).rejects.toMatchObject({ code: 'not_found' });
  });
});
