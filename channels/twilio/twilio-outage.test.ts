import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InboundSpool, SAVED_NOTICE_TEXT } from '../../bot/app/inbound-spool.js';
import { Bot, ConversationTokens, silentLogger, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { EMPTY_TWIML } from './index.js';
import { startTwilioTestBed, type TwilioTestBed } from './testing/index.js';
import { flakyStore } from '../../bot/testing/flaky-store.js';

// Finding replayed: while the database was unreachable the Twilio webhook answered 503, and Twilio does not retry a
// failed webhook, so the SMS was lost. Now it is kept in the spool, the customer is told it is saved, and its answer
// goes out by SMS once the database is back.

let home: string;
let base: Store;
let store: Store;
let setDown: (down: boolean) => void;
let spool: InboundSpool;
let bed: TwilioTestBed;
const turns: string[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-twilio-outage-'));
  base = await openStore({ home });
  ({ store, setDown } = flakyStore(base));
  spool = new InboundSpool({ dir: join(home, 'spool'), retryIntervalMs: 60_000 });
  const bot = new Bot({
    store,
    spool,
    handler: async (ctx) => {
      turns.push(ctx.activity.text);
      await ctx.send({ text: `answer to ${ctx.activity.text}` });
    },
  });
  bed = await startTwilioTestBed({ bot, store, tokens: new ConversationTokens('x'.repeat(32)), apiKey: undefined, logger: silentLogger });
  await spool.start({ process: (activity, sink) => bot.processActivity(activity, sink), sinkFor: () => ({ send: async () => undefined }) });
});

afterAll(async () => {
  await bed.close();
  await spool.stop();
  await base.close();
  await rm(home, { recursive: true, force: true });
});

const sent = (to: string) =>
  bed.fake.requests.filter((r) => r.path.endsWith('/Messages.json') && r.status === 201 && (r.form as Record<string, string>).To === to).map((r) => (r.form as Record<string, string>).Body);

test('an SMS that arrives while the database is down is kept, acknowledged, told it is saved, and answered once it is back', async () => {
  const from = '+15550107001';
  const params = bed.message({ from, body: 'where is my order?' });
  setDown(true);
  const res = await bed.postMessage(params);
  expect(res.status).toBe(200);
  expect(res.body).toBe(EMPTY_TWIML);
  // Twilio redelivers the same MessageSid: kept once, told once.
  expect((await bed.postMessage(params)).status).toBe(200);
  await bed.channel.idle();
  expect(spool.size).toBe(1);
  expect(sent(from)).toEqual([SAVED_NOTICE_TEXT]);
  expect(turns).toEqual([]);

  // Still down: the drainer leaves it kept.
  await spool.drain();
  expect(spool.size).toBe(1);

  setDown(false);
  await spool.drain();
  expect(spool.size).toBe(0);
  expect(turns).toEqual(['where is my order?']);
  expect(sent(from)).toEqual([SAVED_NOTICE_TEXT, 'answer to where is my order?']);
  const link = await store.findConversationRef('twilio', from);
  expect(link?.ref).toEqual({ address: from, to: params.To });
  expect((await store.listMessages(link!.conversationId)).map((m) => m.text)).toEqual(['where is my order?', 'answer to where is my order?']);

  // A redelivery once the database is back runs nothing again.
  expect((await bed.postMessage(params)).status).toBe(200);
  await bed.channel.idle();
  expect(turns).toHaveLength(1);
  expect(sent(from)).toHaveLength(2);
});

test('STOP sent while the database is down gets no "saved" notice, and the opt-out is recorded once it is back', async () => {
  const from = '+15550107002';
  setDown(true);
  expect((await bed.postMessage(bed.message({ from, body: 'STOP' }))).status).toBe(200);
  await bed.channel.idle();
  expect(sent(from)).toEqual([]);
  setDown(false);
  await spool.drain();
  expect(spool.size).toBe(0);
  expect(await store.isOptedOut('twilio', from)).toBe(true);
  expect(turns).not.toContain('STOP');
});

test('a message that comes once the database is back runs after the sender\'s kept one, before the drainer gets to it', async () => {
  const from = '+15550107003';
  setDown(true);
  expect((await bed.postMessage(bed.message({ from, body: 'first, during the outage' }))).status).toBe(200);
  setDown(false);
  expect((await bed.postMessage(bed.message({ from, body: 'second, after it' }))).status).toBe(200);
  await bed.channel.idle();
  expect(spool.size).toBe(0);
  expect(turns.slice(-2)).toEqual(['first, during the outage', 'second, after it']);
  expect(sent(from)).toEqual([SAVED_NOTICE_TEXT, 'answer to first, during the outage', 'answer to second, after it']);
});
