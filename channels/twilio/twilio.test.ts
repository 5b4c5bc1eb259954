import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { channelHost, createParley, type Parley } from '../../bot/app/parley.js';
import { loadConfig } from '../../bot/config/index.js';
import { packageRoot, silentLogger, type ChannelHost } from '../../bot/core/index.js';
import { EMPTY_TWIML, TOO_LONG_NOTICE } from './index.js';
import { startTwilioTestBed, type FakeTwilioRequest, type TwilioTestBed } from './testing/index.js';

// ---- Twilio's published OpenAPI document: every Messages create the adapter sends and every answer of the fake must fit it.
const SPEC = join(packageRoot(), '..', 'shared', 'specs', 'twilio', 'twilio_api_v2010.json');
const doc = existsSync(SPEC) ? (JSON.parse(readFileSync(SPEC, 'utf8')) as { paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: object }> } }>> }) : undefined;
if (!doc) console.warn(`${SPEC} is missing: skipping the checks of requests and responses against Twilio's OpenAPI document`);
const addFormats = addFormatsModule.default;
// Form fields arrive as strings; coercion applies the document's types (booleans, integers, MediaUrl as an array).
const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: 'array' });
addFormats(ajv);
ajv.addFormat('phone-number', /^(?:[a-z-]+:)?(?:\+[1-9]\d{6,14}|\d{3,8}|[A-Za-z0-9 ]{1,11})$/);
ajv.addFormat('date-time-rfc-2822', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
ajv.addFormat('currency', /^[A-Z]{3}$/);
ajv.addFormat('uri-map', true);
let createRequest: ValidateFunction | undefined;
let messageResource: ValidateFunction | undefined;
let requestFields: string[] = [];
if (doc) {
  ajv.addSchema({ ...doc, $id: 'twilio' });
  const form = doc.paths['/2010-04-01/Accounts/{AccountSid}/Messages.json']!.post!.requestBody.content['application/x-www-form-urlencoded']!.schema;
  createRequest = ajv.compile(JSON.parse(JSON.stringify(form).replaceAll('"#/components/', '"twilio#/components/')));
  requestFields = Object.keys((form as { properties: object }).properties);
  messageResource = ajv.compile({ $ref: 'twilio#/components/schemas/api.v2010.account.message' });
}
function specErrors(r: FakeTwilioRequest): string[] {
  if (!r.path.endsWith('/Messages.json') || !createRequest || !messageResource) return [];
  const errors: string[] = [];
  const form = structuredClone(r.form ?? {});
  if (!createRequest(form)) errors.push(`request: ${ajv.errorsText(createRequest.errors)}`);
  const unknown = Object.keys(r.form ?? {}).filter((k) => !requestFields.includes(k));
  if (unknown.length) errors.push(`request fields not in the document: ${unknown.join(', ')}`);
  if (r.status === 201 && !messageResource(r.response)) errors.push(`response: ${ajv.errorsText(messageResource.errors)}`);
  return errors;
}

// ---- One Parley and one server for the file; each test uses its own customer number.
let home: string;
let parley: Parley;
let bed: TwilioTestBed;
let mark = 0;
/** Holds turns of messages starting with `slowly:` until the test opens it. */
let slowTurns: { opened: Promise<void>; open: () => void } | undefined;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-twilio-'));
  parley = await createParley(loadConfig({ PARLEY_HOME: home }), { logger: silentLogger });
  // A turn that lasts until the test lets it go on, to show that Twilio's request does not wait for it.
  parley.bot.use(async (ctx, next) => {
    if (ctx.activity.text.startsWith('slowly:')) await slowTurns?.opened;
    await next();
  });
  const host: ChannelHost = channelHost(parley);
  bed = await startTwilioTestBed(host);
});
afterAll(async () => {
  await bed.close();
  await parley.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => {
  mark = bed.fake.requests.length;
});
afterEach(async () => {
  await bed.channel.idle();
  expect(bed.fake.requests.flatMap(specErrors)).toEqual([]);
});

/** The message creates the fake accepted since the test began. */
const sent = () => bed.fake.requests.slice(mark).filter((r) => r.path.endsWith('/Messages.json') && r.status === 201).map((r) => r.form as Record<string, string>);
let n = 0;
const customer = (): string => `+1555010${String(++n).padStart(4, '0')}`;
const QUESTION = 'how long do refunds take?';

test('the checks against the document catch a wrong request or answer', () => {
  if (!doc) return;
  const bad: FakeTwilioRequest = {
    method: 'POST', path: '/2010-04-01/Accounts/AC0/Messages.json', headers: {}, status: 201,
    form: { To: '+15550100000', From: '+14155238886', Body: 'hi', MediaUrl: 'not a uri', Colour: 'red', ValidityPeriod: 'soon' },
    response: { sid: 'XX1', status: 'bogus', date_created: '2024-01-01T00:00:00Z', error_code: null },
  };
  expect(specErrors(bad)).toEqual([
    expect.stringMatching(/^request: .*(MediaUrl|ValidityPeriod)/),
    'request fields not in the document: Colour',
    expect.stringMatching(/^response: .*(sid|status|date_created)/),
  ]);
});

describe('POST /webhooks/twilio', () => {
  test('a signed SMS gets empty TwiML at once and exactly one reply through the Messages API', async () => {
    const from = customer();
    const params = bed.message({ from, body: QUESTION });
    const res = await bed.postMessage(params);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toBe(EMPTY_TWIML);
    await bed.channel.idle();
    expect(sent()).toEqual([{ To: from, From: '+14155238886', Body: expect.stringMatching(/refund/i), StatusCallback: `${bed.url}/webhooks/twilio/status` }]);
    expect(sent()[0]!.Body).not.toMatch(/\[\d+\]/); // no citation marker without a source list
    const request = bed.fake.requests.slice(mark).find((r) => r.path.endsWith('/Messages.json'))!;
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${bed.options.accountSid}:${bed.options.authToken}`).toString('base64')}`);
    expect(request.headers['user-agent']).toMatch(/^twilio-node\//);
    const ref = await parley.store.findConversationRef('twilio', from);
    expect(ref?.ref).toEqual({ address: from, to: '+14155238886' });
    const messages = await parley.store.listMessages(ref!.conversationId);
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot']);
    expect(messages[0]!.activity).toMatchObject({ channel: 'twilio', channelMessageId: params.MessageSid, text: QUESTION, from: { id: from, role: 'customer' } });
  });

  test('the same webhook delivered three times (in a row and at once) is answered once', async () => {
    const params = bed.message({ from: customer(), body: QUESTION });
    for (let i = 0; i < 3; i++) expect((await bed.postMessage(params)).status).toBe(200);
    await bed.channel.idle();
    const again = bed.message({ from: customer(), body: QUESTION });
    const statuses = await Promise.all([1, 2, 3].map(() => bed.postMessage(again)));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200]);
    await bed.channel.idle();
    expect(sent().map((m) => m.To)).toEqual([params.From, again.From]);
  });

  test('Twilio is answered before the turn runs, so a slow turn never holds its request', async () => {
    let open!: () => void;
    slowTurns = { opened: new Promise<void>((resolve) => (open = resolve)), open };
    // The turn cannot end before the answer to Twilio: a request that waited for it would never be answered.
    const res = await bed.postMessage(bed.message({ from: customer(), body: `slowly: ${QUESTION}` }));
    expect([res.status, res.body]).toEqual([200, EMPTY_TWIML]);
    expect(sent()).toEqual([]);
    slowTurns.open();
    await bed.channel.idle();
    expect(sent()).toHaveLength(1);
  }, 10_000);

  test('a charset parameter on the content type is accepted', async () => {
    const params = bed.message({ from: customer(), body: QUESTION });
    expect((await bed.postMessage(params, { contentType: 'application/x-www-form-urlencoded; charset=UTF-8' })).status).toBe(200);
    await bed.channel.idle();
    expect(sent()).toHaveLength(1);
  });

  test('WhatsApp messages are answered from whatsapp:<number>, through the same adapter', async () => {
    const from = `whatsapp:${customer()}`;
    expect((await bed.postMessage(bed.message({ from, body: QUESTION }))).status).toBe(200);
    await bed.channel.idle();
    expect(sent()).toEqual([expect.objectContaining({ To: from, From: 'whatsapp:+14155238886' })]);
    const ref = await parley.store.findConversationRef('twilio', from);
    expect((await parley.store.listMessages(ref!.conversationId))[0]!.activity.from).toEqual({ id: from, role: 'customer', name: 'Sam' });
  });

  test.each([
    ['a missing signature', { signature: null }],
    ['a wrong signature', { signature: 'bm90IGEgc2lnbmF0dXJl' }],
    ['a signature for another URL', { signedUrl: 'https://bot.example.com/webhooks/twilio' }],
    ['a signature made with another auth token', { signature: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }],
  ])('%s is 403 and nothing is stored or sent', async (_label, options) => {
    const from = customer();
    const res = await bed.postMessage(bed.message({ from, body: QUESTION }), options);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/X-Twilio-Signature/) } });
    await bed.channel.idle();
    expect(await parley.store.findConversationRef('twilio', from)).toBeUndefined();
    expect(bed.fake.requests.slice(mark)).toEqual([]);
  });

  test('a WhatsApp message of 4,096 characters (over 4,000) is kept whole and answered by a turn', async () => {
    const from = `whatsapp:${customer()}`;
    const body = `${QUESTION} ${'I ordered a blue sweater last week and it still has not arrived. '.repeat(70)}`.slice(0, 4096);
    const res = await bed.postMessage(bed.message({ from, body }));
    expect(res.status).toBe(200);
    await bed.channel.idle();
    expect(sent()).toEqual([expect.objectContaining({ To: from, From: 'whatsapp:+14155238886' })]);
    const messages = await parley.store.listMessages((await parley.store.findConversationRef('twilio', from))!.conversationId);
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot']);
    expect(messages[0]!.text).toBe(body);
  });

  test('a body longer than any Twilio channel carries is kept (up to 4,096 characters) and answered with a clear notice, once', async () => {
    const from = customer();
    const params = bed.message({ from, body: `${'é'.repeat(4096)}👕 and more` });
    for (let i = 0; i < 2; i++) expect((await bed.postMessage(params)).status).toBe(200);
    await bed.channel.idle();
    expect(sent()).toEqual([expect.objectContaining({ To: from, Body: TOO_LONG_NOTICE })]);
    expect(TOO_LONG_NOTICE).toMatch(/longer than 4,096 characters/);
    const messages = await parley.store.listMessages((await parley.store.findConversationRef('twilio', from))!.conversationId);
    expect(messages.map((m) => [m.role, m.text])).toEqual([['customer', 'é'.repeat(4096)], ['bot', TOO_LONG_NOTICE]]);
  });

  test('a signed body that is not a message is 400; a forged AccountSid is 403', async () => {
    const params = bed.message({ from: customer(), body: QUESTION });
    const { MessageSid: _sid, ...noSid } = params;
    const cases: [Record<string, string>, number, RegExp][] = [
      [noSid, 400, /"MessageSid" is missing/],
      [{ ...params, NumMedia: 'two' }, 400, /"NumMedia"/],
      [{ ...params, AccountSid: `AC${'9'.repeat(32)}` }, 403, /another Twilio account/],
    ];
    for (const [body, status, message] of cases) {
      const res = await bed.postMessage(body);
      expect([res.status, JSON.parse(res.body).error.message]).toEqual([status, expect.stringMatching(message)]);
    }
    expect(await parley.store.findConversationRef('twilio', params.From!)).toBeUndefined();
  });

  test('malformed encodings, other content types, empty and oversized bodies are 4xx with a reason', async () => {
    const params = bed.message({ from: customer(), body: QUESTION });
    const cases: [Parameters<TwilioTestBed['postMessage']>[1], number, string][] = [
      [{ body: 'Body=%E0%A4%A&From=%2B1', signature: 'x' }, 400, 'bad_request'],
      [{ body: Buffer.from([0x42, 0x3d, 0xff]), signature: 'x' }, 400, 'invalid_utf8'],
      [{ body: JSON.stringify(params), contentType: 'application/json' }, 415, 'unsupported_media_type'],
      [{ body: 'hello', contentType: 'text/plain' }, 415, 'unsupported_media_type'],
      [{ body: `Body=${'a'.repeat(70 * 1024)}`, signature: 'x' }, 413, 'payload_too_large'],
    ];
    for (const [options, status, code] of cases) {
      const res = await bed.postMessage(params, options);
      expect([res.status, JSON.parse(res.body).error.code]).toEqual([status, code]);
    }
    expect((await bed.postMessage({}, { body: '' })).status).toBeGreaterThanOrEqual(400);
    expect(await parley.store.findConversationRef('twilio', params.From!)).toBeUndefined();
    // The server keeps serving.
    expect((await bed.postMessage(params)).status).toBe(200);
  });

  test('a failed Messages API call is logged, the reply stays in the outbox, and the next message goes out', async () => {
    bed.fake.failNext(1, 500, 20500);
    const from = customer();
    expect((await bed.postMessage(bed.message({ from, body: QUESTION }))).status).toBe(200);
    await bed.channel.idle();
    expect(sent()).toEqual([]);
    const failed = (await parley.store.listPendingOutbound(100)).filter((o) => o.status === 'failed');
    const ref = await parley.store.findConversationRef('twilio', from);
    expect(failed.some((o) => o.conversationId === ref!.conversationId)).toBe(true);
    expect((await bed.postMessage(bed.message({ from, body: QUESTION }))).status).toBe(200);
    await bed.channel.idle();
    expect(sent()).toHaveLength(1);
  });
});

