import { postgresForTests } from '../testing/postgres.js';
import { redisForTests } from '../testing/redis.js';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.js';
import { waitFor } from '../testing/wait.js';
import { SAVED_NOTICE_TEXT } from './inbound-spool.js';
import type { RunningServer } from './server.js';
import { startInstances, type TestInstances } from './testing/instances.js';

// Finding: behind a round-robin balancer, a conversation's messages sent while PostgreSQL was down were kept by both
// instances, each in its own journal, and each ran its own as soon as the database was back: the conversation's
// messages could run out of order. With Redis the instances share one order (`RedisSpoolOrder`).

const pg = await postgresForTests('the outage test with two instances');
const redis = await redisForTests('the outage test with two instances');
const maybe = pg.available && redis.available ? describe : describe.skip;

interface ChatAnswer {
  conversationId: string;
  token: string;
  replies: Array<{ text: string; pending?: boolean }>;
}

maybe('a PostgreSQL outage under two instances (PostgreSQL through a TCP proxy, Redis)', () => {
  let proxy: TcpProxy;
  let instances: TestInstances;

  const chat = async (server: RunningServer, body: Record<string, unknown>, token?: string) => {
    const response = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ChatAnswer };
  };
  const transcript = async (server: RunningServer, conversationId: string, token: string) => {
    const response = await fetch(`${server.url}/api/conversations/${conversationId}/messages`, { headers: { authorization: `Bearer ${token}` } });
    return response.ok ? ((await response.json()) as { messages: Array<{ role: string; text: string }> }).messages : [];
  };
  const databaseDown = async (server: RunningServer) => (await fetch(`${server.url}/health`)).status === 503;

  beforeAll(async () => {
    const target = new URL(pg.connectionString);
    proxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
    instances = await startInstances({
      count: 2,
      connectionString: pg.connectionString,
      databaseUrl: proxy.proxiedUrl(pg.connectionString),
      env: { REDIS_URL: redis.url, PARLEY_DB_HEALTH_TIMEOUT_MS: '1000', PARLEY_DB_RETRY_MAX_MS: '1000' },
    });
  }, 120_000);

  afterAll(async () => {
    proxy.restore();
    await instances?.close();
    await proxy.close();
  });

  it('a conversation\'s messages kept on both instances during the cut run in the order they were sent', async () => {
    const [a, b] = instances.servers as [RunningServer, RunningServer];
    const first = await chat(a, { userId: 'two-instances', text: 'How long does standard shipping take?' });
    expect(first.status).toBe(200);
    const { conversationId, token } = first.body;
    proxy.cut();
    await waitFor(async () => (await databaseDown(a)) && (await databaseDown(b)), 15_000, 'both instances to see the database down');
    const sent = ['one: do you ship to Canada?', 'two: and to Mexico?', 'three: what about returns?', 'four: thanks!'];
    for (const [i, text] of sent.entries()) {
      const during = await chat(i % 2 === 0 ? a : b, { conversationId, userId: 'two-instances', text, messageId: `msg-${i}` }, token);
      expect(during.status).toBe(200);
      expect(during.body.replies).toEqual([expect.objectContaining({ text: SAVED_NOTICE_TEXT, pending: true })]);
    }
    proxy.restore();
    const messages = await waitFor(
      async () => {
        const list = await transcript(a, conversationId, token);
        return list.filter((m) => m.role === 'bot').length >= 5 ? list : undefined;
      },
      30_000,
      'the kept messages to be answered',
    );
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['How long does standard shipping take?', ...sent]);
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot', 'customer', 'bot', 'customer', 'bot', 'customer', 'bot', 'customer', 'bot']);
  }, 90_000);
});
