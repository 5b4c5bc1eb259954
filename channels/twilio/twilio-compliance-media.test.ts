import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { OutboxWorker } from '../../bot/app/outbox-worker.js';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { newId, packageRoot, silentLogger, type Activity, type ChannelHost } from '../../bot/core/index.js';
import { DEFAULT_HELP_TEXT, DEFAULT_OPT_IN_TEXT, fetchTwilioMedia } from './index.js';
import { startTwilioTestBed, type TwilioTestBed } from './testing/index.js';

// ---- The Messages create requests and the fake's answers are checked against Twilio's OpenAPI document here too.
const SPEC = join(packageRoot(), '..', 'shared', 'specs', 'twilio', 'twilio_api_v2010.json');
const doc = existsSync(SPEC) ? (JSON.parse(readFileSync(SPEC, 'utf8')) as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }> }) : undefined;
if (!doc) console.warn(`${SPEC} is missing: skipping the checks of requests and responses against Twilio's OpenAPI document`);
const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array' });
addFormatsModule.default(ajv);
ajv.addFormat('phone-number', /^(?:[a-z-]+:)?(?:\+[1-9]\d{6,14}|\d{3,8}|[A-Za-z0-9 ]{1,11})$/);
ajv.addFormat('date-time-rfc-2822', /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
ajv.addFormat('currency', /^[A-Z]{3}$/);
ajv.addFormat('uri-map', true);
if (doc) ajv.addSchema({ ...doc, $id: 'twilio' });
const form = doc?.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json']?.post.requestBody.content['application/x-www-form-urlencoded']?.schema;
const createRequest = form && ajv.compile(JSON.parse(JSON.stringify(form).replaceAll('"#/components/', '"twilio#/components/')));
const messageResource = doc && ajv.compile({ $ref: 'twilio#/components/schemas/api.v2010.account.message' });

let home: string;
let parley: Parley;
let bed: TwilioTestBed;
let evil: Server;
let evilUrl: string;
const evilHits: string[] = [];
const seen: Activity[] = [];
let mark = 0;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-twilio-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  parley.bot.use(async (ctx, next) => {
    seen.push(ctx.activity);
    await next();
  });
  const host: ChannelHost = channelHost(parley);
  bed = await startTwilioTestBed(host);
  // A host that is not Twilio's: it must never be asked for anything.
  evil = createServer((req, res) => {
    evilHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' }).end('x');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://localhost:${(evil.address() as { port: number }).port}`;
});
afterAll(async () => {
  await bed.close();
  await new Promise((resolve) => evil.close(resolve));
  await parley.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => {
  mark = bed.fake.requests.length;
});
afterEach(async () => {
  await bed.channel.idle();
  for (const r of bed.fake.requests.filter((q) => q.path.endsWith('/Messages.json'))) {
    if (createRequest) expect([createRequest(structuredClone(r.form)), createRequest.errors ?? null]).toEqual([true, null]);
    if (messageResource && r.status === 201) expect([messageResource(r.response), messageResource.errors ?? null]).toEqual([true, null]);
  }
});

const sent = () => bed.fake.requests.slice(mark).filter((r) => r.path.endsWith('/Messages.json') && r.status === 201).map((r) => r.form as Record<string, string>);
let n = 0;
const customer = (): string => `+1555020${String(++n).padStart(4, '0')}`;
const say = async (from: string, body: string, extra: { media?: { url: string; contentType: string }[]; messageSid?: string } = {}): Promise<Record<string, string>> => {
  const params = bed.message({ from, body, ...extra });
  expect((await bed.postMessage(params)).status).toBe(200);
  await bed.channel.idle();
  return params;
};
const conversationOf = async (address: string): Promise<string> => (await parley.store.findConversationRef('twilio', address))!.conversationId;

describe('opt-out, opt-in and help keywords', () => {
  test('STOP stores the opt-out and sends nothing; a later question is recorded but not answered', async () => {
    const from = customer();
    await say(from, 'STOP');
    expect(await parley.store.isOptedOut('twilio', from)).toBe(true);
    await say(from, 'how long do refunds take?');
    expect(sent()).toEqual([]);
    const messages = await parley.store.listMessages(await conversationOf(from));
    expect(messages.map((m) => [m.role, m.text.slice(0, 25)])).toEqual([['customer', 'STOP'], ['customer', 'how long do refunds take?'], ['bot', expect.any(String)]]);
    // The held reply is dropped for good (not left as failed for the retry worker).
    expect((await parley.store.listPendingOutbound(1000)).filter((o) => o.conversationId === messages[0]!.conversationId)).toEqual([]);
    const inbox = await parley.store.receiveInbound(messages[1]!.activity);
    expect((await parley.store.listOutboundFor(inbox.inboxId)).map((o) => o.status)).toEqual(['dropped']);
  });

  test('after START, the retry worker never sends the reply held back while the customer had opted out', async () => {
    const from = customer();
    await say(from, 'STOP');
    await say(from, 'how long do refunds take?');
    await say(from, 'START');
    const worker = new OutboxWorker({ store: parley.store, adapters: new Map([['twilio', bed.channel.adapter]]), logger: silentLogger, graceMs: 0 });
    expect(await worker.pass()).toBe(0);
    expect(sent().map((m) => m.Body)).toEqual([DEFAULT_OPT_IN_TEXT]);
  });

  test.each(['stopall', 'Unsubscribe', 'CANCEL', 'end', 'Quit.'])('%s opts out too', async (word) => {
    const from = `whatsapp:${customer()}`;
    await say(from, word);
    expect(await parley.store.isOptedOut('twilio', from)).toBe(true);
    expect(sent()).toEqual([]);
  });

  test('START opts back in with one short confirmation, even when redelivered; then questions are answered again', async () => {
    const from = customer();
    await say(from, 'STOP');
    const start = bed.message({ from, body: 'Start' });
    for (let i = 0; i < 3; i++) await bed.postMessage(start);
    await bed.channel.idle();
    expect(await parley.store.isOptedOut('twilio', from)).toBe(false);
    expect(sent()).toEqual([expect.objectContaining({ To: from, Body: DEFAULT_OPT_IN_TEXT })]);
    await say(from, 'how long do refunds take?');
    expect(sent().map((m) => m.Body)).toEqual([DEFAULT_OPT_IN_TEXT, expect.stringMatching(/refund/i)]);
  });

  test('HELP answers with the help text', async () => {
    const from = customer();
    await say(from, 'help');
    expect(sent()).toEqual([expect.objectContaining({ To: from, Body: DEFAULT_HELP_TEXT })]);
  });

  test('a proactive send (e.g. an agent reply) to an opted-out customer is refused and sends nothing', async () => {
    const from = customer();
    await say(from, 'STOP');
    const activity: Activity = { id: newId('act'), type: 'message', channel: 'twilio', conversationId: await conversationOf(from), from: { id: 'agent-1', role: 'agent' }, text: 'Hi, Alex here', timestamp: new Date().toISOString() };
    await expect(bed.channel.adapter.send(activity)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(bed.channel.adapter.send({ ...activity, conversationId: 'conv_unknown' })).rejects.toMatchObject({ code: 'not_found' });
    expect(sent()).toEqual([]);
  });
});

describe('MMS and WhatsApp media', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  test("an image is fetched with the account's Basic auth, via the CDN redirect without it, and attached as data", async () => {
    const url = bed.fake.addMedia({ contentType: 'image/png', data: png });
    const audio = bed.fake.addMedia({ contentType: 'audio/ogg', data: Buffer.from('OggS') });
    const params = await say(customer(), 'does this come in navy?', { media: [{ url, contentType: 'image/png' }, { url: audio, contentType: 'audio/ogg' }] });
    const fetches = bed.fake.requests.slice(mark).filter((r) => r.method === 'GET');
    const auth = `Basic ${Buffer.from(`${bed.options.accountSid}:${bed.options.authToken}`).toString('base64')}`;
    expect(fetches.map((r) => [r.path.replace(/ME\w+$/, 'ME…'), r.status, r.headers.authorization])).toEqual([
      [expect.stringMatching(/\/Media\/ME…$/), 307, auth],
      ['/cdn/ME…', 200, undefined],
    ]);
    const activity = seen.find((a) => a.channelMessageId === params.MessageSid)!;
    expect(activity.attachments).toEqual([
      { contentType: 'image/png', name: 'media-0', data: expect.any(Uint8Array) },
      { contentType: 'audio/ogg', name: 'media-1' },
    ]);
    expect(Buffer.from(activity.attachments![0]!.data!).equals(png)).toBe(true);
    expect(sent()).toHaveLength(1);
  });

  test('media on a host that is not Twilio, behind a redirect away from Twilio, or over the size cap is not attached', async () => {
    const foreign = `${evilUrl}/2010-04-01/Accounts/${bed.options.accountSid}/Messages/MM${'1'.repeat(32)}/Media/ME${'2'.repeat(32)}`;
    const redirected = bed.fake.addMedia({ contentType: 'image/png', data: png, redirectTo: `${evilUrl}/steal` });
    const huge = bed.fake.addMedia({ contentType: 'image/jpeg', data: Buffer.alloc(5 * 1024 * 1024 + 1), redirectTo: null });
    const params = await say(customer(), 'how long do refunds take?', {
      media: [{ url: foreign, contentType: 'image/png' }, { url: redirected, contentType: 'image/png' }, { url: huge, contentType: 'image/jpeg' }],
    });
    expect(evilHits).toEqual([]);
    const options = { accountSid: bed.options.accountSid, authToken: bed.options.authToken, apiUrl: bed.fake.url };
    await expect(fetchTwilioMedia(foreign, options)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/not a Twilio media resource/) });
    await expect(fetchTwilioMedia(redirected, options)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/redirect to a host that is not Twilio's/) });
    await expect(fetchTwilioMedia(huge, options)).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(fetchTwilioMedia(huge, { ...options, maxBytes: 6 * 1024 * 1024 })).resolves.toMatchObject({ contentType: 'image/jpeg' });
    expect(evilHits).toEqual([]);
    // Without a Content-Length the cap applies while streaming.
    const chunked = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.alloc(600));
      res.end(Buffer.alloc(600));
    });
    await new Promise<void>((resolve) => chunked.listen(0, '127.0.0.1', resolve));
    const chunkedUrl = `http://127.0.0.1:${(chunked.address() as { port: number }).port}`;
    const path = new URL(huge).pathname;
    await expect(fetchTwilioMedia(`${chunkedUrl}${path}`, { ...options, apiUrl: chunkedUrl, maxBytes: 1000 })).rejects.toMatchObject({ code: 'payload_too_large' });
    await expect(fetchTwilioMedia(`${chunkedUrl}${path}`, { ...options, apiUrl: chunkedUrl, maxBytes: 1200 })).resolves.toMatchObject({ data: expect.any(Uint8Array) });
    await new Promise((resolve) => chunked.close(resolve));
    const activity = seen.find((a) => a.channelMessageId === params.MessageSid)!;
    expect(activity.attachments).toBeUndefined();
    // The message itself is still answered.
    expect(sent()).toHaveLength(1);
  });
});

