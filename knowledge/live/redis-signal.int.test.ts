import { randomUUID } from 'node:crypto';
import { redisForTests } from '../../bot/testing/redis.js';
import { startTcpProxy } from '../../bot/testing/tcp-proxy.js';
import { openRedis } from '../../bot/jobs/index.js';
import { RedisSignal, redisSignalChannel } from './redis-signal.js';
import { waitFor } from '../../bot/testing/wait.js';

const redis = await redisForTests('the Redis knowledge signal tests');
const describeIfRedis = redis.available ? describe : describe.skip;

const until = (what: string, check: () => boolean): Promise<boolean> => waitFor(check, 10_000, what);

/** Waits until `signal`'s channel reaches the subscriber: a published probe arrives. */
async function subscribed(signal: RedisSignal, heard: unknown[], probeSeq: number): Promise<void> {
  await waitFor(async () => heard.includes(probeSeq) || void (await signal.notify(probeSeq)), 5_000, 'the subscriber to subscribe');
}

describeIfRedis('RedisSignal (pub/sub)', () => {
  it('delivers a notify to every subscriber of the store, and to no other store', async () => {
    const channel = redisSignalChannel(`test-${randomUUID()}`);
    const writer = new RedisSignal({ openRedis, url: redis.url, channel });
    const reader = new RedisSignal({ openRedis, url: redis.url, channel });
    const strangerChannel = redisSignalChannel(`test-${randomUUID()}`);
    const stranger = new RedisSignal({ openRedis, url: redis.url, channel: strangerChannel });
    const strangerWriter = new RedisSignal({ openRedis, url: redis.url, channel: strangerChannel });
    const heard: Array<number | undefined> = [];
    const strangerHeard: Array<number | undefined> = [];
    try {
      reader.subscribe((seq) => void heard.push(seq));
      stranger.subscribe((seq) => void strangerHeard.push(seq));
      await subscribed(writer, heard, 0);
      await subscribed(strangerWriter, strangerHeard, 0);
      heard.length = 0;
      strangerHeard.length = 0;
      await writer.notify(42);
      await until('the message', () => heard.length === 1);
      expect(heard).toEqual([42]);
      // Redis delivers a subscriber's messages in the order they were published: a probe on the other store's channel,
      // published after 42 was delivered, arrives after 42 would have.
      await strangerWriter.notify(7);
      await until('the probe on the other channel', () => strangerHeard.includes(7));
      expect(strangerHeard.filter((seq) => seq !== 0)).toEqual([7]);
    } finally {
      await Promise.all([writer.close(), reader.close(), stranger.close(), strangerWriter.close()]);
    }
  });

  it('resubscribes after the connection is cut, calls listeners once to catch up, and hears the next notify', async () => {
    const url = new URL(redis.url);
    const proxy = await startTcpProxy({ targetHost: url.hostname, targetPort: Number(url.port || 6379) });
    const channel = redisSignalChannel(`test-${randomUUID()}`);
    const writer = new RedisSignal({ openRedis, url: redis.url, channel });
    const reader = new RedisSignal({ openRedis, url: proxy.proxiedUrl(redis.url), channel, retryMaxMs: 300 });
    const heard: Array<number | undefined> = [];
    try {
      reader.subscribe((seq) => void heard.push(seq));
      await subscribed(writer, heard, 0);
      heard.length = 0;
      proxy.cut();
      // Published while the reader is away: lost, which is why the reader looks once it is back (the catch-up call,
      // without a counter, is then the first thing it hears: a delivered 1 would come before it).
      await writer.notify(1);
      proxy.restore();
      await until('the catch-up call', () => heard.length === 1);
      expect(heard).toEqual([undefined]);
      await writer.notify(2);
      await until('the next message', () => heard.length === 2);
      expect(heard).toEqual([undefined, 2]);
    } finally {
      await Promise.all([writer.close(), reader.close()]);
      await proxy.close();
    }
  });

  it('notify fails with store_unavailable when Redis does not answer', async () => {
    const proxy = await startTcpProxy({ targetHost: '127.0.0.1', targetPort: 6379 });
    proxy.cut();
    const signal = new RedisSignal({ openRedis, url: proxy.proxiedUrl(redis.url), channel: redisSignalChannel(`test-${randomUUID()}`), connectTimeoutMs: 300, commandTimeoutMs: 300 });
    try {
      await expect(signal.notify(1)).rejects.toMatchObject({ code: 'store_unavailable' });
    } finally {
      await signal.close();
      await proxy.close();
    }
  });
});
