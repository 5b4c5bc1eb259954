import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RateLimitConfig } from '../config/index.js';
import { openRedis } from '../jobs/index.js';
import { ParleyError, type LimitedAction, type Logger, type RequestLimiter } from '../core/index.js';

/** The window every per-address limit counts in (the settings are "per minute"). */
const WINDOW_MS = 60_000;

/** A registered limiter and what it holds open (the Redis connection). */
export interface RateLimits {
  limiter: RequestLimiter;
  /** Pings the shared Redis (`/ready`), when `REDIS_URL` is set. */
  pingRedis?: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Registers `@fastify/rate-limit` on `app` (not on every route: `global: false`) with a Redis store when `REDIS_URL`
 * is set, so that all instances count together, and returns a {@link RequestLimiter} with one counter per action and
 * address. Addresses in `allowList` (default loopback: load tests, and a reverse proxy on the same host unless
 * `PARLEY_TRUST_PROXY` names it) are not limited. Redis errors let requests through (`skipOnError`) and are logged.
 */
export async function registerRateLimits(app: FastifyInstance, config: RateLimitConfig, logger: Logger): Promise<RateLimits> {
  // A request waits at most about a second for Redis, then is let through (skipOnError): limits never take the chat down.
  const redis = config.redisUrl ? await openRedis(config.redisUrl, { connectTimeout: 2_000, commandTimeout: 1_000, maxRetriesPerRequest: 1 }) : undefined;
  let lastRedisError = 0;
  redis?.on('error', (error: Error) => {
    // One line a minute at most: an unreachable Redis must not flood the log.
    if (Date.now() - lastRedisError < 60_000) return;
    lastRedisError = Date.now();
    logger.warn({ error: error.message }, 'rate limits: Redis unavailable, counting is skipped until it is back');
  });
  await app.register(rateLimit, { global: false, skipOnError: true, nameSpace: 'parley-rl:', ...(redis ? { redis } : {}) });
  const allowed = new Set(config.allowList);
  const maxOf: Record<LimitedAction, number> = { conversation: config.conversations, message: config.messages, upload: config.uploads, login: config.logins };
  const checkers = Object.fromEntries(
    (Object.keys(maxOf) as LimitedAction[]).map((action) => [
      action,
      app.createRateLimit({ max: maxOf[action], timeWindow: WINDOW_MS, keyGenerator: (request) => `${action}:${request.ip}` }),
    ]),
  ) as Record<LimitedAction, ReturnType<FastifyInstance['createRateLimit']>>;
  const limiter: RequestLimiter = {
    async take(action, address) {
      if (allowed.has(address)) return;
      // The checker reads the client address and the route's rate-limit group from the request; sockets have no route.
      const result = await checkers[action]({ ip: address, routeOptions: { config: {} } } as unknown as FastifyRequest);
      if (result.isAllowed || !result.isExceeded) return;
      throw new ParleyError('rate_limited', `too many ${PLURAL[action]} from this address; try again in ${result.ttlInSeconds} seconds`, {
        details: { retryAfterSeconds: result.ttlInSeconds },
      });
    },
  };
  const close = async () => {
    if (!redis) return;
    await redis.quit().catch(() => redis.disconnect());
  };
  const pingRedis = redis ? async () => void (await redis.ping()) : undefined;
  return { limiter, close, ...(pingRedis ? { pingRedis } : {}) };
}

const PLURAL: Record<LimitedAction, string> = { conversation: 'new conversations', message: 'messages', upload: 'uploads', login: 'sign-in attempts' };
