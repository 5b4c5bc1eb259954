import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import type { Logger } from '../core/index.js';
import { PostgresDriver } from '../storage/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.js';
import { SAVED_NOTICE_TEXT } from './inbound-spool.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import { untilStoreAvailable } from './store-wait.js';
import { SocketTestClient } from '../../channels/webchat/testing/socket-client.js';
import { waitFor } from '../testing/wait.js';

const { available, connectionString } = await postgresForTests('the PostgreSQL outage tests');
const describeIfPg = available ? describe : describe.skip;


/** A logger that keeps what it is told (the start-up wait must say what it does). */
function recordingLogger(): Logger & { lines: Array<{ level: string; msg: string | undefined; obj: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string | undefined; obj: Record<string, unknown> }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void lines.push({ level, msg, obj });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** The shared `waitFor`, a probe that fails (the database is away) counting as not yet. */
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<NonNullable<T>> =>
  waitFor(() => probe().catch(() => undefined), timeoutMs, what);

interface ChatAnswer {
  conversationId: string;
  token: string;
  replies: Array<{ text: string; pending?: boolean }>;
}

describeIfPg('a PostgreSQL outage never takes the server down (PostgreSQL through a TCP proxy)', () => {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  let proxy: TcpProxy;
  let home: string;
  let config: Config;
  let parley: Parley;
  let server: RunningServer;
  const logger = recordingLogger();

  const health = async () => {
    const response = await fetch(`${server.url}/health`);
    return { status: response.status, body: (await response.json()) as { status: string; checks: { database: { ok: boolean; error?: string } } } };
  };
  const chat = async (body: Record<string, unknown>, token?: string) => {
    const response = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ChatAnswer };
  };
  const transcript = async (conversationId: string, token: string) => {
    const response = await fetch(`${server.url}/api/conversations/${conversationId}/messages`, { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { messages: Array<{ role: string; text: string }> }).messages;
  };

  beforeAll(async () => {
    const target = new URL(connectionString);
    proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
    home = await mkdtemp(join(tmpdir(), 'parley-pgoutage-'));
    config = loadConfig({
      PARLEY_HOME: home,
      DATABASE_URL: proxy.proxiedUrl(connectionString),
      PARLEY_VISION: 'false',
      PARLEY_DB_HEALTH_TIMEOUT_MS: '1000',
      PARLEY_DB_RETRY_MAX_MS: '1000',
    });
  });

  afterAll(async () => {
    await server?.close();
    await parley?.close();
    await proxy.close();
    // Nothing that failed was blamed on the turn: outages are not faults of the conversation.
    expect(logger.lines.filter((line) => line.msg === 'turn failed')).toEqual([]);
    const driver = new PostgresDriver({ connectionString, schema });
    await driver.dropSchema(schema);
    await driver.close();
    await rm(home, { recursive: true, force: true });
  });

  it('starts while the database is down, says so in the log, and becomes ready when it returns', async () => {
    proxy.cut();
    const waiting = () => logger.lines.filter((line) => line.msg?.startsWith('waiting for the database'));
    // The database comes back once the start-up has waited for it twice.
    const restored = waitFor(() => waiting().length >= 2, 15_000, 'two waits for the database').then(() => proxy.restore());
    parley = await untilStoreAvailable(() => createParley(config, { logger, schema }), { logger, retryMaxMs: 1_000 });
    await restored;
    const waits = waiting();
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[0]!.obj).toMatchObject({ attempt: 1, nextRetryMs: 250 });
    expect(waits[1]!.obj).toMatchObject({ attempt: 2, nextRetryMs: 500 });
    server = await startServer(parley, { port: 0, host: '127.0.0.1' });
    expect((await health()).status).toBe(200);
  }, 60_000);

  it('/health answers 503 naming the database during a cut and a black hole (in about 1 s), and 200 after', async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: { ok: true } } } });
    proxy.cut();
    const cut = await health();
    expect(cut.status).toBe(503);
    expect(cut.body).toMatchObject({ status: 'degraded', checks: { database: { ok: false } } });
    expect(cut.body.checks.database.error).toMatch(/database is unavailable/);
    proxy.restore();
    await until('health after the cut', async () => ((await health()).status === 200 ? true : undefined));

    proxy.blackhole();
    const started = Date.now();
    const silent = await health();
    expect(silent.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_500);
    proxy.restore();
    await until('health after the black hole', async () => ((await health()).status === 200 ? true : undefined));
  }, 60_000);

  it('survives idle connections dropping, and a REST message sent during the cut is saved, answered later, and stored once', async () => {
    const first = await chat({ userId: 'rest-customer', text: 'How long does standard shipping take?' });
    expect(first.status).toBe(200);
    const { conversationId, token } = first.body;
    proxy.cut(); // the pool's idle connections drop
    await until('the server to see the cut', async () => ((await health()).status === 503 ? true : undefined));
    const during = await chat({ conversationId, userId: 'rest-customer', text: 'How long does a refund take?', messageId: 'refund-1' }, token);
    expect(during.status).toBe(200);
    expect(during.body.replies).toEqual([expect.objectContaining({ text: SAVED_NOTICE_TEXT, pending: true })]);
    // The journal holds a customer's message: owner-only.
    expect((await stat(join(home, 'spool', 'inbound.jsonl'))).mode & 0o777).toBe(0o600);
    proxy.restore();
    const messages = await until('the kept message to be answered', async () => {
      const list = await transcript(conversationId, token);
      return list.length >= 4 ? list : undefined;
    });
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot', 'customer', 'bot']);
    expect(messages.filter((m) => m.text === 'How long does a refund take?')).toHaveLength(1);
    expect(messages[3]!.text).not.toBe(SAVED_NOTICE_TEXT);
    // A retry of the same message now gets the real answer, not the notice, and runs no second turn.
    const retry = await chat({ conversationId, userId: 'rest-customer', text: 'How long does a refund take?', messageId: 'refund-1' }, token);
    expect(retry.body.replies[0]).toMatchObject({ text: messages[3]!.text });
    expect(retry.body.replies[0]!.pending).toBeUndefined();
    expect(await transcript(conversationId, token)).toHaveLength(4);
  }, 60_000);

  it('under load, a cut loses nothing: every message is answered (at once or after the database returns), once', async () => {
    const customers = await Promise.all(Array.from({ length: 10 }, (_, i) => chat({ userId: `load-${i}`, text: 'Do you offer gift cards?' })));
    const sent = customers.map(() => 0);
    // The cut comes in the middle of the load: once a quarter of the messages were answered, others in flight.
    let cutDone = false;
    await Promise.all(
      customers.map(async ({ body }, i) => {
        for (let n = 0; n < 6; n++) {
          const answer = await chat({ conversationId: body.conversationId, userId: `load-${i}`, text: `question ${n}: which payment methods do you accept?`, messageId: `m${n}` }, body.token);
          expect(answer.status).toBe(200);
          expect(answer.body.replies.length).toBeGreaterThan(0);
          sent[i]!++;
          if (!cutDone && sent.reduce((a, b) => a + b, 0) >= 15) {
            cutDone = true;
            proxy.cut();
          }
        }
      }),
    );
    expect(cutDone).toBe(true);
    proxy.restore();
    for (const { body } of customers) {
      const messages = await until('every kept message to be answered', async () => {
        const list = await transcript(body.conversationId, body.token);
        return list.filter((m) => m.role === 'bot').length >= 7 ? list : undefined;
      }, 30_000);
      const questions = messages.filter((m) => m.role === 'customer').map((m) => m.text);
      expect(questions).toEqual(['Do you offer gift cards?', ...Array.from({ length: 6 }, (_, n) => `question ${n}: which payment methods do you accept?`)]);
      expect(messages.filter((m) => m.role === 'bot')).toHaveLength(7);
      // The outage is not the turn's fault: no apology and no handoff to a person.
      expect(messages.filter((m) => /something went wrong/i.test(m.text))).toEqual([]);
    }
  }, 90_000);

  it('web chat: a message during a black hole gets the "saved" reply within seconds, then its answer once the database is back', async () => {
    const socket = await SocketTestClient.open(`${server.url.replace('http', 'ws')}/ws/chat`);
    const ready = await socket.hello({ userId: 'ws-customer' });
    expect(ready.type).toBe('ready');
    proxy.blackhole();
    socket.send({ type: 'message', clientMessageId: 'c1', text: 'How should I wash a wool sweater?' });
    const notice = await socket.next((f) => f.type === 'reply' && f.clientMessageId === 'c1', 4_000);
    expect(notice.reply).toMatchObject({ text: SAVED_NOTICE_TEXT, pending: true });
    proxy.restore();
    const answer = await socket.next((f) => f.type === 'reply' && f.clientMessageId === 'c1' && !f.reply?.pending, 15_000);
    expect(answer.reply?.text).toMatch(/wool|wash/i);
    const messages = await transcript(String(ready.conversationId), String(ready.token));
    expect(messages.filter((m) => m.role === 'customer')).toHaveLength(1);
    expect(messages.filter((m) => m.role === 'bot')).toHaveLength(1);
    socket.close();
  }, 60_000);
});
