import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendTestMail } from '../../channels/email/testing/smtp-client.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from '../../channels/email/testing/smtp-peer.js';
import { inboundMessageParams, signedFormPost, startFakeTwilio, type FakeTwilio } from '../../channels/twilio/testing/index.js';
import { campaignReport, readCampaignsFile, sendId } from '../../engagement/index.js';
import { createDashboardUser } from '../../evaluations/index.js';
import { DashboardClient } from '../../evaluations/dashboard/testing.js';
import { loadConfig } from '../config/index.js';
import { silentLogger, type SendRecord } from '../core/index.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import { freePort } from '../testing/free-port.js';
import { waitFor } from '../testing/wait.js';

// End to end on loopback: profiles and events through the API → the abandoned-cart trigger fires → a personalised
// e-mail reaches a local SMTP peer and an SMS a local Twilio API fake → a click and replies are attributed; opted-out
// and quiet-hours customers get nothing; a restart (with a send left claimed by a dead process) sends nothing twice.

const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'engage-twilio-auth-token';
const TWILIO_NUMBER = '+14155238886';
const API_KEY = 'engage-test-api-key-0123456789';
const SHOP = 'hello@northwind.example';


/** A fixed-offset zone whose local hour now is in `hours` (Etc/GMT+N is N hours behind UTC). */
function zoneAt(hours: number[]): string {
  for (let offset = -12; offset <= 14; offset++) {
    const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    if (hours.includes(hour)) return zone;
  }
  throw new Error('no zone found');
}

/** Waits until `probe` answers a truthy value (the shared `waitFor`, whose answer is never `false`), naming `what` on timeout. */
const until = <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> => waitFor(probe, timeoutMs, what) as Promise<T>;

let home: string;
let peer: SmtpPeer;
let fake: FakeTwilio;
let parley: Parley;
let server: RunningServer;
let url: string;
let port: number;
let smtpPort: number;
let campaignsFile: string;
const awake = zoneAt([10, 11, 12, 13, 14, 15, 16]);
const asleep = zoneAt([0, 1, 2, 3]);

const env = (): NodeJS.ProcessEnv => ({
  PARLEY_HOME: home,
  PARLEY_VISION: 'false',
  PARLEY_SAMPLE_DATA: 'false',
  HOST: '127.0.0.1',
  PUBLIC_URL: url,
  PARLEY_API_KEY: API_KEY,
  TWILIO_ACCOUNT_SID: ACCOUNT,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_FROM: TWILIO_NUMBER,
  TWILIO_API_URL: fake.url,
  SMTP_URL: peer.url,
  SMTP_LISTEN_PORT: String(smtpPort),
  EMAIL_FROM: `Northwind <${SHOP}>`,
  PARLEY_CAMPAIGNS_FILE: campaignsFile,
  PARLEY_ENGAGE_QUIET_HOURS: 'off',
});

/** The `engagement.sends` job has nothing waiting or running, and this process's passes finished. */
async function jobIdle(): Promise<boolean> {
  const queue = (await parley.jobs.counts()).find((c) => c.queue === 'engagement.sends');
  if (queue && queue.waiting + queue.running > 0) return false;
  await server.engagement!.idle();
  return true;
}

/**
 * Starts Parley and its server. With the default hour-long period the job runner runs one engagement pass at start
 * (awaited here, before the test imports anything); the rest are driven by the test (`server.engagement.pass()`).
 */
async function start(engagementIntervalMs = 3_600_000): Promise<void> {
  parley = await createParley(loadConfig(env()), { logger: silentLogger });
  server = await startServer(parley, { port, host: '127.0.0.1', engagementIntervalMs });
  await until(jobIdle, 'the first period of the engagement.sends job');
}

