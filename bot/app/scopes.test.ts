import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { sendTestMail } from '../../channels/email/testing/smtp-client.js';
import { byType, SocketTestClient, type Frame } from '../../channels/webchat/testing/socket-client.js';
import { registerBotFrameworkChannel, type BotFrameworkChannel } from '../../channels/botframework/index.js';
import { startFakeBotFrameworkService, type FakeBotFrameworkService } from '../../channels/botframework/testing/index.js';
import { createDashboardUser } from '../../evaluations/dashboard/users.js';
import { DashboardClient } from '../../evaluations/dashboard/testing.js';
import { registerEmailChannel, type EmailChannel } from '../../channels/email/index.js';
import { startSlackHarness, type SlackHarness } from '../../channels/slack/testing/harness.js';
import { CUSTOMER, dmEvent, TEAM } from '../../channels/slack/testing/payloads.js';
import { startSmtpPeer, type SmtpPeer } from '../../channels/email/testing/smtp-peer.js';
import { startTwilioTestBed, type TwilioTestBed } from '../../channels/twilio/testing/index.js';
import { loadConfig } from '../config/index.js';
import { silentLogger, type Reply } from '../core/index.js';
import { channelHost, createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import { SCOPED_TICKETS as TICKETS } from './testing/scoped-tickets.js';
import { waitFor } from '../testing/wait.js';

/**
 * Knowledge scopes end to end: two brands with look-alike tickets and different answers, and shared tickets. A
 * conversation in one brand's scope never sees the other brand's sources, whether its scope came from the REST body,
 * the web chat widget's hello (data-parley-scope) or the Twilio number it wrote to (PARLEY_SCOPES).
 */

const TWILIO_A = '+15550001111';
const TWILIO_B = '+15550002222';
const MAIL_B = 'help@brand-b.example';

let home: string;
let parley: Parley;
let server: RunningServer;
let bed: TwilioTestBed;
let peer: SmtpPeer;
let mail: EmailChannel;
let slack: SlackHarness;
let bfService: FakeBotFrameworkService;
let bfApp: FastifyInstance;
let bf: BotFrameworkChannel;
let bfUrl: string;
const BF_APP_B = '00000000-0000-4000-8000-0000000000bb';

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-scopes-'));
  const env = { PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', PARLEY_VISION: 'false', PARLEY_SCOPES: JSON.stringify({ [`twilio:${TWILIO_A}`]: 'brand-a', [`twilio:${TWILIO_B}`]: 'brand-b', [`email:${MAIL_B.toUpperCase()}`]: 'brand-b', [`slack:${TEAM}`]: 'brand-a', [`botframework:${BF_APP_B}`]: 'brand-b', 'email:new-brand@example.com': 'brand-c' }) };
  parley = await createParley(loadConfig(env), { logger: silentLogger });
  const ingested = await parley.knowledge.ingest(TICKETS);
  // Every ticket searchable: none held for review, none dropped as another brand's duplicate.
  if (ingested.quarantined || ingested.duplicates) throw new Error(`test tickets not all ingested: ${JSON.stringify(ingested)}`);
  server = await startServer(parley, { port: 0, host: '127.0.0.1' });
  bed = await startTwilioTestBed(channelHost(parley), { from: TWILIO_A });
  peer = await startSmtpPeer();
  // Parley sends as the shared support address; customers write to the brand's own address.
  slack = await startSlackHarness(channelHost(parley));
  // The Bot Framework Emulator (no app id, loopback service URL) writing to the brand-b bot.
  bfService = await startFakeBotFrameworkService();
  bfApp = Fastify({ logger: false });
  bf = await registerBotFrameworkChannel(bfApp, channelHost(parley), { emulator: true });
  bfUrl = await bfApp.listen({ port: 0, host: '127.0.0.1' });
  mail = await registerEmailChannel(channelHost(parley), { listenPort: 0, listenHost: '127.0.0.1', smtpUrl: peer.url, from: 'Support <support@example.com>' });
});

afterAll(async () => {
  await bed?.close();
  await mail?.close();
  await slack?.close();
  await bf?.close();
  await bfApp?.close();
  await bfService?.close();
  await peer?.close();
  await server?.close();
  await parley?.close();
  await rm(home, { recursive: true, force: true });
});

interface ChatResponse {
  conversationId: string;
  token: string;
  replies: Reply[];
  error?: { code: string; message: string };
}

