import { newId } from '../core/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { redisForTests } from '../testing/redis.js';
import { customerDelivery } from './handoff.js';
import type { Parley } from './parley.js';
import type { RunningServer } from './server.js';
import { startInstances, type TestInstances } from './testing/instances.js';
import { SocketTestClient, type Frame } from '../../channels/webchat/testing/socket-client.js';

const pg = await postgresForTests('the web chat fanout test');
const redis = await redisForTests('the web chat fanout test');
const maybe = pg.available && redis.available ? describe : describe.skip;

/** A web chat client on `url` that has said `hello`. */
async function connect(url: string, hello: Record<string, unknown>): Promise<SocketTestClient> {
  const client = await SocketTestClient.open(`${url.replace(/^http/, 'ws')}/ws/chat`);
  client.send({ type: 'hello', ...hello });
  return client;
}

/** The text of an agent's message frame (`{type: 'message', message: {text, …}}`). */
const agentText = (f: Frame): unknown => (f.message as unknown as { text?: string } | undefined)?.text;

maybe('web chat across instances (PostgreSQL + Redis)', () => {
  let instances: TestInstances;
  let parleys: Parley[];
  let servers: RunningServer[];

  beforeAll(async () => {
    instances = await startInstances({ count: 2, connectionString: pg.connectionString, env: { REDIS_URL: redis.url } });
    ({ parleys, servers } = instances);
  }, 120_000);

  afterAll(async () => {
    await instances?.close();
  });

  it("an agent's reply sent through instance A reaches the customer's socket on instance B, once per socket", async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const onB = await connect(b.url, { userId: `fanout-${newId('u')}` });
    const ready = await onB.next((f) => f.type === 'ready');
    const conversationId = String(ready.conversationId);
    // The same conversation open in a second tab served by A.
    const onA = await connect(a.url, { conversationId, token: ready.token });
    await onA.next((f) => f.type === 'ready');

    const agentSays = (instance: number, text: string) =>
      customerDelivery(parleys[instance]!, { webchat: () => servers[instance]!.webchat, adapters: () => servers[instance]!.channels.adapters })({
        id: newId('act'),
        type: 'message',
        channel: 'webchat',
        conversationId,
        from: { id: 'agent-1', role: 'agent', name: 'Dana' },
        text,
        timestamp: new Date().toISOString(),
      });
    const text = `An agent here: your parcel left the depot (${newId('m')}).`;
    await agentSays(0, text);
    const isAgentMessage = (f: Frame) => f.type === 'message' && agentText(f) === text;
    await onB.next(isAgentMessage);
    await onA.next(isAgentMessage);
    // A's own message comes back from Redis and is skipped: one frame per socket. A next message, sent through B,
    // reaches A through Redis after that echo (Redis delivers in publish order): by then A has handled the echo.
    const next = `Anything else? (${newId('m')})`;
    await agentSays(1, next);
    const isNext = (f: Frame) => f.type === 'message' && agentText(f) === next;
    expect((await onA.until(isNext)).filter(isAgentMessage)).toEqual([]);
    expect((await onB.until(isNext)).filter(isAgentMessage)).toEqual([]);
    onA.close();
    onB.close();
  }, 60_000);

  it('a stored reply that instance A delivers (turn recovery, outbox retry, a kept message) reaches the socket on B', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const onB = await connect(b.url, { userId: `fanout-${newId('u')}` });
    const conversationId = String((await onB.next((f) => f.type === 'ready')).conversationId);
    onB.send({ type: 'message', clientMessageId: 'q1', text: 'How long does standard shipping take?' });
    const answered = await onB.next((f) => f.type === 'reply' && f.clientMessageId === 'q1', 30_000);
    const stored = (await parleys[0]!.store.listMessages(conversationId)).find((m) => m.id === answered.messageId);
    expect(stored).toBeDefined();

    // A has no socket of this conversation: it hands the frame to B through Redis instead of failing.
    await a.webchat.send(stored!.activity);
    const again = await onB.next((f) => f.type === 'reply' && f.messageId === answered.messageId, 30_000);
    expect([answered.clientMessageId, again.clientMessageId]).toEqual(['q1', 'q1']);
    onB.close();
  }, 60_000);
});
