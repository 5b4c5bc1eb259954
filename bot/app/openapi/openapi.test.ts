import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { startFakeSlack, type FakeSlack } from '../../../channels/slack/testing/index.js';
import { ESCALATION_CHANNEL } from '../../../channels/slack/desk/testing/desk-payloads.js';
import { BOT_ID, BOT_TOKEN, BOT_USER, SIGNING_SECRET, TEAM } from '../../../channels/slack/testing/payloads.js';
import { loadConfig } from '../../config/index.js';
import { silentLogger } from '../../core/index.js';
import { createParley, type Parley } from '../parley.js';
import { buildServer } from '../server.js';
import { documentedPaths, openApiPath, type RegisteredRoute } from './index.js';

const API_KEY = 'test-api-key-0123456789';

/** Every channel, webhook and helpdesk configured, so that every route the server can register is registered. */
const everything = (home: string, slackApi: string) =>
  loadConfig({
    PARLEY_HOME: home,
    PARLEY_API_KEY: API_KEY,
    PARLEY_VISION: 'false',
    PUBLIC_URL: 'https://bot.example.com',
    TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'twilio-token',
    TWILIO_FROM: '+15550001111',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slackApi,
    SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL,
    MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001',
    MICROSOFT_APP_PASSWORD: 'bot-framework-secret',
    ZENDESK_URL: 'https://acme.zendesk.example',
    ZENDESK_EMAIL: 'agent@acme.example',
    ZENDESK_API_TOKEN: 'zendesk-token',
    ZENDESK_WEBHOOK_SECRET: 'zendesk-secret',
  });

describe('the OpenAPI document at /api/openapi.json', () => {
  let home: string;
  let slack: FakeSlack;
  let parley: Parley;
  let app: FastifyInstance;
  let routes: RegisteredRoute[];
  let served: Record<string, unknown>;
  let base: string;
  // Fastify's inject() cannot load under Jest's ESM mode (light-my-request requires an ESM-only package): real HTTP.
  const request = async (method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}) => {
    const response = await fetch(`${base}${path}`, { method, ...options });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-openapi-'));
    slack = await startFakeSlack({ botToken: BOT_TOKEN, teamId: TEAM, botUserId: BOT_USER, botId: BOT_ID });
    parley = await createParley(everything(home, slack.url), { logger: silentLogger });
    const server = await buildServer(parley);
    app = server.app;
    routes = server.routes;
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const response = await request('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    served = response.body;
  });
  afterAll(async () => {
    await app?.close();
    await parley?.close();
    await slack?.close();
    await rm(home, { recursive: true, force: true });
  });

  const operations = () =>
    Object.entries(served.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

  it('describes every route the server registers', () => {
    const registered = new Set(routes.map((route) => `${route.method} ${openApiPath(route.url)}`));
    expect(registered.size).toBeGreaterThan(40);
    const documented = new Set(operations());
    expect([...registered].filter((route) => !documented.has(route))).toEqual([]);
    // And nothing that is not there: every documented operation is a route of the fully configured server.
    expect([...documented].filter((operation) => !registered.has(operation))).toEqual([]);
    expect(Object.keys(served.paths as object).sort()).toEqual(Object.keys(documentedPaths()).sort());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(served.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(served);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    // The validator does refuse a broken document (an operation without responses, a path not starting with /).
    const broken = await new Validator().validate({ ...served, paths: { 'api/x': { get: { summary: 'no responses' } } } });
    expect(broken.valid).toBe(false);
  });

  it('has response schemas that the real answers match', async () => {
    const ajv = new Ajv2020({ strict: false });
    const components = (served.components as { schemas: Record<string, object> }).schemas;
    for (const [name, schema] of Object.entries(components)) ajv.addSchema(schema, `#/components/schemas/${name}`);
    const check = (name: string, body: unknown) => {
      const validate = ajv.getSchema(`#/components/schemas/${name}`)!;
      expect({ name, valid: validate(body), errors: validate.errors ?? null }).toEqual({ name, valid: true, errors: null });
    };

    check('Health', (await request('GET', '/health')).body);
    const json = { 'content-type': 'application/json' };
    const chat = await request('POST', '/api/chat', { headers: { ...json, authorization: `Bearer ${API_KEY}` }, body: JSON.stringify({ userId: 'u1', text: 'how long do refunds take?' }) });
    expect(chat.status).toBe(200);
    check('ChatResponse', chat.body);
    const { conversationId, token } = chat.body as { conversationId: string; token: string };
    check('MessagesResponse', (await request('GET', `/api/conversations/${conversationId}/messages`, { headers: { authorization: `Bearer ${token}` } })).body);
    const refused = await request('POST', '/api/chat', { headers: json, body: JSON.stringify({ text: 'no user' }) });
    expect(refused.status).toBe(400);
    check('Error', refused.body);
    const tickets = await request('POST', '/api/tickets', {
      headers: { ...json, authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify([{ id: 'OA-1', question: 'Do you ship to Iceland?', answer: 'Yes, in 5 to 8 working days.' }, { id: 'OA-2', question: 'no answer' }]),
    });
    expect((tickets.body.errors as unknown[]).length).toBe(1);
    check('TicketsResult', tickets.body);
  });
});