async function chat(body: Record<string, unknown>, token?: string): Promise<{ status: number; body: ChatResponse }> {
  const res = await fetch(`${server.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ChatResponse };
}

const sourceIds = (replies: readonly Reply[]): string[] => replies.flatMap((r) => r.sources.map((s) => s.id));
const brandOf = (id: string): string => id.slice(0, 1);

const QUESTIONS = ['How do I reset my password?', 'my account was hacked', 'How do I join a multiplayer server?', 'how long does a refund take', 'I forgot my password'];

describe('knowledge scopes through REST', () => {
  it.each([
    ['brand-a', 'a', 'b', /Minecraft/],
    ['brand-b', 'b', 'a', /Yahoo/],
  ])('a conversation in %s never sees a source of the other brand', async (scope, own, other, foreign) => {
    let conversationId: string | undefined;
    let token: string | undefined;
    for (const text of QUESTIONS) {
      const { status, body } = await chat({ userId: `rest-${scope}`, text, scope, ...(conversationId ? { conversationId } : {}) }, token);
      expect(status).toBe(200);
      conversationId = body.conversationId;
      token = body.token;
      expect(sourceIds(body.replies).filter((id) => brandOf(id) === other)).toEqual([]);
      for (const reply of body.replies) expect(reply.text).not.toMatch(foreign);
    }
    const fresh = await chat({ userId: `rest-${scope}-2`, text: 'How do I reset my password?', scope });
    const answer = fresh.body.replies.find((r) => r.action === 'answer');
    expect(answer?.sources[0]?.id).toBe(`${own}-password`);
    expect((await parley.store.getConversation(fresh.body.conversationId))?.scope).toBe(scope);
  });

  it('shows shared tickets in every scope', async () => {
    for (const scope of ['brand-a', 'brand-b']) {
      const { body } = await chat({ userId: `shared-${scope}`, text: 'How long does a refund take?', scope });
      expect(body.replies.find((r) => r.action === 'answer')?.sources[0]?.id).toBe('s-refund');
    }
  });

  it('uses every ticket without a scope (as before scopes)', async () => {
    const { body } = await chat({ userId: 'no-scope', text: 'How do I join a multiplayer server?' });
    expect(body.replies.find((r) => r.action === 'answer')?.sources[0]?.id).toBe('b-server');
    expect((await parley.store.getConversation(body.conversationId))?.scope).toBeNull();
  });

  it('keeps a question of another brand unanswered from that brand', async () => {
    const { body } = await chat({ userId: 'a-asks-b', text: 'How do I join a multiplayer server?', scope: 'brand-a' });
    expect(sourceIds(body.replies).filter((id) => id.startsWith('b-'))).toEqual([]);
  });

  it.each([
    ['*', /reserved/],
    ['', /must not be empty/],
    ['brand a', /letters, digits/],
    ['x'.repeat(65), /longer than 64/],
    [7, /must be a string/],
  ])('answers 400 naming "scope" for the scope %p', async (scope, message) => {
    const { status, body } = await chat({ userId: 'bad-scope', text: 'hello there', scope });
    expect(status).toBe(400);
    expect(body.error?.code).toBe('bad_request');
    expect(body.error?.message).toMatch(/^"scope"/);
    expect(body.error?.message).toMatch(message);
  });

  it('refuses a scope the server does not know (no tickets, not configured), and takes a configured or newly ingested one', async () => {
    const unknown = await chat({ userId: 'typo', text: 'How do I reset my password?', scope: 'brand_a' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.message).toMatch(/^"scope": unknown knowledge scope "brand_a"/);
    // Configured for an endpoint but without tickets yet: shared tickets only.
    const configured = await chat({ userId: 'new-brand', text: 'How long does a refund take?', scope: 'brand-c' });
    expect(configured.status).toBe(200);
    expect(sourceIds(configured.body.replies).every((id) => id.startsWith('s-'))).toBe(true);
    expect((await chat({ userId: 'brand-d', text: 'hello', scope: 'brand-d' })).status).toBe(400);
    await parley.knowledge.ingest([{ id: 'd-hours', scope: 'brand-d', question: 'When does the brand D shop open?', answer: 'Brand D opens at nine.', source: 'brand-d', metadata: {} }]);
    // A scope ingested moments ago is taken once the directory may look again (at most once a second).
    const fresh = await waitFor(async () => {
      const answer = await chat({ userId: 'brand-d', text: 'When does the brand D shop open?', scope: 'brand-d' });
      return answer.status === 200 ? answer : undefined;
    }, 5_000, 'the new scope to be taken');
    expect(fresh.status).toBe(200);
    expect(fresh.body.replies.find((r) => r.action === 'answer')?.sources[0]?.id).toBe('d-hours');
  });

  it('keeps the scope a conversation started with: the same scope again is fine, another one is a 400', async () => {
    const first = await chat({ userId: 'fixed', text: 'How do I reset my password?', scope: 'brand-a' });
    const same = await chat({ userId: 'fixed', text: 'and if I was hacked?', scope: 'brand-a', conversationId: first.body.conversationId }, first.body.token);
    expect(same.status).toBe(200);
    const other = await chat({ userId: 'fixed', text: 'How do I reset my password?', scope: 'brand-b', conversationId: first.body.conversationId }, first.body.token);
    expect(other.status).toBe(400);
    expect(other.body.error?.message).toMatch(/^"scope": conversation .* is in scope "brand-a"/);
    const omitted = await chat({ userId: 'fixed', text: 'How do I reset my password?', conversationId: first.body.conversationId }, first.body.token);
    expect(omitted.status).toBe(200);
    expect(sourceIds(omitted.body.replies).filter((id) => id.startsWith('b-'))).toEqual([]);
  });
});

/** A web chat client as the widget speaks: `hello` (with the page's data-parley-scope), then messages. */
async function webchat(scope: string | undefined, texts: string[], resume?: { conversationId: string; token: string }): Promise<{ ready: Frame; replies: Reply[]; errors: Frame[] }> {
  const client = await SocketTestClient.open(`${server.url.replace(/^http/, 'ws')}/ws/chat`);
  try {
    const ready = await client.hello({ userId: `visitor-${scope ?? 'none'}`, ...(scope !== undefined ? { scope } : {}), ...(resume ?? {}) });
    if (ready.type === 'error') return { ready, replies: [], errors: [ready] };
    const replies: Reply[] = [];
    const errors: Frame[] = [];
    for (const [i, text] of texts.entries()) {
      // Every frame of the turn, through its end (typing off): all of its replies.
      const frames = await client.ask(`m${i}`, text);
      replies.push(...frames.filter((f) => f.type === 'reply' && f.clientMessageId === `m${i}`).map((f) => f.reply!));
      errors.push(...frames.filter(byType('error')));
    }
    return { ready, replies, errors };
  } finally {
    client.close();
  }
}

describe('knowledge scopes through the web chat widget (data-parley-scope in hello)', () => {
  it.each([
    ['brand-a', 'a', 'b'],
    ['brand-b', 'b', 'a'],
  ])('a visitor on a %s page never sees a source of the other brand', async (scope, own, other) => {
    const { ready, replies } = await webchat(scope, QUESTIONS);
    expect((await parley.store.getConversation(String(ready.conversationId)))?.scope).toBe(scope);
    expect(sourceIds(replies).filter((id) => brandOf(id) === other)).toEqual([]);
    expect(sourceIds(replies)).toContain(`${own}-password`);
  });

  it('refuses an invalid or unknown scope with an error frame naming "scope"', async () => {
    const { ready } = await webchat('*', []);
    expect(ready).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(String(ready.message)).toMatch(/^"scope" must not be "\*"/);
    const unknown = await webchat('brand-zz', []);
    expect(unknown.ready).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(String(unknown.ready.message)).toMatch(/^"scope": unknown knowledge scope "brand-zz"/);
  });

  it("starts a conversation of its own when a page of another scope resumes a conversation (it keeps the first one's scope)", async () => {
    const first = await webchat('brand-a', ['How do I reset my password?']);
    const resume = { conversationId: String(first.ready.conversationId), token: String(first.ready.token) };
    const same = await webchat('brand-a', [], resume);
    expect(same.ready.conversationId).toBe(resume.conversationId);
    const other = await webchat('brand-b', ['How do I reset my password?'], resume);
    expect(other.ready.conversationId).not.toBe(resume.conversationId);
    expect(sourceIds(other.replies)).toContain('b-password');
    expect((await parley.store.getConversation(resume.conversationId))?.scope).toBe('brand-a');
  });
});

describe('knowledge scopes through a configured Twilio number (PARLEY_SCOPES)', () => {
  it('answers a text to the brand-a number from brand-a and shared tickets only', async () => {
    const from = '+15557654321';
    for (const body of ['How do I reset my password?', 'How do I join a multiplayer server?']) {
      expect((await bed.postMessage(bed.message({ from, body }))).status).toBe(200);
      await bed.channel.idle();
    }
    const ref = await parley.store.findConversationRef('twilio', `${from} to ${TWILIO_A}`);
    const conversation = ref ? await parley.store.getConversation(ref.conversationId) : undefined;
    expect(conversation?.scope).toBe('brand-a');
    const messages = await parley.store.listMessages(ref?.conversationId ?? '');
    const sources = messages.flatMap((m) => m.activity.sources ?? []).map((s) => s.id);
    expect(sources).toContain('a-password');
    expect(sources.filter((id) => id.startsWith('b-'))).toEqual([]);
    const sent = bed.fake.sent().map((p) => String(p.Body));
    expect(sent.some((text) => /Yahoo/.test(text))).toBe(true);
    expect(sent.filter((text) => /Minecraft/.test(text))).toEqual([]);
  });

  it('gives a WhatsApp message to the same number the same scope', async () => {
    const from = 'whatsapp:+15557654000';
    expect((await bed.postMessage(bed.message({ from, body: 'How do I reset my password?' }))).status).toBe(200);
    await bed.channel.idle();
    const ref = await parley.store.findConversationRef('twilio', `${from} to whatsapp:${TWILIO_A}`);
    expect((await parley.store.getConversation(ref?.conversationId ?? ''))?.scope).toBe('brand-a');
  });

  it("gives a customer who texts two brands' numbers one conversation with each, answered from that brand's number", async () => {
    const from = '+15557650002';
    expect((await bed.postMessage(bed.message({ from, body: 'How do I reset my password?' }))).status).toBe(200);
    await bed.channel.idle();
    expect((await bed.postMessage({ ...bed.message({ from, body: 'How do I join a multiplayer server?' }), To: TWILIO_B })).status).toBe(200);
    await bed.channel.idle();
    const inA = await parley.store.findConversationRef('twilio', `${from} to ${TWILIO_A}`);
    const inB = await parley.store.findConversationRef('twilio', `${from} to ${TWILIO_B}`);
    expect(inA && inB && inA.conversationId !== inB.conversationId).toBe(true);
    expect((await parley.store.getConversation(inA?.conversationId ?? ''))?.scope).toBe('brand-a');
    expect((await parley.store.getConversation(inB?.conversationId ?? ''))?.scope).toBe('brand-b');
    const sourcesOf = async (id: string) => (await parley.store.listMessages(id)).flatMap((m) => m.activity.sources ?? []).map((s) => s.id);
    expect((await sourcesOf(inB?.conversationId ?? '')).filter((id) => id.startsWith('a-'))).toEqual([]);
    const toCustomer = bed.fake.sent().filter((p) => p.To === from);
    expect(toCustomer.some((p) => p.From === TWILIO_B && /Minecraft/.test(String(p.Body)))).toBe(true);
    expect(toCustomer.filter((p) => p.From === TWILIO_B && /Yahoo/.test(String(p.Body)))).toEqual([]);
  });
});

describe("agents' corrections in knowledge scopes", () => {
  it("files a correction under the corrected conversation's scope: used in that scope, never in another", async () => {
    const question = 'Where can I download my invoice?';
    const inA = await chat({ userId: 'corr-a', text: question, scope: 'brand-a' });
    const correction = await parley.corrections.correct({
      question,
      original: inA.body.replies[0]?.text ?? '',
      corrected: 'Yahoo: invoices are under Account info, then Subscriptions.',
      correctsTicketId: null,
      agent: 'U1',
      conversationId: inA.body.conversationId,
    });
    expect((await parley.store.listTickets({ source: 'corrections' })).find((t) => t.id === correction.id)?.scope).toBe('brand-a');

    const againA = await chat({ userId: 'corr-a2', text: question, scope: 'brand-a' });
    expect(againA.body.replies.find((r) => r.action === 'answer')?.sources[0]?.id).toBe(correction.id);
    const inB = await chat({ userId: 'corr-b', text: question, scope: 'brand-b' });
    expect(sourceIds(inB.body.replies)).not.toContain(correction.id);
    for (const reply of inB.body.replies) expect(reply.text).not.toMatch(/Yahoo/);
  });
});

describe('knowledge scopes through a configured e-mail address (PARLEY_SCOPES)', () => {
  it('answers mail to the brand-b address from brand-b and shared tickets only', async () => {
    await sendTestMail(mail.port as number, { from: 'Jo <jo@customer.example>', to: `Brand B help <${MAIL_B}>`, subject: 'password', text: 'How do I reset my password?', messageId: '<scope-b-1@customer.example>' });
    await mail.idle();
    const ref = await parley.store.findConversationRef('email', '<scope-b-1@customer.example>');
    expect((await parley.store.getConversation(ref?.conversationId ?? ''))?.scope).toBe('brand-b');
    const sources = (await parley.store.listMessages(ref?.conversationId ?? '')).flatMap((m) => m.activity.sources ?? []).map((s) => s.id);
    expect(sources).toContain('b-password');
    expect(sources.filter((id) => id.startsWith('a-'))).toEqual([]);
    const replies = peer.received.map((m) => m.parsed.text ?? '').join('\n');
    expect(replies).toMatch(/Minecraft/);
    expect(replies).not.toMatch(/Yahoo/);
  });
});

describe('knowledge scopes through a configured Slack workspace (PARLEY_SCOPES)', () => {
  it('answers a direct message in the brand-a workspace from brand-a and shared tickets only', async () => {
    const channel = 'D0SCOPEA01';
    expect((await slack.deliverEvent(dmEvent('How do I reset my password?', { channel }))).statusCode).toBe(200);
    await slack.settle();
    const [conversation] = (await parley.store.listConversationsByUser(CUSTOMER)).filter((c) => c.channel === 'slack');
    expect(conversation?.scope).toBe('brand-a');
    const sources = (await parley.store.listMessages(conversation?.id ?? '')).flatMap((m) => m.activity.sources ?? []).map((s) => s.id);
    expect(sources).toContain('a-password');
    expect(sources.filter((id) => id.startsWith('b-'))).toEqual([]);
    const posted = slack.fake.posts().filter((p) => p.params.channel === channel).map((p) => String(p.params.text)).join('\n');
    expect(posted).toMatch(/Yahoo/);
    expect(posted).not.toMatch(/Minecraft/);
  });
});

describe('knowledge scopes through a configured Bot Framework app (PARLEY_SCOPES)', () => {
  it('answers a message to the brand-b bot from brand-b and shared tickets only', async () => {
    const conversationId = 'emu-scope-b';
    const activity = {
      type: 'message',
      id: `${conversationId}|1`,
      serviceUrl: bfService.serviceUrl,
      channelId: 'emulator',
      from: { id: 'user-bf' },
      conversation: { id: conversationId },
      recipient: { id: `28:${BF_APP_B}` },
      text: 'How do I reset my password?',
    };
    const res = await fetch(`${bfUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    const replies = await bfService.waitForRequests(1, (r) => r.conversationId === conversationId && (r.body as { type?: string }).type === 'message');
    const ref = await parley.store.findConversationRef('botframework', conversationId);
    expect((await parley.store.getConversation(ref?.conversationId ?? ''))?.scope).toBe('brand-b');
    const texts = replies.map((r) => String((r.body as { text?: string }).text)).join('\n');
    expect(texts).toMatch(/Minecraft/);
    expect(texts).not.toMatch(/Yahoo/);
  });
});

