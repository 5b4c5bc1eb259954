import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeSlackSignature } from '../../channels/slack/index.js';
import { startFakeSlack } from '../../channels/slack/testing/index.js';
import { dmEvent } from '../../channels/slack/testing/payloads.js';
import { inboundMessageParams, signedFormPost, startFakeTwilio } from '../../channels/twilio/testing/index.js';
import { startFakeOpenAI } from '../../knowledge/embeddings/openai/testing/index.js';
import { startFakeQdrant, type FakeQdrant } from '../../knowledge/indexes/qdrant/testing/index.js';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger, toReply } from '../core/index.js';
import { createParley, type Parley } from './parley.js';
import { startServer } from './server.js';
import { freePort } from '../testing/free-port.js';
import { waitFor } from '../testing/wait.js';

async function ask(parley: Parley, text: string) {
  const conversation = await parley.store.createConversation({ userId: 'u', channel: 'test' });
  const { replies } = await parley.bot.processActivity({
    id: newId('act'),
    type: 'message',
    channel: 'test',
    conversationId: conversation.id,
    from: { id: 'u', role: 'customer' },
    text,
    timestamp: new Date().toISOString(),
  });
  return toReply(replies[0]!);
}

describe('QDRANT_URL selects the Qdrant index', () => {
  let home: string;
  let qdrant: FakeQdrant;
  let parley: Parley;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-qdrant-'));
    qdrant = await startFakeQdrant();
    parley = await createParley(loadConfig({ PARLEY_HOME: home, QDRANT_URL: qdrant.url, QDRANT_COLLECTION: 'support_test' }), { logger: silentLogger });
  });
  afterAll(async () => {
    await parley.close();
    await qdrant.close();
    await rm(home, { recursive: true, force: true });
  });

  it('indexes the sample tickets in Qdrant and answers through its hybrid query', async () => {
    // The collection is QDRANT_COLLECTION itself or, with index generations, one per knowledge model version behind it.
    const collection = /^\/collections\/support_test(_v\d+)?$/;
    const queries = () => qdrant.requests.filter((r) => r.path.endsWith('/points/query') && collection.test(r.path.slice(0, -'/points/query'.length))).length;
    expect(qdrant.requests.some((r) => r.method === 'PUT' && collection.test(r.path))).toBe(true);
    const queriesBefore = queries();
    const reply = await ask(parley, 'how long do refunds take?');
    expect(reply.action).toBe('answer');
    expect(reply.text).toMatch(/5–7 business days/);
    expect(queries()).toBeGreaterThan(queriesBefore);
  });
});

describe('PARLEY_EMBEDDINGS=openai embeds through the configured OpenAI-compatible server', () => {
  it('embeds the tickets and each question there and still answers', async () => {
    const home = await mkdtemp(join(tmpdir(), 'parley-openai-'));
    const openai = await startFakeOpenAI({ apiKey: 'sk-test-key', dims: 64 });
    const parley = await createParley(
      loadConfig({ PARLEY_HOME: home, PARLEY_EMBEDDINGS: 'openai', OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: openai.url }),
      { logger: silentLogger },
    );
    try {
      const before = openai.requests.filter((r) => r.path.endsWith('/embeddings')).length;
      expect(before).toBeGreaterThan(0);
      const reply = await ask(parley, 'can I machine wash my wool sweater?');
      expect(reply.action).toBe('answer');
      expect(reply.sources[0]?.title).toBe('Product care');
      expect(openai.requests.filter((r) => r.path.endsWith('/embeddings')).length).toBeGreaterThan(before);
    } finally {
      await parley.close();
      await openai.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('channel settings enable their webhooks on the running server', () => {
  it('answers a signed Twilio SMS and a signed Slack DM through the configured fakes', async () => {
    const accountSid = `AC${'1'.repeat(32)}`;
    const authToken = 'twilio-auth-token';
    const signingSecret = 'slack-signing-secret';
    const home = await mkdtemp(join(tmpdir(), 'parley-channels-'));
    const twilio = await startFakeTwilio({ accountSid, authToken });
    const slack = await startFakeSlack({ botToken: 'xoxb-wiring' });
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const parley = await createParley(
      loadConfig({
        PARLEY_HOME: home,
        PUBLIC_URL: publicUrl,
        TWILIO_ACCOUNT_SID: accountSid,
        TWILIO_AUTH_TOKEN: authToken,
        TWILIO_FROM: '+15550009999',
        TWILIO_API_URL: twilio.url,
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_BOT_TOKEN: 'xoxb-wiring',
        SLACK_API_URL: slack.url,
        SMTP_LISTEN_PORT: '0',
        SMTP_URL: 'smtp://127.0.0.1:2',
        EMAIL_FROM: 'help@northwind.example',
        BOTFRAMEWORK_EMULATOR: 'true',
      }),
      { logger: silentLogger },
    );
    const server = await startServer(parley, { port, host: '127.0.0.1' });
    try {
      expect([...server.channels.started.keys()]).toEqual(['rest', 'webchat', 'twilio', 'slack', 'email', 'botframework']);
      // REST answers in the response and cannot push, so it is not a target of proactive delivery.
      expect([...server.channels.adapters.keys()].sort()).toEqual(['botframework', 'email', 'slack', 'twilio', 'webchat']);
      const sms = inboundMessageParams({ accountSid, from: '+15551234567', to: '+15550009999', body: 'how long do refunds take?' });
      const response = await signedFormPost(`${publicUrl}/webhooks/twilio`, sms, authToken);
      expect(response.status).toBe(200);
      await waitFor(() => twilio.sent().length === 1);
      expect(twilio.sent()[0]).toMatchObject({ To: '+15551234567', From: '+15550009999' });
      expect(twilio.sent()[0]?.Body).toMatch(/5–7 business days/);

      const body = JSON.stringify(dmEvent('how long do refunds take?'));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = computeSlackSignature(signingSecret, timestamp, body);
      const slackResponse = await fetch(`${publicUrl}/webhooks/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
        body,
      });
      expect(slackResponse.status).toBe(200);
      await waitFor(() => slack.posts().length === 1);
    } finally {
      await server.close();
      await parley.close();
      await twilio.close();
      await slack.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});


