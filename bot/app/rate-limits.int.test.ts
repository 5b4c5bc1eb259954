import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { redisForTests } from '../testing/redis.js';
import { registerRateLimits, type RateLimits } from './rate-limits.js';

const redis = await redisForTests('the shared rate-limit test');
const maybe = redis.available ? describe : describe.skip;

maybe('rate limits on Redis (REDIS_URL)', () => {
  it('counts one address across server instances', async () => {
    const config = loadConfig({ REDIS_URL: redis.url, PARLEY_RATE_LIMIT_CONVERSATIONS: '3', PARLEY_RATE_LIMIT_ALLOWLIST: 'none' }).rateLimits;
    const instances: RateLimits[] = [];
    const apps = [Fastify(), Fastify()];
    for (const app of apps) instances.push(await registerRateLimits(app, config, silentLogger));
    try {
      const address = `test-${randomUUID()}`;
      await instances[0]!.limiter.take('conversation', address);
      await instances[1]!.limiter.take('conversation', address);
      await instances[0]!.limiter.take('conversation', address);
      await expect(instances[1]!.limiter.take('conversation', address)).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
      // Another address has its own count.
      await expect(instances[1]!.limiter.take('conversation', `test-${randomUUID()}`)).resolves.toBeUndefined();
    } finally {
      for (const instance of instances) await instance.close();
      for (const app of apps) await app.close();
    }
  });

  it('answers the readiness ping of /ready', async () => {
    const app = Fastify();
    const limits = await registerRateLimits(app, loadConfig({ REDIS_URL: redis.url }).rateLimits, silentLogger);
    try {
      expect(limits.pingRedis).toBeDefined();
      await expect(limits.pingRedis!()).resolves.toBeUndefined();
    } finally {
      await limits.close();
      await app.close();
    }
  });
});