async function stop(): Promise<void> {
  await server.close();
  await parley.close();
}

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const textMessage = (from: string, body: string) => signedFormPost(`${url}/webhooks/twilio`, inboundMessageParams({ accountSid: ACCOUNT, from, to: TWILIO_NUMBER, body }), AUTH_TOKEN);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
/** Campaign e-mails to `address` (the bot's answers to a customer's reply are not campaign messages). */
const mailsTo = (address: string): ReceivedMail[] => peer.received.filter((m) => m.envelope.to.includes(address) && m.raw.toString().includes('List-Unsubscribe:'));
/** Campaign SMS to `number`. */
const smsTo = (number: string) => fake.sent().filter((m) => m.To === number && String(m.Body).includes('Reply STOP to opt out.'));
const sends = async (): Promise<SendRecord[]> => parley.store.engagement.listSends({ campaign: 'cart-rescue' });

const cart = (email: string | undefined, phone: string | undefined, cartId: string, items: { id: string; name: string }[]) => ({
  type: 'cart',
  at: hoursAgo(3),
  ...(email ? { email } : { phone }),
  data: { cartId, items },
});
const TEE = { id: 'nw-tee-navy', name: 'Classic Tee in Navy' };
const BRETON = { id: 'nw-tee-breton', name: 'Breton Band Tee' };
const TANK = { id: 'nw-tank-sage', name: 'Everyday Tank in Sage' };
const CHARCOAL = { id: 'nw-longsleeve-charcoal', name: 'Long-Sleeve Tee in Charcoal' };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-engage-e2e-'));
  peer = await startSmtpPeer();
  fake = await startFakeTwilio({ accountSid: ACCOUNT, authToken: AUTH_TOKEN });
  port = await freePort();
  smtpPort = await freePort();
  url = `http://127.0.0.1:${port}`;
  campaignsFile = join(home, 'campaigns.json');
  await writeFile(
    campaignsFile,
    JSON.stringify({
      defaults: { brand: 'Northwind' },
      campaigns: [
        {
          name: 'cart-rescue',
          trigger: { type: 'abandoned_cart', afterHours: 1 },
          channels: ['email', 'sms'],
          link: 'https://shop.northwind.example/cart',
          quietHours: { start: '22:00', end: '06:00' },
          variants: [
            { name: 'A', subject: '{{firstName}}, your {{product}} is waiting', text: 'Hi {{firstName}}, you left {{products}} in your cart. Finish your order: {{link}}\nYou might also like {{recommendations}}.', sms: 'Hi {{firstName}}, your {{products}} are still in your cart: {{link}}' },
            { name: 'B', subject: 'Still thinking about {{product}}?', text: 'Hello {{firstName}}, {{products}} are still in your cart at {{brand}}: {{link}}', sms: '{{brand}}: {{firstName}}, {{products}} wait for you: {{link}}' },
          ],
        },
      ],
    }),
  );
  await start();
}, 120_000);

