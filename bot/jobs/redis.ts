import type { Redis } from 'ioredis';
import type { RedisConnectionOptions } from '../core/index.js';

/** The `ioredis` module, loaded on the first connection so that a start without `REDIS_URL` never loads it. */
let ioredis: Promise<typeof Redis> | undefined;

/**
 * Opens a connection to `url` (`REDIS_URL`) with ioredis, the one Redis client of Parley (job queues, the knowledge
 * signal, the web chat fan-out, rate limits): the package is imported on the first call. The connection is a
 * `RedisConnection` (bot/core) for features, and the client itself for the SDKs that take one (BullMQ, the rate limiter).
 */
export async function openRedis(url: string, options: RedisConnectionOptions): Promise<Redis> {
  ioredis ??= import('ioredis').then((loaded) => loaded.Redis);
  const Client = await ioredis;
  return new Client(url, options);
}
