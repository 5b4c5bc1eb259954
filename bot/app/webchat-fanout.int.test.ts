import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { loadConfig } from '../config/index.js';
import { newId, silentLogger } from '../core/index.js';
import { PostgresDriver } from '../storage/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { redisForTests } from '../testing/redis.js';
import { customerDelivery } from './handoff.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';

const pg = await postgresForTests('the web chat fanout test');
const redis = await redisForTests('the web chat fanout test');
const maybe = pg.available && redis.available ? describe : describe.skip;

/** A web chat client: its frames as they come, and a wait for the next one that matches. */
async function connect(url: string, hello: Record<string, unknown>): Promise<{ socket: WebSocket; frames: Record<string, unknown>[]; next(match: (f: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>> }> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/chat`);
  const frames: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
  socket.send(JSON.stringify({ type: 'hello', ...hello }));
  const next = async (match: (f: Record<string, unknown>) => boolean, ms = 5_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = frames.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(frames)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return { socket, frames, next };
}

maybe('web chat across instances (PostgreSQL + Redis)', () => {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  let home: string;
  const parleys: Parley[] = [];
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-fanout-'));
    for (const name of ['a', 'b']) {
      const config = loadConfig({ PARLEY_HOME: join(home, name), DATABASE_URL: pg.connectionString, REDIS_URL: redis.url, PARLEY_VISION: 'false' });
      const parley = await createParley(config, { logger: silentLogger, schema });
      parleys.push(parley);
      servers.push(await startServer(parley, { port: 0, host: '127.0.0.1' }));
    }
  }, 120_000);

  afterAll(async () => {
    for (const server of servers) await server.close();
    for (const parley of parleys) await parley.close();
    const driver = new PostgresDriver({ connectionString: pg.connectionString, schema });
    await driver.dropSchema(schema);
    await driver.close();
    await rm(home, { recursive: true, force: true });
  });

  it("an agent's reply sent through instance A reaches the customer's socket on instance B, once per socket", async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const onB = await connect(b.url, { userId: `fanout-${newId('u')}` });
    const ready = await onB.next((f) => f.type === 'ready');
    const conversationId = String(ready.conversationId);
    // The same conversation open in a second tab served by A.
    const onA = await connect(a.url, { conversationId, token: ready.token });
    await onA.next((f) => f.type === 'ready');

    const text = `An agent here: your parcel left the depot (${newId('m')}).`;
    await customerDelivery(parleys[0]!, { webchat: () => a.webchat, adapters: () => a.channels.adapters })({
      id: newId('act'),
      type: 'message',
      channel: 'webchat',
      conversationId,
      from: { id: 'agent-1', role: 'agent', name: 'Dana' },
      text,
      timestamp: new Date().toISOString(),
    });
    const isAgentMessage = (f: Record<string, unknown>) => f.type === 'message' && (f.message as { text?: string } | undefined)?.text === text;
    await onB.next(isAgentMessage);
    await onA.next(isAgentMessage);
    // A's own message comes back from Redis and is skipped: one frame per socket.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(onA.frames.filter(isAgentMessage)).toHaveLength(1);
    expect(onB.frames.filter(isAgentMessage)).toHaveLength(1);
    onA.socket.close();
    onB.socket.close();
  }, 60_000);

  it('a stored reply that instance A delivers (turn recovery, outbox retry, a kept message) reaches the socket on B', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const onB = await connect(b.url, { userId: `fanout-${newId('u')}` });
    const conversationId = String((await onB.next((f) => f.type === 'ready')).conversationId);
    onB.socket.send(JSON.stringify({ type: 'message', clientMessageId: 'q1', text: 'How long does standard shipping take?' }));
    const answered = await onB.next((f) => f.type === 'reply' && f.clientMessageId === 'q1', 30_000);
    const stored = (await parleys[0]!.store.listMessages(conversationId)).find((m) => m.id === answered.messageId);
    expect(stored).toBeDefined();

    // A has no socket of this conversation: it hands the frame to B through Redis instead of failing.
    await a.webchat.send(stored!.activity);
    const isRedelivery = (f: Record<string, unknown>) => f.type === 'reply' && f.messageId === answered.messageId;
    await onB.next(() => onB.frames.filter(isRedelivery).length === 2);
    expect(onB.frames.filter(isRedelivery).map((f) => f.clientMessageId)).toEqual(['q1', 'q1']);
    onB.socket.close();
  }, 60_000);
});