afterAll(async () => {
  await stop();
  await peer.close();
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

describe('personalised engagement on loopback', () => {
  it('imports profiles and events, fires the trigger, and sends only where consent and the clock allow', async () => {
    const customers = await post('/api/customers', [
      { email: 'alice@example.com', name: 'Alice Martin', timezone: awake, optIn: ['email'], tier: 'gold' },
      { phone: '+14155550101', name: 'Bob Stone', timezone: awake, optIn: 'sms' },
      { email: 'carol@example.com', name: 'Carol Diaz', timezone: awake, optIn: ['email'], optOut: ['email'] },
      { email: 'dave@example.com', name: 'Dave Kim', timezone: asleep, optIn: ['email'] },
      { phone: '+14155550105', name: 'Erin Wu', timezone: awake, optIn: ['sms'] },
      { phone: 'not-a-number', name: 'Broken Row' },
    ]);
    expect(customers.status).toBe(200);
    expect(customers.body).toMatchObject({ customers: 5, errors: [{ list: 'customers', index: 5, field: 'phone' }] });
    // The same person by another identity: linked into Alice's profile.
    await post('/api/customers', { email: 'ALICE@example.com', webchat: 'web-user-17' });
    const alice = await parley.store.engagement.findCustomer({ kind: 'webchat', value: 'web-user-17' });
    expect(alice?.identities.map((i) => i.kind).sort()).toEqual(['email', 'webchat']);

    // Erin texts STOP: Twilio's opt-out keyword stops campaign messages too.
    expect((await textMessage('+14155550105', 'STOP')).status).toBe(200);
    await until(() => parley.store.isOptedOut('twilio', '+14155550105'), 'the STOP opt-out');

    const events = await post('/api/events', [
      cart('alice@example.com', undefined, 'K-alice', [TEE, BRETON]),
      cart(undefined, '+14155550101', 'K-bob', [TANK]),
      cart('carol@example.com', undefined, 'K-carol', [TEE]),
      cart('dave@example.com', undefined, 'K-dave', [TEE]),
      cart(undefined, '+14155550105', 'K-erin', [TANK]),
      { type: 'order', at: hoursAgo(200), email: 'frank@example.com', data: { orderId: 'O-frank', items: [TEE, CHARCOAL] } },
      { type: 'order', at: hoursAgo(300), email: 'gail@example.com', data: { orderId: 'O-gail', items: [TEE, CHARCOAL] } },
      { type: 'cart', at: 'yesterday', email: 'alice@example.com' },
    ]);
    expect(events.body).toMatchObject({ events: 7, errors: [{ list: 'events', index: 7, field: 'at' }] });

    const pass = await server.engagement!.pass();
    expect(pass).toEqual({ queued: 2, skipped: 2, deferred: 1, failed: 0 });
    const [mail] = await peer.waitFor(1);
    expect(mailsTo('alice@example.com')).toHaveLength(1);
    const sent = mail!.parsed;
    expect(sent.subject).toMatch(/Classic Tee in Navy|Alice/);
    expect(sent.text).toMatch(/Alice/);
    expect(sent.text).toContain('Classic Tee in Navy');
    expect(sent.text).toContain(`${url}/e/c/`);
    expect(sent.text).not.toContain('https://shop.northwind.example/cart');
    expect(mail!.raw.toString()).toMatch(/List-Unsubscribe:\s*<http:\/\/127\.0\.0\.1:\d+\/e\/u\//);
    expect(mail!.raw.toString()).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(String(sent.html)).toMatch(/<img src="http:\/\/127\.0\.0\.1:\d+\/e\/o\//);
    expect(sent.inReplyTo).toBeUndefined();

    const bobSms = smsTo('+14155550101');
    expect(bobSms).toHaveLength(1);
    expect(bobSms[0]!.Body).toContain('Everyday Tank in Sage');
    expect(bobSms[0]!.Body).toMatch(/Reply STOP to opt out/);
    expect(smsTo('+14155550105')).toHaveLength(0);
    expect(mailsTo('carol@example.com')).toHaveLength(0);
    expect(mailsTo('dave@example.com')).toHaveLength(0);

    const byCustomer = new Map((await sends()).map((s) => [s.payload.address ?? s.customerId, s]));
    const statuses = (await sends()).map((s) => `${s.status}:${s.reason ?? ''}`).sort();
    expect(statuses).toEqual(['due:quiet_hours', 'queued:', 'queued:', 'skipped:opted_out', 'skipped:opted_out']);
    const deferred = (await sends()).find((s) => s.status === 'due');
    expect(Date.parse(deferred!.dueAt)).toBeGreaterThan(Date.now());
    expect(byCustomer.get('alice@example.com')?.channel).toBe('email');
  }, 60_000);

  it('attributes a click, an open, replies on both channels, delivery and a conversion', async () => {
    const mail = mailsTo('alice@example.com')[0]!;
    const link = /http:\/\/127\.0\.0\.1:\d+\/e\/c\/\S+/.exec(mail.parsed.text ?? '')![0];
    const click = await fetch(link, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://shop.northwind.example/cart');
    expect((await fetch(`${link.slice(0, -1)}7`, { redirect: 'manual' })).status).toBe(404);
    const pixel = /src="(http:\/\/127\.0\.0\.1:\d+\/e\/o\/[^"]+)"/.exec(String(mail.parsed.html))![1]!;
    expect((await fetch(pixel)).headers.get('content-type')).toBe('image/gif');

    // Alice answers the e-mail; Bob answers the SMS: both continue the campaign's conversations.
    await sendTestMail(smtpPort, { from: 'Alice Martin <alice@example.com>', to: SHOP, subject: `Re: ${mail.parsed.subject}`, inReplyTo: mail.parsed.messageId, references: [mail.parsed.messageId!], text: 'Do you have the tee in size M?' });
    expect((await textMessage('+14155550101', 'Is the tank top in stock in M?')).status).toBe(200);
    const bobSid = fake.requests.find((r) => r.form?.To === '+14155550101')!.response as { sid: string };
    await fake.sendStatus(bobSid.sid, 'delivered');
    await post('/api/events', [{ type: 'order', at: new Date(Date.now() + 1000).toISOString(), email: 'alice@example.com', data: { orderId: 'O-alice', cartId: 'K-alice', items: [TEE, BRETON] } }]);

    const campaign = (await readCampaignsFile(campaignsFile)).campaigns[0]!;
    const report = await until(async () => {
      const r = await campaignReport(parley.store, campaign, new Date(Date.now() + 5_000));
      const total = (key: 'replied' | 'delivered') => r.variants.reduce((n, v) => n + v[key], 0);
      return total('replied') === 2 && total('delivered') === 2 ? r : undefined;
    }, 'the replies and deliveries');
    const sum = (key: 'sent' | 'clicked' | 'opened' | 'converted' | 'assigned') => report.variants.reduce((n, v) => n + v[key], 0);
    expect({ assigned: sum('assigned'), sent: sum('sent'), clicked: sum('clicked'), opened: sum('opened'), converted: sum('converted') }).toEqual({ assigned: 5, sent: 2, clicked: 1, opened: 1, converted: 1 });
    expect(report.holdout).toBeNull();
  }, 60_000);

  it('shows CX leads each campaign with its segment size and sample messages, and agents nothing', async () => {
    await createDashboardUser(parley.store, { email: 'lead@example.com', password: 'lead password 1', role: 'cx_lead' });
    await createDashboardUser(parley.store, { email: 'agent@example.com', password: 'agent password 1', role: 'agent' });
    const lead = new DashboardClient(url);
    expect((await lead.login('lead@example.com', 'lead password 1')).status).toBe(200);
    const api = (await (await lead.request('GET', '/dashboard/api/campaigns')).json()) as { enabled: boolean; campaigns: { name: string; segmentSize: number; matched: number; samples: { destination: string; text: string | null }[] }[] };
    expect(api.enabled).toBe(true);
    const [campaign] = api.campaigns;
    // Alice bought her cart since: the trigger fires for the four others.
    expect(campaign).toMatchObject({ name: 'cart-rescue', segmentSize: 7, matched: 4 });
    expect(campaign!.samples.some((s) => s.destination === 'sms to +14155550101' && /Bob.*Everyday Tank in Sage/.test(s.text ?? ''))).toBe(true);
    expect(campaign!.samples.some((s) => s.destination === 'nothing (opted_out)')).toBe(true);
    const page = await lead.request('GET', '/dashboard/campaigns');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('data-campaign="cart-rescue"');
    expect(html).toMatch(/<b data-testid="segment-size">7<\/b>/);
    expect(html).toContain('Everyday Tank in Sage');
    const agent = new DashboardClient(url);
    await agent.login('agent@example.com', 'agent password 1');
    expect((await agent.request('GET', '/dashboard/campaigns')).status).toBe(403);
    expect((await agent.request('GET', '/dashboard/api/campaigns')).status).toBe(403);
  }, 60_000);

  it('unsubscribes with one click (RFC 8058), and a GET only asks', async () => {
    const mail = mailsTo('alice@example.com')[0]!;
    const unsubscribe = /<(http:[^>]+\/e\/u\/[^>]+)>/.exec(mail.raw.toString())![1]!;
    const page = await fetch(unsubscribe);
    expect(await page.text()).toContain('<form method="post">');
    const alice = (await parley.store.engagement.findCustomer({ kind: 'email', value: 'alice@example.com' }))!;
    expect((await parley.store.engagement.listConsents(alice.id)).find((c) => c.channel === 'email')?.status).toBe('opted_in');
    const oneClick = await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    expect((await parley.store.engagement.listConsents(alice.id)).find((c) => c.channel === 'email')?.status).toBe('opted_out');
    expect((await fetch(`${url}/e/u/snd_forged.abc`, { method: 'POST' })).status).toBe(404);
  });

  it('a restart in the middle of a run sends nothing twice', async () => {
    await post('/api/customers', [
      { email: 'gina@example.com', name: 'Gina Ross', timezone: awake, optIn: ['email'] },
      { phone: '+14155550107', name: 'Hank Lee', timezone: awake, optIn: ['sms'] },
    ]);
    await post('/api/events', [cart('gina@example.com', undefined, 'K-gina', [BRETON]), cart(undefined, '+14155550107', 'K-hank', [TANK])]);
    const mailsBefore = mailsTo('gina@example.com').length;
    const smsBefore = smsTo('+14155550107').length;
    await server.engagement!.pass();
    const due = await parley.store.engagement.listSends({});
    expect(due.filter((s) => s.triggerKey === 'cart:K-gina' || s.triggerKey === 'cart:K-hank').map((s) => s.status)).toEqual(['queued', 'queued']);
    expect(mailsTo('gina@example.com').length).toBe(mailsBefore + 1);
    expect(smsTo('+14155550107').length).toBe(smsBefore + 1);

    // Now the crash proper: a new occasion is scheduled and claimed by a process that dies before sending.
    await post('/api/events', [cart('gina@example.com', undefined, 'K-gina-2', [TEE])]);
    const gina = (await parley.store.engagement.findCustomer({ kind: 'email', value: 'gina@example.com' }))!;
    await parley.store.engagement.scheduleSend({ id: sendId('cart-rescue', gina.id, 'cart:K-gina-2'), campaign: 'cart-rescue', customerId: gina.id, triggerKey: 'cart:K-gina-2', variant: 'A', channel: null, status: 'due', dueAt: new Date().toISOString(), reason: null, subject: null, text: null, payload: {} });
    const claimed = await parley.store.engagement.claimDueSends({ now: new Date().toISOString(), owner: 'process-that-died', leaseMs: 1, limit: 10, campaign: 'cart-rescue' });
    expect(claimed.map((s) => s.triggerKey)).toEqual(['cart:K-gina-2']);

    await stop();
    // Restarted with quarter-second periods: the job runner's own passes take over the dead process's send.
    await start(250);
    const passes = jest.spyOn(server.engagement!, 'pass');
    /** Passes the job ran (it gives its abort signal; passes on demand give none). */
    const jobPasses = () => passes.mock.calls.filter(([options]) => options?.signal).length;
    await until(async () => mailsTo('gina@example.com').length === 2, 'the reclaimed send, delivered by the engagement.sends job');
    expect(await parley.store.engagement.getSend(sendId('cart-rescue', gina.id, 'cart:K-gina-2'))).toMatchObject({ status: 'queued' });
    // Two more periods of the job and passes on demand in between: nothing is sent again.
    const periodsBefore = jobPasses();
    await until(async () => jobPasses() >= periodsBefore + 2, 'two more periods of the engagement.sends job');
    await server.engagement!.pass();
    await server.engagement!.pass();
    await until(jobIdle, 'the engagement.sends job at rest');
    expect(mailsTo('gina@example.com')).toHaveLength(2);
    expect(mailsTo('alice@example.com')).toHaveLength(1);
    expect(smsTo('+14155550101')).toHaveLength(1);
    expect(smsTo('+14155550107')).toHaveLength(1);
    expect(mailsTo('dave@example.com')).toHaveLength(0);
    expect(mailsTo('carol@example.com')).toHaveLength(0);
    expect(smsTo('+14155550105')).toHaveLength(0);
  }, 90_000);
});
