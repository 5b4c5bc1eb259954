/** The Slack customer channel (Events API + interactivity over HTTP, or Socket Mode), built on Bolt. */
import { App, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { FastifyInstance } from 'fastify';
import type { ChannelHost, ChannelModule, StartedChannel } from '../../bot/core/index.js';
import { SLACK_CAPABILITIES, SlackAdapter } from './adapter.js';
import { boltLogger } from './bolt-logger.js';
import { attachSlackListeners } from './listener.js';
import { SLACK_CHANNEL } from './parse.js';
import { SLACK_EVENTS_PATH, SlackHttpReceiver, type SlackHttpReceiverOptions } from './receiver.js';

export { SLACK_CAPABILITIES, SlackAdapter, type SlackAdapterOptions, type SlackConversationRef, type SlackTarget } from './adapter.js';
export { DEFAULT_MAX_SLACK_FILE_BYTES, fetchSlackFile, fetchSlackFiles, imageTypeOf, isSlackFileUrl, type SlackFileOptions, type SlackFileRef } from './files.js';
export { formatReply, QUICK_REPLY_ACTION_PREFIX, QUICK_REPLY_BLOCK_PREFIX, type SlackBlock, type SlackMessageContent } from './format.js';
export { attachSlackListeners, runSlackTurn } from './listener.js';
export { classifyEvent, classifyInteraction, conversationKey, decodeSlackRequest, SLACK_CHANNEL, toActivity, type SlackInbound } from './parse.js';
export {
  SLACK_BODY_LIMIT,
  SLACK_DELIVERY_LEASE_MS,
  SLACK_EVENTS_PATH,
  SLACK_MAX_DELIVERY_ATTEMPTS,
  SLACK_RECOVERY_INTERVAL_MS,
  SlackHttpReceiver,
  slackDeliveryId,
  type SlackHttpReceiverOptions,
} from './receiver.js';
export { computeSlackSignature, isValidSlackSignature, verifySlackSignature } from './verify.js';
export { DESK_ACTIONS, registerSlackDesk, SlackDesk, slackDeskThread, type SlackDeskRegistration } from './desk/index.js';

/** Slack's Web API base URL. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Options of {@link registerSlackChannel} (the shape of `config.slack`, plus optional extras). */
export interface SlackChannelOptions {
  /** Signing secret of the Slack app (Basic Information → App Credentials); `SLACK_SIGNING_SECRET`. */
  signingSecret: string;
  /** Bot token `xoxb-…` (OAuth & Permissions); `SLACK_BOT_TOKEN`. */
  botToken: string;
  /** App-level token `xapp-…` with `connections:write`; when set, Socket Mode replaces the HTTP route. `SLACK_APP_TOKEN`. */
  appToken?: string | undefined;
  /** Web API base URL; default `https://slack.com/api/` (`SLACK_API_URL`; tests point it at a local fake). */
  apiUrl?: string | undefined;
  /** Public origin (`PUBLIC_URL`) that relative image URLs in replies are resolved against; without it they are left out. */
  publicUrl?: string | undefined;
  /** Clock for the signature's 5-minute window (ms); default `Date.now`. */
  now?: () => number;
  /** Channels whose messages are not customer conversations (the agent desk's escalation channel). */
  ignoreChannels?: readonly string[];
  /** Recovery of Slack requests recorded before their ack but never processed (HTTP mode); see {@link SlackHttpReceiver}. */
  recovery?: SlackHttpReceiverOptions['recovery'];
}

/** A registered Slack channel. */
export interface SlackChannel extends StartedChannel<SlackAdapter> {
  readonly adapter: SlackAdapter;
  /** `http`: `POST /webhooks/slack/events` is mounted; `socket`: Bolt's SocketModeReceiver connects out to Slack. */
  mode: 'http' | 'socket';
  /** The Bolt app (listeners are Parley's; add more with care). */
  app: App;
  /** The Web API client with the bot token (the agent desk posts with it). */
  client: WebClient;
  receiver: SlackHttpReceiver | SocketModeReceiver;
  /** Stops Socket Mode or waits for acked events to finish their turns. */
  close(): Promise<void>;
}

function slackClient(host: Pick<ChannelHost, 'store' | 'logger'>, options: Pick<SlackChannelOptions, 'botToken' | 'publicUrl'>, apiUrl: string) {
  // Few, quick retries: a reply waits under its conversation's lock, and a failed one stays in the outbox.
  const clientOptions = { slackApiUrl: apiUrl, logger: boltLogger(host.logger), retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 }, timeout: 10_000 };
  const client = new WebClient(options.botToken, clientOptions);
  const adapter = new SlackAdapter({ client, store: host.store, logger: host.logger, publicUrl: options.publicUrl, files: { botToken: options.botToken, apiUrl } });
  return { client, adapter, clientOptions };
}

