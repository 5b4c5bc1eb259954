import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { TurnRecovery } from '../../bot/app/turn-recovery.js';
import { loadConfig } from '../../bot/config/index.js';
import { silentLogger, type Bot } from '../../bot/core/index.js';
import { startTwilioTestBed, type TwilioTestBed } from './testing/index.js';
import { waitFor } from '../../bot/core/testing/wait.js';

// Finding replayed: Twilio got its 200 before the message was in the durable inbox, so a crash in between lost a
// message Twilio never redelivers. Here the turn "dies" right after the 200: the message must be stored already,
// and the recovery loop (the restarted process) must answer it.

let home: string;
let parley: Parley;
let bed: TwilioTestBed;
let crashAfterAck = true;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-twilio-durable-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home, PARLEY_VISION: 'false' }), { logger: silentLogger });
  const run: Bot['run'] = parley.bot.run.bind(parley.bot);
  parley.bot.run = async (activity, sink) => {
    if (crashAfterAck) throw new Error('the process died after acknowledging the webhook');
    return run(activity, sink);
  };
  bed = await startTwilioTestBed(channelHost(parley));
});

afterAll(async () => {
  await bed.close();
  await parley.close();
  await rm(home, { recursive: true, force: true });
});

test('an acknowledged SMS is in the durable inbox before the 200, and is answered after the crash', async () => {
  const params = bed.message({ from: '+15550109999', body: 'how long do refunds take?' });
  const res = await bed.postMessage(params);
  expect(res.status).toBe(200);
  await bed.channel.idle();
  const sent = () => bed.fake.requests.filter((r) => r.path.endsWith('/Messages.json') && r.status === 201);
  expect(sent()).toHaveLength(0);

  const waiting = (await parley.store.listRecoverableInbound({ acceptedBefore: new Date(Date.now() + 60_000).toISOString(), limit: 1000 })).filter(
    (row) => row.activity.channelMessageId === params.MessageSid,
  );
  expect(waiting).toEqual([expect.objectContaining({ status: 'accepted', activity: expect.objectContaining({ channel: 'twilio', text: 'how long do refunds take?' }) })]);
  const conversationId = waiting[0]!.activity.conversationId;
  expect((await parley.store.listMessages(conversationId)).map((m) => m.text)).toEqual(['how long do refunds take?']);

  crashAfterAck = false;
  const recovery = new TurnRecovery({ bot: parley.bot, store: parley.store, logger: silentLogger, acceptGraceMs: 0, resume: (channel) => (channel === 'twilio' ? (a) => bed.channel.resume(a) : undefined) });
  // The crashed turn's lease expires: a pass runs it again.
  await waitFor(async () => (await recovery.pass()) >= 1, 5_000, 'the recovery pass to run the crashed turn');
  expect(sent().map((r) => (r.form as Record<string, string>).To)).toEqual(['+15550109999']);
  // A redelivery of the same MessageSid afterwards sends nothing more.
  expect((await bed.postMessage(params)).status).toBe(200);
  await bed.channel.idle();
  expect(sent()).toHaveLength(1);
});