describe('POST /webhooks/twilio/status', () => {
  test("records Twilio's signed status callbacks without going back to an earlier status", async () => {
    expect((await bed.postMessage(bed.message({ from: customer(), body: QUESTION }))).status).toBe(200);
    await bed.channel.idle();
    const sid = (bed.fake.requests.slice(mark).find((r) => r.status === 201)!.response as { sid: string }).sid;
    expect(await parley.store.getDeliveryStatus('twilio', sid)).toMatchObject({ status: 'queued', error: null });
    expect(await bed.fake.sendStatus(sid, 'delivered')).toBe(204);
    expect(await bed.fake.sendStatus(sid, 'sent')).toBe(204);
    expect(await parley.store.getDeliveryStatus('twilio', sid)).toMatchObject({ status: 'delivered' });
    expect(await bed.fake.sendStatus(sid, 'undelivered', '30003')).toBe(204);
    expect(await parley.store.getDeliveryStatus('twilio', sid)).toMatchObject({ status: 'undelivered', error: '30003' });
  });

  test('an unsigned or malformed status callback is rejected and not stored', async () => {
    const sid = `SM${'7'.repeat(32)}`;
    const params = { AccountSid: bed.options.accountSid, MessageSid: sid, MessageStatus: 'delivered', SmsSid: sid, SmsStatus: 'delivered' };
    expect((await bed.postStatus(params, { signature: null })).status).toBe(403);
    expect((await bed.postStatus(params, { signature: 'forged' })).status).toBe(403);
    expect((await bed.postStatus({ ...params, MessageStatus: 'Delivered!' })).status).toBe(400);
    expect(await parley.store.getDeliveryStatus('twilio', sid)).toBeUndefined();
    expect((await bed.postStatus(params)).status).toBe(204);
    expect(await parley.store.getDeliveryStatus('twilio', sid)).toMatchObject({ status: 'delivered' });
  });
});
