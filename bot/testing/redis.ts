import { Redis } from 'ioredis';
import { loadConfig } from '../config/index.js';

/**
 * Redis for tests: `REDIS_URL`, default `redis://127.0.0.1:6379`. `available` is false, with the reason logged, when
 * the server cannot be reached; under `PARLEY_REQUIRE_SERVICES=1` that throws instead, so CI cannot skip silently.
 */
export async function redisForTests(what: string): Promise<{ available: boolean; url: string }> {
  const config = loadConfig();
  const url = config.rateLimits.redisUrl ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  let problem: string | undefined;
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  } finally {
    client.disconnect();
  }
  if (problem === undefined) return { available: true, url };
  const reason = `Redis at ${url} is unreachable (${problem})`;
  if (config.requireServices) throw new Error(`${reason}; PARLEY_REQUIRE_SERVICES=1 requires it`);
  console.warn(`${reason}: skipping ${what}`);
  return { available: false, url };
}
