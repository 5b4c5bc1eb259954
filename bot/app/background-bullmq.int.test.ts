import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startFakeHubSpot, type FakeHubSpot } from '../../engagement/hubspot/testing.js';
import { startFakeZendesk, type FakeZendesk } from '../../channels/zendesk/testing/index.js';
import { loadConfig } from '../config/index.js';
import { silentLogger } from '../core/index.js';
import { loadBullmq } from '../jobs/index.js';
import { redisForTests } from '../testing/redis.js';
import { waitFor } from '../testing/wait.js';
import { PARLEY_QUEUES } from './background.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';

/**
 * A server with `REDIS_URL` and the default `PARLEY_JOBS=auto` runs every one of its background queues on BullMQ:
 * each queue's recurring job completes in Redis (under the store's own key prefix, deleted afterwards).
 */
const redis = await redisForTests('background jobs on BullMQ');
const bullmqInstalled = await loadBullmq().then(
  () => true,
  () => false,
);
const describeIfReady = redis.available && bullmqInstalled ? describe : describe.skip;

describeIfReady('background work on BullMQ (PARLEY_JOBS=auto with REDIS_URL)', () => {
  let home: string;
  let zendesk: FakeZendesk;
  let parley: Parley;
  let server: RunningServer;
  let hubspot: FakeHubSpot;
  let client: Redis;
  let prefix: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-bullmq-bg-'));
    hubspot = await startFakeHubSpot({ accessToken: 'pat-na1-bullmq' });
    zendesk = await startFakeZendesk({ email: 'sync@acme.example', apiToken: 'zd-token' });
    const campaignsFile = join(home, 'campaigns.json');
    await writeFile(campaignsFile, JSON.stringify({ campaigns: [{ name: 'cart-rescue', trigger: { type: 'abandoned_cart', afterHours: 1 }, channels: ['email'], variants: [{ name: 'A', subject: 'Your cart', text: 'Hi {{firstName}}, your cart waits.' }] }] }));
    const config = loadConfig({
      PARLEY_HOME: home,
      PARLEY_SAMPLE_DATA: 'false',
      PARLEY_VISION: 'false',
      REDIS_URL: redis.url,
      ZENDESK_URL: zendesk.url,
      ZENDESK_EMAIL: 'sync@acme.example',
      ZENDESK_API_TOKEN: 'zd-token',
      ZENDESK_SYNC_MINUTES: '5',
      PARLEY_CAMPAIGNS_FILE: campaignsFile,
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-bullmq',
      HUBSPOT_API_URL: hubspot.url,
    });
    parley = await createParley(config, { logger: silentLogger });
    prefix = `parley:jobs:${parley.storeNamespace}`;
    client = new Redis(redis.url);
    server = await startServer(parley, { port: 0, host: '127.0.0.1', maintenanceIntervalMs: 500, serverTasksIntervalMs: 500, zendeskSyncIntervalMs: 500, engagementIntervalMs: 500, crmSyncIntervalMs: 500 });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await parley?.close();
    await zendesk?.close();
    await hubspot?.close();
    if (client) {
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length) await client.del(...keys);
      client.disconnect();
    }
    await rm(home, { recursive: true, force: true });
  });

  it('uses BullMQ, and every queue runs its job there (recurring ones on their own, scoring after an answer)', async () => {
    expect(parley.jobs.backend).toBe('bullmq');
    // A bot answer asks for a scoring pass (the scoring queue has no recurring job).
    const chat = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'bullmq-score', text: 'Hello, how long does shipping take?' }) });
    expect(chat.status).toBe(200);
    const queues = Object.values(PARLEY_QUEUES);
    const completed = async (queue: string) => client.zcard(`${prefix}:${queue}:completed`);
    await waitFor(async () => ((await Promise.all(queues.map(completed))).every((n) => n > 0) ? true : undefined), 60_000, 'a completed job in every queue');
    for (const queue of queues) expect(await client.zcard(`${prefix}:${queue}:failed`)).toBe(0);
    const counts = await parley.jobs.counts();
    expect(counts.map((c) => c.queue).sort()).toEqual([...queues].sort());
    expect(counts.every((c) => c.dead === 0)).toBe(true);
    expect(server.zendeskSync!.runs).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
