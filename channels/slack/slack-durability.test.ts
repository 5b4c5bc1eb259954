import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { ParleyError, silentLogger, type ChannelHost } from '../../bot/core/index.js';
import { DM_CHANNEL, dmEvent } from './testing/payloads.js';
import { startSlackHarness, waitFor, type SlackHarness } from './testing/harness.js';

// Finding replayed: the Slack receiver acked with 200 before the message was stored anywhere, so a crash between the
// ack and the turn lost a message Slack never redelivers. Here processing "dies" right after the 200: the request
// must be in the store already, and the restarted process's recovery pass must answer it, once.

let home: string;
let parley: Parley;
let host: ChannelHost;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-slack-durable-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_VISION: 'false' }), { logger: silentLogger });
  host = channelHost(parley);
});

afterAll(async () => {
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

const later = (ms: number): string => new Date(Date.now() + ms).toISOString();
const pendingIds = async (): Promise<string[]> =>
  // Claiming far in the future hands out every unfinished request (and counts an attempt: only used to look).
  (await parley.store.deliveries.claimStale({ channel: 'slack', staleBefore: later(3_600_000), limit: 1000 })).map((d) => d.id);

test('an acked Slack event is stored before the 200 and answered by the recovery pass after a crash', async () => {
  const crashed = await startSlackHarness(host);
  let died = 0;
  crashed.channel.app.processEvent = async () => {
    died++;
    throw new Error('the process died after acknowledging the event');
  };
  const event = dmEvent('how long do refunds take?');
  const response = await crashed.deliverEvent(event);
  expect(response.statusCode).toBe(200);
  await crashed.settle();
  expect(died).toBe(1);
  expect(crashed.fake.posts()).toHaveLength(0);
  await crashed.close();
  expect(await pendingIds()).toEqual([event.event_id]);

  // The restarted process: its first recovery pass processes the request the dead one left.
  let restarted: SlackHarness | undefined;
  try {
    restarted = await startSlackHarness(host);
    const bed = restarted;
    const toCustomer = () => bed.fake.posts().filter((p) => p.params.channel === DM_CHANNEL);
    await waitFor(() => toCustomer().length > 0, 15_000, 'the recovered reply');
    await bed.settle();
    expect(toCustomer()).toHaveLength(1);
    // Processed: the record is gone, so later passes do not run it again.
    await waitFor(async () => (await pendingIds()).length === 0, 5_000, 'the record to be forgotten');
    // Slack's own retry of the same event afterwards posts nothing more (the durable inbox drops it by event_id).
    expect((await bed.deliverEvent(event, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).statusCode).toBe(200);
    await bed.settle();
    expect(toCustomer()).toHaveLength(1);
    expect(await pendingIds()).toEqual([]);
  } finally {
    await restarted?.close();
  }
});

test('a request Bolt failed to process stays recorded and a later pass, after the lease, processes it', async () => {
  const h = await startSlackHarness(host, { channel: { recovery: { leaseMs: 0, intervalMs: 3_600_000 } } });
  try {
    const process = h.channel.app.processEvent.bind(h.channel.app);
    let failures = 1;
    h.channel.app.processEvent = async (event) => {
      if (failures-- > 0) throw new Error('Bolt failed');
      return process(event);
    };
    const event = dmEvent('where is my parcel?', { channel: 'D0CUSTOMER2' });
    expect((await h.deliverEvent(event)).statusCode).toBe(200);
    await h.settle();
    expect(h.fake.posts().filter((p) => p.params.channel === 'D0CUSTOMER2')).toHaveLength(0);
    if (!('recover' in h.channel.receiver)) throw new Error('expected the HTTP receiver');
    const receiver = h.channel.receiver;
    // The crashed turn's lease expires: recovery runs it again, once.
    expect(await waitFor(() => receiver.recover(), 5_000, 'the receiver to recover the crashed turn')).toBe(1);
    await h.settle();
    expect(h.fake.posts().filter((p) => p.params.channel === 'D0CUSTOMER2')).toHaveLength(1);
    expect(await pendingIds()).toEqual([]);
  } finally {
    await h.close();
  }
});

test('when the store cannot record the request, Slack gets an error (and redelivers) instead of a 200', async () => {
  const h = await startSlackHarness(host);
  const record = parley.store.deliveries.record.bind(parley.store.deliveries);
  parley.store.deliveries.record = async () => {
    throw new ParleyError('store_unavailable', 'the database cannot be reached');
  };
  try {
    const event = dmEvent('hello?', { channel: 'D0CUSTOMER3' });
    const response = await h.deliverEvent(event);
    expect(response.statusCode).toBe(503);
    await h.settle();
    expect(h.fake.posts().filter((p) => p.params.channel === 'D0CUSTOMER3')).toHaveLength(0);
  } finally {
    parley.store.deliveries.record = record;
    await h.close();
  }
});
