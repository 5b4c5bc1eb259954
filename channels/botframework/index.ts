/**
 * The Microsoft Bot Framework channel (Teams, Direct Line, Web Chat, Emulator) on botbuilder's CloudAdapter.
 * botbuilder is archived upstream (support ended 2025-12-31); only this folder imports it.
 */
import { CloudAdapter } from 'botbuilder';
import type { FastifyInstance } from 'fastify';
import type { ChannelHost } from '../../bot/core/index.js';
import { BotFrameworkAdapter } from './adapter.js';
import { createBotFrameworkAuthentication, type BotFrameworkAuthOptions } from './auth.js';
import { registerBotFrameworkRoutes } from './routes.js';

export { BotFrameworkAdapter, type BotFrameworkAdapterOptions } from './adapter.js';
export { authenticateActivity, createBotFrameworkAuthentication, type AuthenticatedRequest, type BotFrameworkAppType, type BotFrameworkAuthOptions } from './auth.js';
export { TokenEndpointCredentialsFactory, type TokenEndpointOptions } from './credentials.js';
export { formatReply, imageContentType, sourcesLine, type FormatOptions, type FormattedReply } from './format.js';
export { BOTFRAMEWORK_CHANNEL, messageAttachments, messageText, readInboundMessage, readIncomingActivity, toParleyActivity, type InboundMessage } from './parse.js';
export { bearerJwt, checkChannelClaims, CHANNEL_TOKEN_ISSUER, CLOCK_SKEW_SECONDS, decodeJwt, isChannelToken, type ChannelTokenExpectation, type DecodedJwt } from './verify.js';
export { startFakeBotFrameworkService, type FakeBotFrameworkService, type FakeConnectorRequest, type FakeServiceOptions } from './fake-service.js';

/** Default messaging endpoint path (configure `PUBLIC_URL` + this path in the Azure Bot resource). */
export const BOTFRAMEWORK_PATH = '/api/messages';

/** Default largest request body (bytes): Teams activities carry entities and channel data besides the text. */
const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Options of {@link registerBotFrameworkChannel}: `config.botFramework` plus where the server is reachable. */
export interface BotFrameworkChannelOptions extends BotFrameworkAuthOptions {
  /** Public origin of the server (`PUBLIC_URL`), to send images with relative URLs. */
  publicUrl?: string | undefined;
  /** Messaging endpoint path; default {@link BOTFRAMEWORK_PATH}. */
  path?: string;
  /** Largest request body in bytes; default 256 KiB. */
  bodyLimit?: number;
  /** Clock for token checks; default the system clock. */
  clock?: () => Date;
}

/** The mounted channel. */
export interface BotFrameworkChannel {
  adapter: BotFrameworkAdapter;
  /** Waits for turns still running in the background. */
  close(): Promise<void>;
}

/**
 * Mounts `POST /api/messages` on `app` and returns the channel adapter (for proactive `send`). JWT validation is on
 * when `options.appId` is set and off otherwise (local Emulator use only: then anyone can post activities and make the
 * bot call their `serviceUrl`). Throws `config_invalid` when the SDK refuses the settings.
 */
export async function registerBotFrameworkChannel(app: FastifyInstance, host: ChannelHost, options: BotFrameworkChannelOptions = {}): Promise<BotFrameworkChannel> {
  const auth = createBotFrameworkAuthentication(options);
  const adapter = new BotFrameworkAdapter(host, new CloudAdapter(auth), { appId: options.appId, publicUrl: options.publicUrl });
  if (!options.appId) host.logger.warn({}, 'Bot Framework: MICROSOFT_APP_ID is unset, so /api/messages accepts only a local Emulator (activities whose serviceUrl is on this machine)');
  await registerBotFrameworkRoutes(app, {
    host,
    adapter,
    auth,
    options: {
      path: options.path ?? BOTFRAMEWORK_PATH,
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      appId: options.appId,
      clock: options.clock ?? (() => new Date()),
    },
  });
  return { adapter, close: () => adapter.idle() };
}
