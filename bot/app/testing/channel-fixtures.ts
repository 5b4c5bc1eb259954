import { join } from 'node:path';
import { botFrameworkChannel, type BotFrameworkChannel, type BotFrameworkChannelOptions } from '../../../channels/botframework/index.js';
import { startFakeBotFrameworkService } from '../../../channels/botframework/testing/index.js';
import { emailChannel, type EmailChannel, type EmailChannelOptions } from '../../../channels/email/index.js';
import { sendTestMail } from '../../../channels/email/testing/smtp-client.js';
import { startSmtpPeer } from '../../../channels/email/testing/smtp-peer.js';
import { restChannel, type RestChannel, type RestChannelOptions } from '../../../channels/rest/index.js';
import { slackChannel, type SlackChannel, type SlackChannelOptions } from '../../../channels/slack/index.js';
import { startFakeSlack } from '../../../channels/slack/testing/index.js';
import { BOT_TOKEN, CUSTOMER as SLACK_CUSTOMER, DM_CHANNEL, dmEvent, SIGNING_SECRET, signedHeaders } from '../../../channels/slack/testing/payloads.js';
import { twilioChannel, type TwilioChannel, type TwilioChannelOptions } from '../../../channels/twilio/index.js';
import { inboundMessageParams, signedFormPost, startFakeTwilio } from '../../../channels/twilio/testing/index.js';
import { WEBCHAT_PATH, webchatChannel, type WebchatChannel, type WebchatChannelOptions } from '../../../channels/webchat/index.js';
import { SocketTestClient, type Frame } from '../../../channels/webchat/testing/socket-client.js';
import type { ChannelModule, StartedChannel, Store } from '../../core/index.js';

/** What a fixture needs of the server it runs against. */
export interface FixtureServer {
  /** Origin the channel is reachable at once the app listens (known before, so signatures can name it). */
  url: string;
  /** Bearer key the server requires to start a REST conversation (`PARLEY_API_KEY`). */
  apiKey: string;
  /** A private folder for the channel's files. */
  home: string;
}

/** One running fixture: the channel's options against local fakes, and how its customer talks to it. */
export interface FixtureRun<Options, Started extends StartedChannel> {
  options: Options;
  /**
   * Sends one customer message as the vendor (or the customer's client) would, and resolves with the status it got
   * (HTTP, or 250 for SMTP). `signed: false` leaves out the vendor's signature (only for channels that sign).
   */
  deliver(started: Started, text: string, signed?: boolean): Promise<number>;
  /** The conversation of the fixture's customer, once there is one. */
  conversationId(store: Store): Promise<string | undefined>;
  /** Texts the channel has delivered to the fixture's customer so far. */
  delivered(): string[];
  close(): Promise<void>;
}

/** A channel module with the local fakes that exercise it through the channel contract test. */
export interface ChannelFixture<Options, Started extends StartedChannel> {
  module: ChannelModule<Options, Started>;
  /** True when the channel's inbound requests carry a vendor signature that `deliver(…, false)` leaves out. */
  signs: boolean;
  start(server: FixtureServer): Promise<FixtureRun<Options, Started>>;
}

/** A {@link ChannelFixture} with its types erased (one list holds them all). */
export type AnyChannelFixture = ChannelFixture<never, StartedChannel> & { start(server: FixtureServer): Promise<FixtureRun<never, StartedChannel>> };

const firstConversation = async (store: Store, userId: string): Promise<string | undefined> => (await store.listConversationsByUser(userId))[0]?.id;

