import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeBotFrameworkService, type FakeBotFrameworkService } from '../../channels/botframework/testing/index.js';
import { startFakeSlack, type FakeSlack } from '../../channels/slack/testing/index.js';
import { startFakeTwilio, type FakeTwilio } from '../../channels/twilio/testing/index.js';
import { byType, SocketTestClient, type PublicMessage } from '../../channels/webchat/testing/socket-client.js';
import { startFakeHubSpot, type FakeHubSpot } from '../../engagement/hubspot/testing.js';
import { attributeSignals } from '../../engagement/index.js';
import { loadConfig } from '../config/index.js';
import { identityHash, silentLogger, type SendRecord } from '../core/index.js';
import { freePort } from '../testing/free-port.js';
import { createParley, type Parley } from './parley.js';
import { startServer, type RunningServer } from './server.js';
import { waitFor } from '../testing/wait.js';

// End to end on loopback, the chat channels as campaign channels: HubSpot contacts synced by the crm.sync job →
// profiles linked to web chat, Slack and Teams users → the abandoned-cart trigger fires → a personalised message to
// the open web chat socket, held for a web chat customer who is away (shown when they connect again), a Slack direct
// message (conversations.open + chat.postMessage on the Slack fake), a Teams proactive message through the stored
// conversation reference (the Bot Framework fake), and an SMS from the customer's brand's own number (the Twilio
// fake) — with opt-outs, the unreachable and quiet hours respected, and nothing sent twice.

const API_KEY = 'engage-chat-api-key-0123456789';
const IDENTITY_SECRET = 'engage-chat-identity-secret-0123456789abcdef';
const SLACK_TOKEN = 'xoxb-engage-chat';
const HUBSPOT_TOKEN = 'pat-na1-engage-chat-token';
const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
const TWILIO_NUMBER = '+14155238886';
const OUTLET_NUMBER = '+14155238899';

/** A fixed-offset zone whose local hour now is in `hours`. */
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
let slack: FakeSlack;
let teams: FakeBotFrameworkService;
let twilio: FakeTwilio;
let hubspot: FakeHubSpot;
let parley: Parley;
let server: RunningServer;
let url: string;
const awake = zoneAt([10, 11, 12, 13, 14, 15, 16]);
const asleep = zoneAt([0, 1, 2, 3]);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const sends = async (): Promise<SendRecord[]> => parley.store.engagement.listSends({ campaign: 'chat-cart' });
const sendOf = async (customerId: string) => (await sends()).find((s) => s.customerId === customerId);
const webchat = async (userId: string) => {
  const client = await SocketTestClient.open(`${url.replace('http', 'ws')}/ws/chat`);
  const ready = await client.hello({ userId, userHash: identityHash(IDENTITY_SECRET, userId) });
  return { client, ready };
};
const teamsMessage = (conversationId: string, userId: string, text: string) => ({
  type: 'message',
  id: `${conversationId}-1`,
  timestamp: new Date().toISOString(),
  serviceUrl: teams.serviceUrl,
  channelId: 'msteams',
  from: { id: userId, name: 'Tess' },
  conversation: { id: conversationId },
  recipient: { id: '28:parley-bot', name: 'Parley' },
  text,
});

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-engage-chat-'));
  slack = await startFakeSlack({ botToken: SLACK_TOKEN, users: { U0SAM00001: { name: 'sam' }, U0OLGA0001: { name: 'olga' }, U0HANA0001: { name: 'hana' } } });
  teams = await startFakeBotFrameworkService();
  twilio = await startFakeTwilio({ accountSid: ACCOUNT, authToken: 'engage-chat-twilio-token' });
  hubspot = await startFakeHubSpot({ accessToken: HUBSPOT_TOKEN });
  hubspot.upsert('501', { email: 'wendy@example.com', firstname: 'Wendy', lastname: 'Park', hs_timezone: 'europe_slash_london', parley_channels: 'webchat' });
  hubspot.upsert('502', { email: 'sam@example.com', firstname: 'Sam', parley_channels: 'slack' });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const campaignsFile = join(home, 'campaigns.yaml');
  await writeFile(
    campaignsFile,
    [
      'defaults: { brand: Northwind }',
      'scopes:',
      '  outlet: { brand: Northwind Outlet, smsFrom: "+14155238899" }',
      'campaigns:',
      '  - name: chat-cart',
      '    trigger: { type: abandoned_cart, afterHours: 1 }',
      '    channels: [webchat, slack, teams, sms]',
      '    link: https://shop.northwind.example/cart',
      '    quietHours: { start: "22:00", end: "06:00" }',
      '    variants:',
      '      - name: A',
      '        text: "Hi {{firstName}}, you left {{products}} in your cart: {{link}}"',
      '        chat: "Hi {{firstName}} 👋 your {{products}} is still in your cart at {{brand}}. Pick up where you left off: {{link}}"',
      '',
    ].join('\n'),
  );
  parley = await createParley(
    loadConfig({
      PARLEY_HOME: home,
      PARLEY_VISION: 'false',
      PARLEY_SAMPLE_DATA: 'false',
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      PARLEY_API_KEY: API_KEY,
      PARLEY_IDENTITY_SECRET: IDENTITY_SECRET,
      SLACK_SIGNING_SECRET: 'engage-chat-signing-secret',
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: slack.url,
      BOTFRAMEWORK_EMULATOR: 'true',
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: 'engage-chat-twilio-token',
      TWILIO_FROM: TWILIO_NUMBER,
      TWILIO_API_URL: twilio.url,
      HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
      HUBSPOT_API_URL: hubspot.url,
      HUBSPOT_OPT_IN_PROPERTY: 'parley_channels',
      PARLEY_CAMPAIGNS_FILE: campaignsFile,
      PARLEY_ENGAGE_QUIET_HOURS: 'off',
    }),
    { logger: silentLogger },
  );
  server = await startServer(parley, { port, host: '127.0.0.1', engagementIntervalMs: 3_600_000 });
}, 120_000);

