import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadConfig } from '../config/index.js';
import { errorResponse, newId, routesOf, silentLogger, strictJsonParser, type ChannelHost, type StartedChannel } from '../core/index.js';
import { waitFor } from '../testing/wait.js';
import { CHANNEL_REGISTRY } from './channel-registry.js';
import { channelHost, createParley, type Parley } from './parley.js';
import { CHANNEL_FIXTURES, type AnyChannelFixture, type FixtureRun } from './testing/channel-fixtures.js';
import { freePort } from '../testing/free-port.js';

/**
 * The channel contract, checked against every channel of the registry: a channel is what its module says (name,
 * capabilities), mounts exactly the routes it declares, refuses requests without their credentials before storing
 * anything, normalizes a customer's message to an activity of its own name and answers through its adapter, sends
 * unasked only when it declares `proactive` (`unsupported` otherwise), and closes.
 */

const API_KEY = 'contract-api-key';
const QUESTION = 'how long do refunds take?';


test('every registered channel has a contract fixture, for the same module', () => {
  expect(CHANNEL_FIXTURES.map((fixture) => fixture.module.name)).toEqual(CHANNEL_REGISTRY.map((line) => line.module.name));
  CHANNEL_REGISTRY.forEach((line, index) => expect(CHANNEL_FIXTURES[index]!.module).toBe(line.module));
});

test('channel names are unique', () => {
  const names = CHANNEL_REGISTRY.map((line) => line.module.name);
  expect(new Set(names).size).toBe(names.length);
});

describe.each(CHANNEL_FIXTURES.map((fixture) => [fixture.module.name, fixture] as const))('channel contract: %s', (_name, fixture: AnyChannelFixture) => {
  let home: string;
  let parley: Parley;
  let host: ChannelHost;
  let app: FastifyInstance;
  let run: FixtureRun<never, StartedChannel>;
  let started: StartedChannel;
  const mounted: { method: string; path: string }[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), `parley-contract-${fixture.module.name}-`));
    parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_API_KEY: API_KEY }), { logger: silentLogger });
    host = channelHost(parley);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    run = await fixture.start({ url, apiKey: API_KEY, home });
    // As the server builds its app: strict JSON and coded errors mapped to statuses.
    app = Fastify({ bodyLimit: 64 * 1024, logger: false });
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser);
    app.setErrorHandler((error, _request, reply) => {
      const { status, body } = errorResponse(error);
      return reply.status(status).send(body);
    });
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') mounted.push({ method, path: route.url });
    });
    started = await fixture.module.start({ http: app, host }, run.options);
    await app.listen({ port, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await started.close();
    await app.close();
    await run.close();
    await parley.close();
    await rm(home, { recursive: true, force: true });
  });

  it('is what its module declares: the same name on the channel and its adapter, the same capabilities', () => {
    expect(started.name).toBe(fixture.module.name);
    expect(started.adapter.channel).toBe(fixture.module.name);
    expect(started.adapter.capabilities).toEqual(fixture.module.capabilities);
    expect(started.receives.length).toBeGreaterThan(0);
  });

  it('mounts exactly the routes it declares, and listens for upgrades when it declares a WebSocket', () => {
    const declared = routesOf(started).map(({ method, path }) => ({ method, path }));
    const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
    expect(mounted.map(key).sort()).toEqual(declared.map(key).sort());
    const websockets = started.receives.filter((receiver) => receiver.kind === 'websocket');
    expect(app.server.listenerCount('upgrade')).toBe(websockets.length);
  });

  it('refuses requests without their credentials on every authenticated route, and stores nothing of them', async () => {
    const address = app.server.address() as { port: number };
    for (const route of routesOf(started).filter((r) => r.auth !== 'none')) {
      const path = route.path.replace(/:(\w+)/g, (_match, name: string) => `${name}-unknown`);
      const body = route.method === 'POST' ? JSON.stringify({ userId: 'anonymous', text: QUESTION }) : undefined;
      const response = await fetch(`http://127.0.0.1:${address.port}${path}`, { method: route.method, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) });
      // Refused as the caller's fault (401/403, or 400/415 for a body that is not the vendor's), never taken.
      const refused = response.status >= 400 && response.status < 500;
      expect({ route: `${route.method} ${route.path}`, status: response.status, refused }).toEqual({ route: `${route.method} ${route.path}`, status: response.status, refused: true });
    }
    // The vendor's own payload without its signature: refused as unauthenticated.
    if (fixture.signs) {
      expect([401, 403]).toContain(await run.deliver(started, QUESTION, false));
      expect(await run.conversationId(parley.store)).toBeUndefined();
    }
    expect(await parley.store.listConversationsByUser('anonymous')).toEqual([]);
  });

  it('turns a customer message into an activity of its own name and answers it through the channel', async () => {
    expect([200, 250]).toContain(await run.deliver(started, QUESTION));
    // Webhook channels acknowledge first and answer after; the answer reaches the vendor's fake.
    await waitFor(() => run.delivered().length > 0, 20_000, `an answer on ${fixture.module.name}`);
    const conversationId = await run.conversationId(parley.store);
    expect(conversationId).toBeDefined();
    const messages = await parley.store.listMessages(conversationId!);
    const customer = messages.find((message) => message.role === 'customer');
    expect(customer).toMatchObject({ channel: fixture.module.name, text: QUESTION });
    expect(customer?.activity.channel).toBe(fixture.module.name);
    expect(run.delivered().join('\n')).toMatch(/refund|business days/i);
  });

  it('sends unasked only when it declares proactive sends', async () => {
    const conversationId = (await run.conversationId(parley.store))!;
    const text = `An agent will take it from here (${fixture.module.name}).`;
    const send = started.adapter.send({
      id: newId('act'),
      type: 'message',
      channel: fixture.module.name,
      conversationId,
      from: { id: 'agent-1', role: 'agent', name: 'Alex' },
      text,
      timestamp: new Date().toISOString(),
    });
    if (!fixture.module.capabilities.proactive) {
      await expect(send).rejects.toMatchObject({ code: 'unsupported' });
      return;
    }
    await send;
    await waitFor(() => run.delivered().some((delivered) => delivered.includes(text)), 10_000, `the agent's message on ${fixture.module.name}`);
  });
});