describe('long replies and images', () => {
  const long = Array.from({ length: 60 }, (_, i) => `Step ${i + 1}: pack the item in its original bag and keep the receipt.`).join(' ');

  test.each([['SMS', ''], ['WhatsApp', 'whatsapp:']])('a long %s reply is split at sentence ends into numbered messages of at most 1600 characters', async (_label, prefix) => {
    const from = `${prefix}${customer()}`;
    await say(from, 'hi');
    mark = bed.fake.requests.length;
    const conversationId = await conversationOf(from);
    await bed.channel.adapter.send({
      id: newId('act'), type: 'message', channel: 'twilio', conversationId, from: { id: 'parley', role: 'bot' }, text: long, timestamp: new Date().toISOString(),
      images: [{ url: '/assets/size-chart.svg', alt: 'Size chart' }],
    });
    const parts = sent();
    expect(parts.length).toBe(3);
    parts.forEach((part, i) => {
      expect(part.To).toBe(from);
      expect(part.Body!.length).toBeLessThanOrEqual(1600);
      expect(part.Body).toMatch(new RegExp(`receipt\\. \\(${i + 1}/3\\)$`));
    });
    expect(parts.map((p) => p.Body!.replace(/ \(\d\/3\)$/, '')).join(' ')).toBe(long);
    expect(parts.map((p) => p.MediaUrl)).toEqual([`${bed.url}/assets/size-chart.svg`, undefined, undefined]);
  });
});
