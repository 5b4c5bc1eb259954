import type { FastifyInstance } from 'fastify';
import type { Parley } from './parley.js';

/** One dependency check of `/ready`: ok with its time, or the error. */
export type ProbeCheck = { ok: true; ms: number } | { ok: false; error: string };

/** What the probes need beyond the {@link Parley} instance: the Redis ping when `REDIS_URL` is set. */
export interface ProbeDependencies {
  redis?: () => Promise<void>;
  /** Qdrant's readiness probe when `QDRANT_URL` is set (retrieval needs it). */
  qdrant?: () => Promise<void>;
  /** True once the server is shutting down: `/ready` answers 503 so load balancers stop sending it work. */
  stopping?: () => boolean;
}

/** Runs `check` and times it; a throw becomes `{ ok: false, error }`. */
async function probe(check: () => Promise<void>): Promise<ProbeCheck> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Registers the operations endpoints:
 * - `GET /health`: the server is up, with the database check and what the knowledge base and try-on hold (503 while
 *   the database fails, as load balancers expect);
 * - `GET /ready`: every dependency a turn needs answers — the database, Redis when `REDIS_URL` is set and Qdrant
 *   (`/readyz`) when `QDRANT_URL` is set (the knowledge base is loaded before the server listens) — 200 `{"status":"ready"}` or 503 `{"status":"not_ready"}`,
 *   with each check;
 * - `GET /metrics`: Prometheus metrics ({@link ParleyMetrics}).
 */
export function registerProbes(app: FastifyInstance, parley: Parley, dependencies: ProbeDependencies = {}): void {
  const database = () => probe(() => parley.store.ping(parley.config.database.healthTimeoutMs));
  app.get('/health', async (_request, reply) => {
    const db = await database();
    return reply.status(db.ok ? 200 : 503).send({
      status: db.ok ? 'ok' : 'degraded',
      store: parley.store.kind,
      tickets: parley.knowledge.size,
      // The knowledge model version answers come from (`parley knowledge status` tells more).
      knowledgeVersion: parley.knowledge.version,
      // Try-on models load in the background after start: `loading`, then `ready` (or `off` with PARLEY_VISION=false).
      vision: parley.tryOn ? (parley.tryOn.ready ? 'ready' : 'loading') : 'off',
      // Messages kept locally while the database was unavailable and not yet run.
      keptMessages: parley.spool.size,
      checks: { database: db },
    });
  });
  app.get('/ready', async (_request, reply) => {
    const { redis, qdrant, stopping } = dependencies;
    if (stopping?.()) return reply.status(503).send({ status: 'stopping', checks: {} });
    const checks: Record<string, ProbeCheck> = {
      database: await database(),
      ...(redis ? { redis: await probe(redis) } : {}),
      ...(qdrant ? { qdrant: await probe(qdrant) } : {}),
    };
    const ready = Object.values(checks).every((check) => check.ok);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await parley.metrics.render();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