afterAll(async () => {
  await server.close();
  await parley.close();
  await Promise.all([slack.close(), teams.close(), twilio.close(), hubspot.close()]);
  await rm(home, { recursive: true, force: true });
});

describe('campaigns on web chat, Slack and Teams', () => {
  it('syncs HubSpot contacts, then sends to each chat channel with consent, reachability and quiet hours', async () => {
    // The crm.sync job's first period imported the HubSpot contacts (with their opt-ins).
    const wendy = await until(() => parley.store.engagement.findCustomer({ kind: 'external', value: 'hubspot:501' }), 'the HubSpot sync');
    expect(wendy).toMatchObject({ name: 'Wendy Park', timezone: 'Europe/London' });
    // Contacts are stored one by one: Wendy's being there does not mean Sam's is yet.
    const sam = await until(() => parley.store.engagement.findCustomer({ kind: 'email', value: 'sam@example.com' }), 'the HubSpot sync of Sam');

    // The shop links their chat identities (merged by e-mail) and adds the other customers.
    const linked = await post('/api/customers', [
      { email: 'wendy@example.com', webchat: 'user-wendy', timezone: awake },
      { email: 'sam@example.com', slack: 'U0SAM00001', timezone: awake },
      { id: 'c-walt', webchat: 'user-walt', name: 'Walt Reyes', timezone: awake, optIn: ['webchat'] },
      { id: 'c-tess', teams: '29:tess', name: 'Tess Quinn', timezone: awake, optIn: ['teams'] },
      { id: 'c-quinn', teams: '29:quinn', name: 'Quinn Ode', timezone: awake, optIn: ['teams'] },
      { id: 'c-olga', slack: 'U0OLGA0001', name: 'Olga Berg', timezone: awake, optIn: ['slack'], optOut: ['slack'] },
      { id: 'c-hana', slack: 'U0HANA0001', name: 'Hana Mori', timezone: asleep, optIn: ['slack'] },
      { id: 'c-otto', phone: '+14155550177', name: 'Otto Lind', scope: 'outlet', timezone: awake, optIn: ['sms'] },
    ]);
    expect(linked.body).toMatchObject({ customers: 8, errors: [] });

    // Wendy and Walt chatted on the site before (signed in); Wendy is still there, Walt left. Tess wrote to the bot on Teams.
    const wendySocket = await webchat('user-wendy');
    const walt = await webchat('user-walt');
    walt.client.close();
    await walt.client.closed;
    expect((await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage('a:tess-1', '29:tess', 'hello')) })).status).toBeLessThan(300);
    await until(() => parley.store.findConversationRef('botframework', 'a:tess-1'), 'the Teams conversation reference');

    const TEE = { id: 'nw-tee-navy', name: 'Classic Tee in Navy' };
    const cart = (customerId: string, cartId: string) => ({ type: 'cart', at: hoursAgo(3), customerId, data: { cartId, items: [TEE] } });
    const events = await post('/api/events', [cart(wendy.id, 'K-w'), cart('c-walt', 'K-walt'), cart(sam.id, 'K-sam'), cart('c-tess', 'K-tess'), cart('c-quinn', 'K-quinn'), cart('c-olga', 'K-olga'), cart('c-hana', 'K-hana'), cart('c-otto', 'K-otto')]);
    expect(events.body).toMatchObject({ events: 8, errors: [] });
    await teams.waitForRequests(1); // the bot's answer to Tess's "hello"
    const teamsBefore = teams.requests.length;

    const pass = await server.engagement!.pass();
    expect(pass).toEqual({ queued: 5, skipped: 2, deferred: 1, failed: 0 });

    // Web chat, live: a reply frame on Wendy's open socket.
    const live = await wendySocket.client.next(byType('reply'));
    const liveText = (live.reply as { text: string }).text;
    expect(liveText).toMatch(/^Hi Wendy 👋 your Classic Tee in Navy is still in your cart at Northwind\. Pick up where you left off: http:\/\/127\.0\.0\.1:\d+\/e\/c\//);
    expect(liveText).toMatch(/Stop them: http:\/\/127\.0\.0\.1:\d+\/e\/u\//);
    expect(await sendOf(wendy.id)).toMatchObject({ channel: 'webchat', status: 'queued', reason: null });
    wendySocket.client.close();

    // Web chat, away: held in the outbox, shown when Walt signs in again (another browser: no conversation id).
    expect(await sendOf('c-walt')).toMatchObject({ channel: 'webchat', status: 'queued', reason: 'held_until_customer_returns' });
    const back = await webchat('user-walt');
    const shown = (back.ready.messages as PublicMessage[]).filter((m) => m.role === 'bot' && m.text.startsWith('Hi Walt'));
    expect(shown).toHaveLength(1);
    expect(await parley.store.listUndeliveredFor(String(back.ready.conversationId))).toEqual([]);
    back.client.close();
    // The report counts it delivered once shown.
    const walts = (await sendOf('c-walt'))!;
    await attributeSignals(parley.store, [walts]);
    expect((await parley.store.engagement.listSignals([walts.id])).map((s) => s.kind)).toEqual(['delivered']);

    // Slack: a direct message opened with conversations.open, then posted there.
    expect(slack.calls('conversations.open').map((c) => c.params.users)).toEqual(['U0SAM00001']);
    const dm = slack.posts().filter((p) => String(p.params.channel).startsWith('D'));
    expect(dm).toHaveLength(1);
    expect(String(dm[0]!.params.text)).toContain('Hi Sam 👋 your Classic Tee in Navy');
    expect(await sendOf(sam.id)).toMatchObject({ channel: 'slack', status: 'queued' });

    // Teams: one proactive SendToConversation on Tess's stored conversation.
    const proactive = teams.requests.slice(teamsBefore).filter((r) => (r.body as { type?: string }).type === 'message');
    expect(proactive).toHaveLength(1);
    expect(proactive[0]).toMatchObject({ conversationId: 'a:tess-1', status: 200 });
    expect(proactive[0]).not.toHaveProperty('activityId'); // SendToConversation, not a reply
    expect((proactive[0]!.body as { text: string }).text).toContain('Hi Tess 👋');

    // SMS from the outlet brand's own number.
    const otto = twilio.sent().filter((m) => m.To === '+14155550177');
    expect(otto).toHaveLength(1);
    expect(otto[0]!.From).toBe(OUTLET_NUMBER);
    expect(otto[0]!.Body).toContain('Reply STOP to opt out.');

    // Quinn never wrote to the bot on Teams (no reference), Olga opted out of Slack, Hana is asleep.
    expect(await sendOf('c-quinn')).toMatchObject({ status: 'skipped', reason: 'unreachable' });
    expect(await sendOf('c-olga')).toMatchObject({ status: 'skipped', reason: 'opted_out' });
    expect(await sendOf('c-hana')).toMatchObject({ status: 'due', reason: 'quiet_hours' });
    expect(slack.calls('conversations.open').map((c) => c.params.users)).not.toContain('U0HANA0001');

    // Delivered on every chat channel; a click on Sam's tracked link and his stop link are his alone.
    const report = await parley.store.engagement.listSends({ campaign: 'chat-cart' });
    expect(report.filter((s) => s.status === 'queued')).toHaveLength(5);
    const link = /http:\/\/127\.0\.0\.1:\d+\/e\/c\/\S+/.exec(String(dm[0]!.params.text))![0].replace(/[>|].*$/, '');
    expect((await fetch(link, { redirect: 'manual' })).headers.get('location')).toBe('https://shop.northwind.example/cart');
    const stop = /http:\/\/127\.0\.0\.1:\d+\/e\/u\/\S+/.exec(String(dm[0]!.params.text))![0].replace(/[>|].*$/, '');
    expect((await fetch(stop, { method: 'POST' })).status).toBe(200);
    expect((await parley.store.engagement.listConsents(sam.id)).find((c) => c.channel === 'slack')?.status).toBe('opted_out');

    // Another pass sends nothing twice.
    const postsBefore = slack.posts().length;
    expect(await server.engagement!.pass()).toMatchObject({ queued: 0 });
    expect(slack.posts().length).toBe(postsBefore);
    expect(teams.requests.slice(teamsBefore).filter((r) => (r.body as { type?: string }).type === 'message')).toHaveLength(1);
  }, 60_000);
});
