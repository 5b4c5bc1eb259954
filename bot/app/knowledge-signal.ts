import type { Config } from '../config/index.js';
import type { Logger } from '../core/index.js';
import { openRedis } from '../jobs/index.js';
import { openPostgresClient, withDefaultUser } from '../storage/index.js';
import { combinedSignal, pollingSignal, type KnowledgeSignal } from '../../knowledge/index.js';
import { PostgresSignal, postgresSignalChannel } from '../../knowledge/live/postgres-signal.js';
import { RedisSignal, redisSignalChannel } from '../../knowledge/live/redis-signal.js';

/**
 * The change notification the configuration selects: Redis pub/sub when `REDIS_URL` is set, else PostgreSQL
 * LISTEN/NOTIFY with `DATABASE_URL`, each with the store's counter polled every `PARLEY_KNOWLEDGE_FALLBACK_POLL_MS`
 * beside it; polling alone (every `PARLEY_KNOWLEDGE_POLL_MS`) on the embedded SQLite store. The channel is named
 * after the store (PostgreSQL database and schema, or `PARLEY_HOME`), so stores sharing a server never hear each other.
 */
export function createKnowledgeSignal(config: Config, options: { schema: string; readSeq: () => Promise<number>; logger: Logger }): KnowledgeSignal {
  const { logger } = options;
  const live = config.liveKnowledge;
  const redisUrl = config.rateLimits.redisUrl;
  const push = redisUrl
    ? new RedisSignal({ openRedis, url: redisUrl, channel: redisSignalChannel(storeNamespace(config, options.schema)), logger })
    : config.databaseUrl
      ? new PostgresSignal({
          openClient: openPostgresClient,
          connectionString: withDefaultUser(config.databaseUrl),
          channel: postgresSignalChannel(options.schema),
          timeouts: { connectTimeoutMs: config.database.connectTimeoutMs, healthTimeoutMs: config.database.healthTimeoutMs, retryMaxMs: config.database.retryMaxMs },
          logger,
        })
      : undefined;
  const polling = pollingSignal({ readSeq: options.readSeq, intervalMs: push ? live.fallbackPollMs : live.pollMs, logger });
  return combinedSignal({ ...(push ? { push } : {}), polling, logger });
}

/** Names the store the instances share (its SQLite home, or PostgreSQL server, database and schema): their pub/sub channels' suffix. */
export function storeNamespace(config: Config, schema: string): string {
  if (!config.databaseUrl) return `sqlite:${config.home}`;
  const url = new URL(config.databaseUrl);
  return `postgres:${url.hostname}:${url.port || '5432'}${url.pathname}/${schema}`;
}