const twilio: ChannelFixture<TwilioChannelOptions, TwilioChannel> = {
  module: twilioChannel,
  signs: true,
  start: async ({ url }) => {
    const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
    const authToken = 'contract-auth-token';
    const from = '+15550009999';
    const customer = '+15551230001';
    const fake = await startFakeTwilio({ accountSid, authToken });
    return {
      options: { accountSid, authToken, from, apiUrl: fake.url, publicUrl: url },
      deliver: async (_started, text, signed = true) => {
        const params = inboundMessageParams({ accountSid, from: customer, to: from, body: text });
        if (signed) return (await signedFormPost(`${url}/webhooks/twilio`, params, authToken)).status;
        const body = new URLSearchParams(params).toString();
        return (await fetch(`${url}/webhooks/twilio`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).status;
      },
      conversationId: (store) => firstConversation(store, customer),
      delivered: () => fake.sent().filter((m) => m.To === customer).map((m) => String(m.Body)),
      close: () => fake.close(),
    };
  },
};

const slack: ChannelFixture<SlackChannelOptions, SlackChannel> = {
  module: slackChannel,
  signs: true,
  start: async ({ url }) => {
    const fake = await startFakeSlack();
    return {
      options: { signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, apiUrl: fake.url },
      deliver: async (_started, text, signed = true) => {
        const body = JSON.stringify(dmEvent(text));
        const headers = signed ? signedHeaders(body, 'application/json') : { 'content-type': 'application/json' };
        return (await fetch(`${url}/webhooks/slack/events`, { method: 'POST', headers, body })).status;
      },
      conversationId: (store) => firstConversation(store, SLACK_CUSTOMER),
      delivered: () => fake.posts().filter((p) => p.params.channel === DM_CHANNEL).map((p) => String(p.params.text)),
      close: () => fake.close(),
    };
  },
};

const email: ChannelFixture<EmailChannelOptions, EmailChannel> = {
  module: emailChannel,
  signs: false,
  start: async () => {
    const peer = await startSmtpPeer();
    const support = 'support@northwind.example';
    const customer = 'jane@customer.example';
    let sequence = 0;
    return {
      options: { listenPort: 0, listenHost: '127.0.0.1', smtpUrl: peer.url, from: `Northwind Support <${support}>` },
      deliver: async (started, text) => {
        return sendTestMail(started.port ?? 0, { from: `Jane Doe <${customer}>`, to: support, subject: text, text, messageId: `<contract.${Date.now()}.${(sequence += 1)}@customer.example>` });
      },
      conversationId: (store) => firstConversation(store, customer),
      delivered: () => peer.received.filter((mail) => mail.envelope.to.includes(customer)).map((mail) => mail.parsed.text ?? ''),
      close: () => peer.close(),
    };
  },
};

const botFramework: ChannelFixture<BotFrameworkChannelOptions, BotFrameworkChannel> = {
  module: botFrameworkChannel,
  signs: true,
  start: async ({ url }) => {
    const appId = 'contract-bot-app-id';
    const fake = await startFakeBotFrameworkService({ appId, appPassword: 'contract-secret', endorsements: ['msteams'] });
    const conversation = 'a:1contract-conversation';
    const customer = '29:1contract-customer';
    let sequence = 0;
    return {
      options: { appId, appPassword: 'contract-secret', appType: 'MultiTenant', openIdMetadata: fake.openIdMetadataUrl, tokenEndpoint: fake.tokenEndpoint },
      deliver: async (_started, text, signed = true) => {
        const activity = {
          type: 'message',
          id: `contract-${(sequence += 1)}`,
          timestamp: new Date().toISOString(),
          serviceUrl: fake.serviceUrl,
          channelId: 'msteams',
          from: { id: customer, name: 'Megan Bowen' },
          conversation: { id: conversation, conversationType: 'personal', tenantId: 'tenant-1' },
          recipient: { id: `28:${appId}`, name: 'Parley' },
          text,
        };
        const headers = { 'content-type': 'application/json', ...(signed ? { authorization: `Bearer ${fake.signChannelToken()}` } : {}) };
        return (await fetch(`${url}/api/messages`, { method: 'POST', headers, body: JSON.stringify(activity) })).status;
      },
      conversationId: (store) => firstConversation(store, customer),
      delivered: () =>
        fake.requests.filter((r) => r.conversationId === conversation && (r.body as { type?: string }).type === 'message').map((r) => String((r.body as { text?: string }).text)),
      close: () => fake.close(),
    };
  },
};

const rest: ChannelFixture<RestChannelOptions, RestChannel> = {
  module: restChannel,
  signs: false,
  start: async ({ url, apiKey }) => {
    const customer = 'rest-contract-customer';
    const delivered: string[] = [];
    let conversationId: string | undefined;
    let token: string | undefined;
    return {
      options: {},
      deliver: async (_started, text) => {
        const body = JSON.stringify({ userId: customer, text, ...(conversationId ? { conversationId } : {}) });
        const response = await fetch(`${url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? apiKey}` }, body });
        if (response.ok) {
          const answer = (await response.json()) as { conversationId: string; token: string; replies: { text: string }[] };
          ({ conversationId, token } = answer);
          delivered.push(...answer.replies.map((reply) => reply.text));
        }
        return response.status;
      },
      conversationId: (store) => firstConversation(store, customer),
      delivered: () => delivered,
      close: () => Promise.resolve(),
    };
  },
};

const webchat: ChannelFixture<WebchatChannelOptions, WebchatChannel> = {
  module: webchatChannel,
  signs: false,
  start: async ({ url, home }) => {
    const customer = 'webchat-contract-customer';
    const delivered: string[] = [];
    let client: SocketTestClient | undefined;
    let sequence = 0;
    const connect = async (): Promise<SocketTestClient> => {
      if (client) return client;
      const opened = await SocketTestClient.open(`${url.replace(/^http/, 'ws')}${WEBCHAT_PATH}`);
      // Every answer the customer sees, in arrival order (the test client keeps the frames for `next`).
      opened.ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Frame & { message?: { text?: string } };
        const reply = frame.reply ?? frame.message;
        if ((frame.type === 'reply' || frame.type === 'message') && reply?.text) delivered.push(reply.text);
      });
      const ready = await opened.hello({ userId: customer });
      if (ready.type !== 'ready') throw new Error(`web chat refused the customer: ${JSON.stringify(ready)}`);
      return (client = opened);
    };
    return {
      options: { assetDirs: [], uploadsDir: join(home, 'uploads') },
      deliver: async (_started, text) => {
        const open = await connect();
        const clientMessageId = `contract-${(sequence += 1)}`;
        open.send({ type: 'message', clientMessageId, text });
        await open.next((frame) => frame.type === 'ack' && frame.clientMessageId === clientMessageId, 10_000);
        return 200;
      },
      conversationId: (store) => firstConversation(store, customer),
      delivered: () => delivered,
      close: async () => {
        client?.ws.terminate();
        return Promise.resolve();
      },
    };
  },
};

/** One fixture per channel of the registry (the contract test fails for a registered channel without one). */
export const CHANNEL_FIXTURES = [rest, webchat, twilio, slack, email, botFramework] as unknown as readonly AnyChannelFixture[];
