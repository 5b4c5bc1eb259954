import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { startFakeQdrant } from '../../knowledge/indexes/qdrant/testing/index.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';

/** A local port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function start(env: Record<string, string> = {}): Promise<{ parley: Parley; server: RunningServer; close(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'parley-probes-'));
  const parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_VISION: 'false', ...env }), { logger: silentLogger });
  const server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  return {
    parley,
    server,
    close: async () => {
      await server.close();
      await parley.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

const chat = (url: string, text: string) =>
  fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'metrics-customer', text }) });

/** The value of one sample line of the exposition text (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics and /ready', () => {
  let running: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    running = await start();
  });
  afterAll(async () => running.close());

  it('/ready says ready with the database check (no Redis configured, so none)', async () => {
    const response = await fetch(`${running.server.url}/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe('ready');
    expect(body.checks.database?.ok).toBe(true);
    expect(body.checks.redis).toBeUndefined();
  });

  it('counts turns, replies by action, handoffs, pipeline stages and queues in the Prometheus text format', async () => {
    const before = await (await fetch(`${running.server.url}/metrics`)).text();
    expect(sample(before, 'parley_turns_total{channel="rest",outcome="done"}')).toBeUndefined();
    const statementsBefore = sample(before, 'parley_store_statements_total') ?? 0;
    const transactionsBefore = sample(before, 'parley_store_transactions_total') ?? 0;
    expect((await chat(running.server.url, 'how long do refunds take?')).status).toBe(200);
    expect((await chat(running.server.url, 'I want to talk to a human please')).status).toBe(200);

    const response = await fetch(`${running.server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'parley_turns_total{channel="rest",outcome="done"}')).toBe(2);
    expect(sample(text, 'parley_turn_duration_seconds_count{channel="rest"}')).toBe(2);
    // No per-turn CPU series: under concurrency it counted other turns' CPU (CPU per turn is process CPU over turns).
    expect(text).not.toMatch(/parley_turn_cpu_seconds/);
    expect(sample(text, 'parley_replies_total{channel="rest",action="answer"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^parley_handoffs_total\{channel="rest",reason="[a-z_]+"\} 1$/m);
    // The refund question was retrieved and composed; the handoff request never reached retrieval.
    expect(sample(text, 'parley_stage_duration_seconds_count{stage="retrieval"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'parley_stage_duration_seconds_count{stage="generation"}')).toBeGreaterThanOrEqual(1);
    // Both turns finished and their replies went out with the response: nothing waits.
    expect(sample(text, 'parley_queue_depth{queue="inbox"}')).toBe(0);
    expect(sample(text, 'parley_queue_oldest_age_seconds{queue="inbox"}')).toBe(0);
    expect(sample(text, 'parley_queue_depth{queue="handoff_jobs"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'parley_knowledge_tickets')).toBe(running.parley.knowledge.size);
    expect(sample(text, 'parley_knowledge_version')).toBe(running.parley.knowledge.version);
    expect(text).toMatch(/^parley_process_cpu_seconds_total \d/m);
    // Two turns ran statements, some in transactions (accepting each message is one).
    expect(sample(text, 'parley_store_statements_total')! - statementsBefore).toBeGreaterThan(4);
    expect(sample(text, 'parley_store_transactions_total')! - transactionsBefore).toBeGreaterThanOrEqual(2);
    // No customer words in any label or value.
    expect(text).not.toMatch(/refund|human please|metrics-customer/i);
  });
});

describe('/ready with REDIS_URL', () => {
  it('answers 503 naming Redis when it is unreachable, while /health (liveness of the database) stays 200', async () => {
    const running = await start({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    try {
      const response = await fetch(`${running.server.url}/ready`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
      expect(body).toMatchObject({ status: 'not_ready', checks: { database: { ok: true }, redis: { ok: false } } });
      expect(body.checks.redis?.error).toEqual(expect.any(String));
      expect((await fetch(`${running.server.url}/health`)).status).toBe(200);
    } finally {
      await running.close();
    }
  }, 30_000);
});

describe('/ready with QDRANT_URL', () => {
  it("checks Qdrant's readiness probe: 200 while it is ready, 503 naming Qdrant once it is not", async () => {
    const qdrant = await startFakeQdrant();
    const running = await start({ QDRANT_URL: qdrant.url });
    try {
      const ready = await fetch(`${running.server.url}/ready`);
      const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
      expect(ready.status).toBe(200);
      expect(body).toMatchObject({ status: 'ready', checks: { database: { ok: true }, qdrant: { ok: true } } });
      expect(qdrant.requests.some((r) => r.path === '/readyz')).toBe(true);

      qdrant.setReady(false);
      const notReady = await fetch(`${running.server.url}/ready`);
      const after = (await notReady.json()) as typeof body;
      expect(notReady.status).toBe(503);
      expect(after).toMatchObject({ status: 'not_ready', checks: { database: { ok: true }, qdrant: { ok: false } } });
      expect(after.checks.qdrant?.error).toMatch(/not ready: HTTP 503/);
    } finally {
      await running.close();
      await qdrant.close();
    }
  }, 60_000);
});
