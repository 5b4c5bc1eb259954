import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify from 'fastify';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type ChannelHost } from '../../bot/core/index.js';
import { connectorSchemas } from './connector-schema.js';
import { registerBotFrameworkChannel, type BotFrameworkChannel } from './index.js';
import { startFakeBotFrameworkService, type FakeBotFrameworkService, type FakeConnectorRequest } from './testing/index.js';

/**
 * JWT validation offline: the channel's OpenID metadata URL and the bot's token endpoint point at the local fake, which
 * publishes a JWKS with a test RSA key and signs channel tokens with it (issuer https://api.botframework.com,
 * audience = app id, `serviceurl` = the activity's service URL).
 */
const APP_ID = 'f3a1c2d4-0000-4000-8000-parleyapp001';
const APP_PASSWORD = 'test-client-secret';

const ajv = new Ajv({ strict: false, allErrors: true });
addFormatsModule.default(ajv);
ajv.addSchema(connectorSchemas);
const schemaErrors = (name: string, data: unknown): string[] => {
  const check = ajv.getSchema(`botframework#/definitions/${name}`)!;
  return check(data) ? [] : [`${name}: ${ajv.errorsText(check.errors)}`];
};

interface Running {
  url: string;
  parley: Parley;
  channel: BotFrameworkChannel;
  close(): Promise<void>;
}
async function startParley(home: string, fake: FakeBotFrameworkService): Promise<Running> {
  const parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  const host: ChannelHost = channelHost(parley);
  const app = Fastify({ logger: false });
  const channel = await registerBotFrameworkChannel(app, host, {
    appId: APP_ID,
    appPassword: APP_PASSWORD,
    appType: 'MultiTenant',
    openIdMetadata: fake.openIdMetadataUrl,
    tokenEndpoint: fake.tokenEndpoint,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { url, parley, channel, close: async () => (await channel.close(), await app.close(), await parley.close()) };
}

let fake: FakeBotFrameworkService;
let home: string;
let bot: Running;
beforeAll(async () => {
  // The SDK logs every rejected token with console.error; the assertions below say what was rejected.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  fake = await startFakeBotFrameworkService({ appId: APP_ID, appPassword: APP_PASSWORD, endorsements: ['msteams', 'directline', 'webchat'] });
  home = await mkdtemp(join(tmpdir(), 'parley-bf-auth-'));
  bot = await startParley(home, fake);
});
afterAll(async () => {
  await bot.close();
  await fake.close();
  await rm(home, { recursive: true, force: true });
  jest.restoreAllMocks();
});

function teamsMessage(text: string, conversationId = `a:1${randomUUID()}`): Record<string, unknown> {
  return {
    type: 'message',
    id: `${Date.now()}`,
    timestamp: new Date().toISOString(),
    serviceUrl: fake.serviceUrl,
    channelId: 'msteams',
    from: { id: '29:1megan', name: 'Megan Bowen', aadObjectId: '7faf80cc-cc5d-4d70-8a3c-a5f3a6bc35d9' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
    recipient: { id: `28:${APP_ID}`, name: 'Parley' },
    text,
  };
}
const conversationOf = (activity: Record<string, unknown>) => (activity.conversation as { id: string }).id;
const post = (activity: object, authorization?: string) =>
  fetch(`${bot.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
const repliesTo = (conversationId: string) => (r: FakeConnectorRequest) => r.conversationId === conversationId && (r.body as { type?: string }).type === 'message';

describe('Bot Framework channel — JWT validation with an app id', () => {
  it('accepts a channel token signed with a published key, and replies with a bot token', async () => {
    const activity = teamsMessage('how long do refunds take?');
    const res = await post(activity, `Bearer ${fake.signChannelToken()}`);
    expect(res.status).toBe(200);
    const [reply] = await fake.waitForRequests(1, repliesTo(conversationOf(activity)));
    await bot.channel.close();
    expect(fake.requests.filter(repliesTo(conversationOf(activity)))).toHaveLength(1);
    expect((reply!.body as { text: string }).text).toMatch(/refund/i);
    expect(reply!.status).toBe(200);
    // Outgoing calls carry the access token the (fake) login service issued for the app's client credentials.
    expect(fake.issuedTokens).toContain(reply!.authorization?.replace(/^Bearer /, ''));
    // One token for the typing indicator and the answer: it is cached until shortly before it expires.
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]).toEqual({ grant_type: 'client_credentials', client_id: APP_ID, client_secret: APP_PASSWORD, scope: 'https://api.botframework.com/.default' });
    for (const form of fake.tokenRequests) expect(schemaErrors('TokenRequest', form)).toEqual([]);
    for (const answer of fake.documents.tokenResponses) expect(schemaErrors('TokenResponse', answer)).toEqual([]);
    expect(schemaErrors('OpenIdMetadata', fake.documents.openIdMetadata)).toEqual([]);
    expect(schemaErrors('KeySet', fake.documents.keys)).toEqual([]);
    expect(schemaErrors('Activity', reply!.body)).toEqual([]);
    expect(schemaErrors('ResourceResponse', reply!.response)).toEqual([]);
  });

  const rejected: [string, (activity: Record<string, unknown>) => string | undefined][] = [
    ['no Authorization header', () => undefined],
    ['a Basic Authorization header', () => 'Basic cGFybGV5OnNlY3JldA=='],
    ['a token signed with a key the metadata does not publish (forged)', () => `Bearer ${fake.signChannelToken({}, { key: 'untrusted' })}`],
    ['an expired token', () => `Bearer ${fake.signChannelToken({}, { expiresIn: -3600 })}`],
    ['a token for another bot (wrong audience)', () => `Bearer ${fake.signChannelToken({ aud: 'another-bot-app-id' })}`],
    ['a token from another issuer', () => `Bearer ${fake.signChannelToken({ iss: 'https://attacker.example' })}`],
    ['a token for another service URL', () => `Bearer ${fake.signChannelToken({ serviceurl: 'https://smba.trafficmanager.net/emea/' })}`],
    ['a token whose key id is unknown', () => `Bearer ${fake.signChannelToken({}, { kid: 'unknown-key' })}`],
    ['an unsigned token (alg none)', () => `Bearer ${fake.signChannelToken({}, { alg: 'none' })}`],
    ['a token whose payload was altered after signing', () => {
      const [header, , signature] = fake.signChannelToken().split('.');
      const payload = Buffer.from(JSON.stringify({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: fake.serviceUrl, exp: Math.floor(Date.now() / 1000) + 9999 })).toString('base64url');
      return `Bearer ${header}.${payload}.${signature}`;
    }],
  ];
  it.each(rejected)('rejects %s with 401 and stores nothing', async (_name, authorization) => {
    const activity = teamsMessage('how long do refunds take?');
    const res = await post(activity, authorization(activity));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    await bot.channel.close();
    expect(await bot.parley.store.findConversationRef('botframework', conversationOf(activity))).toBeUndefined();
    expect(fake.requests.filter((r) => r.conversationId === conversationOf(activity))).toEqual([]);
  });

  it('rejects a valid token on an activity from a channel its key is not endorsed for', async () => {
    const activity = { ...teamsMessage('how long do refunds take?'), channelId: 'slack' };
    const res = await post(activity, `Bearer ${fake.signChannelToken()}`);
    expect(res.status).toBe(401);
    expect(await bot.parley.store.findConversationRef('botframework', conversationOf(activity))).toBeUndefined();
  });

  it('authenticates non-message activities too', async () => {
    const update = { ...teamsMessage(''), type: 'conversationUpdate', membersAdded: [{ id: `28:${APP_ID}` }] };
    expect((await post(update)).status).toBe(401);
    expect((await post(update, `Bearer ${fake.signChannelToken()}`)).status).toBe(200);
  });

  it('sends proactively with a bot token after a restart', async () => {
    const activity = teamsMessage('how long do refunds take?');
    expect((await post(activity, `Bearer ${fake.signChannelToken()}`)).status).toBe(200);
    await fake.waitForRequests(1, repliesTo(conversationOf(activity)));
    const parleyConversation = (await bot.parley.store.findConversationRef('botframework', conversationOf(activity)))!.conversationId;
    await bot.close();
    bot = await startParley(home, fake);
    const tokensBefore = fake.issuedTokens.length;
    await bot.channel.adapter.send({
      id: 'act_agent_2',
      type: 'message',
      channel: 'botframework',
      conversationId: parleyConversation,
      from: { id: 'agent-sam', role: 'agent' },
      text: 'Sam from support here: the refund was issued today.',
      timestamp: new Date().toISOString(),
    });
    const [sent] = await fake.waitForRequests(1, (r) => r.conversationId === conversationOf(activity) && !r.activityId);
    expect(sent!.status).toBe(200);
    expect(fake.issuedTokens.length).toBe(tokensBefore + 1);
    expect(sent!.authorization).toBe(`Bearer ${fake.issuedTokens[fake.issuedTokens.length - 1]}`);
    expect((sent!.body as { recipient?: { id?: string } }).recipient?.id).toBe('29:1megan');
  });
});