describe('evaluations and the dashboard by knowledge scope', () => {
  it("scores record the conversation's scope, and the dashboard lists, offers and exports by scope", async () => {
    const a = await chat({ userId: 'dash-a', text: 'How do I reset my password?', scope: 'brand-a' });
    const b = await chat({ userId: 'dash-b', text: 'How do I reset my password?', scope: 'brand-b' });
    const none = await chat({ userId: 'dash-none', text: 'How long does a refund take?' });
    for (const { body } of [a, b, none]) await parley.scorer.score((await parley.store.getConversation(body.conversationId))!);
    expect((await parley.store.evaluations.getScore(a.body.conversationId))?.scope).toBe('brand-a');

    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'admin' });
    const dashboard = new DashboardClient(server.url);
    expect((await dashboard.login('lead@example.com', 'lead password 1')).status).toBe(200);
    const list = async (query: string) => ((await (await dashboard.request('GET', `/dashboard/api/conversations?${query}`)).json()) as { conversations: { id: string; scope: string | null }[] }).conversations;
    const ofA = await list('scope=brand-a&limit=1000');
    expect(ofA.map((c) => c.id)).toContain(a.body.conversationId);
    expect(ofA.every((c) => c.scope === 'brand-a')).toBe(true);
    const unscoped = await list('scope=*&limit=1000');
    expect(unscoped.map((c) => c.id)).toContain(none.body.conversationId);
    expect(unscoped.every((c) => c.scope === null)).toBe(true);
    const filters = (await (await dashboard.request('GET', '/dashboard/api/filters')).json()) as { scopes: string[] };
    expect(filters.scopes).toEqual(expect.arrayContaining(['brand-a', 'brand-b', '*']));
    const bad = await dashboard.request('GET', '/dashboard/api/conversations?scope=brand%20a');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^scope may only hold/);
    const csv = await (await dashboard.request('GET', '/dashboard/api/conversations.csv?scope=brand-b')).text();
    expect(csv.split('\r\n')[0]?.split(',')).toContain('scope');
    expect(csv).toContain(b.body.conversationId);
    expect(csv).not.toContain(a.body.conversationId);
  });
});