/**
 * A Slack adapter that only sends (Web API with the bot token; nothing mounted or listened to): for processes without
 * the server, e.g. `parley engage run` sending campaign direct messages.
 */
export function slackSender(host: Pick<ChannelHost, 'store' | 'logger'>, options: Pick<SlackChannelOptions, 'botToken' | 'apiUrl' | 'publicUrl'>): SlackAdapter {
  return slackClient(host, options, (options.apiUrl ?? DEFAULT_SLACK_API_URL).replace(/\/?$/, '/')).adapter;
}

/**
 * Registers the Slack channel on `fastify`: a Bolt `App` whose receiver is either Parley's HTTP receiver on
 * `POST /webhooks/slack/events` (events and interactivity) or, when `appToken` is set, Bolt's SocketModeReceiver
 * (started here; a failed connection is logged, Bolt reconnects). Replies go through the Web API at `apiUrl`.
 */
export async function registerSlackChannel(fastify: FastifyInstance, host: ChannelHost, options: SlackChannelOptions): Promise<SlackChannel> {
  const apiUrl = (options.apiUrl ?? DEFAULT_SLACK_API_URL).replace(/\/?$/, '/');
  const logger = boltLogger(host.logger);
  const { client, adapter, clientOptions } = slackClient(host, options, apiUrl);
  const receiver = options.appToken
    ? new SocketModeReceiver({ appToken: options.appToken, logger, installerOptions: { clientOptions: { slackApiUrl: apiUrl } } })
    : new SlackHttpReceiver({
        signingSecret: options.signingSecret,
        logger: host.logger,
        deliveries: host.store.deliveries,
        ...(options.now ? { now: options.now } : {}),
        ...(options.recovery ? { recovery: options.recovery } : {}),
      });
  const app = new App({
    receiver,
    // One workspace, one bot token; the app's own ids come from a cached auth.test (own messages are ignored by Bolt).
    authorize: async () => ({ botToken: options.botToken, ...(await adapter.identity()) }),
    logger,
    convoStore: false,
    clientOptions: { ...clientOptions },
  });
  app.error(async (error) => {
    host.logger.error({ err: error }, 'Slack listener failed');
  });
  attachSlackListeners(app, host, adapter, options.ignoreChannels ?? []);
  if (receiver instanceof SlackHttpReceiver) {
    await receiver.mount(fastify);
    void adapter.identity();
    receiver.startRecovery();
  } else {
    app.start().catch((error: unknown) => host.logger.error({ err: error }, 'Slack Socket Mode could not connect'));
  }
  const http = receiver instanceof SlackHttpReceiver;
  return {
    name: SLACK_CHANNEL,
    receives: [
      http
        ? { kind: 'routes', routes: [{ method: 'POST', path: SLACK_EVENTS_PATH, auth: 'signature' }] }
        : { kind: 'listener', description: 'Slack Socket Mode (outbound WebSocket to Slack)' },
    ],
    adapter,
    mode: http ? 'http' : 'socket',
    app,
    client,
    receiver,
    close: async () => {
      await app.stop();
    },
  };
}

/** The Slack channel module (customers in DMs, mentions and threads): registered once in the channel registry. */
export const slackChannel: ChannelModule<SlackChannelOptions, SlackChannel> = {
  name: SLACK_CHANNEL,
  capabilities: SLACK_CAPABILITIES,
  start: ({ http, host }, options) => registerSlackChannel(http, host, options),
};
