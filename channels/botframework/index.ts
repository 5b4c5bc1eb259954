/**
 * The Microsoft Bot Framework channel (Teams, Direct Line, Web Chat, Emulator) on botbuilder's CloudAdapter.
 * botbuilder is archived upstream (support ended 2025-12-31); only this folder imports it.
 */
import { CloudAdapter } from 'botbuilder';
import type { FastifyInstance } from 'fastify';
import type { ChannelHost, ChannelModule, StartedChannel } from '../../bot/core/index.js';
import { BOTFRAMEWORK_CAPABILITIES, BotFrameworkAdapter } from './adapter.js';
import { ParleyError } from '../../bot/core/index.js';
import { createBotFrameworkAuthentication, type BotFrameworkAuthOptions } from './auth.js';
import { EmulatorServiceGuard, emulatorHttpClient, type HostResolver } from './emulator.js';
import { BOTFRAMEWORK_CHANNEL } from './parse.js';
import { registerBotFrameworkRoutes } from './routes.js';

export { BOTFRAMEWORK_CAPABILITIES, BotFrameworkAdapter, type BotFrameworkAdapterOptions } from './adapter.js';
export { authenticateActivity, createBotFrameworkAuthentication, type AuthenticatedRequest, type BotFrameworkAppType, type BotFrameworkAuthOptions } from './auth.js';
export { EmulatorServiceGuard, emulatorHttpClient, isLoopbackAddress, systemResolver, type EmulatorGuardOptions, type HostResolver } from './emulator.js';
export { TokenEndpointCredentialsFactory, type TokenEndpointOptions } from './credentials.js';
export { formatReply, imageContentType, sourcesLine, type FormatOptions, type FormattedReply } from './format.js';
export { BOTFRAMEWORK_CHANNEL, messageAttachments, messageText, readInboundMessage, readIncomingActivity, toParleyActivity, type InboundMessage } from './parse.js';
export { bearerJwt, checkChannelClaims, CHANNEL_TOKEN_ISSUER, CLOCK_SKEW_SECONDS, decodeJwt, isChannelToken, type ChannelTokenExpectation, type DecodedJwt } from './verify.js';

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
  /** Emulator mode without an app id (`BOTFRAMEWORK_EMULATOR`): unauthenticated, replies only to loopback addresses. */
  emulator?: boolean | undefined;
  /** The only port emulator-mode replies may go to (`BOTFRAMEWORK_EMULATOR_PORT`); default any. */
  emulatorPort?: number | undefined;
  /** Host name resolver of the emulator checks; default `dns.lookup` (tests inject one). */
  resolve?: HostResolver;
}

/** The mounted channel. */
export interface BotFrameworkChannel extends StartedChannel<BotFrameworkAdapter> {
  readonly adapter: BotFrameworkAdapter;
  /** Waits for turns still running in the background. */
  close(): Promise<void>;
}

/**
 * Mounts `POST /api/messages` on `app` and returns the channel adapter (for proactive `send`). With `options.appId`,
 * every activity's JWT is validated. Without one, `options.emulator` must be set (local development with the Bot
 * Framework Emulator): activities are not authenticated, so their `serviceUrl` must resolve only to loopback
 * addresses (and be on `emulatorPort` when set), checked again for every reply, which connects to the checked
 * address. Throws `config_invalid` with neither, or when the SDK refuses the settings.
 */
export async function registerBotFrameworkChannel(app: FastifyInstance, host: ChannelHost, options: BotFrameworkChannelOptions = {}): Promise<BotFrameworkChannel> {
  if (!options.appId && !options.emulator) {
    throw new ParleyError('config_invalid', 'invalid configuration: the Bot Framework channel needs MICROSOFT_APP_ID (or BOTFRAMEWORK_EMULATOR=true for a local Bot Framework Emulator)');
  }
  const emulator = new EmulatorServiceGuard({ port: options.emulatorPort, ...(options.resolve ? { resolve: options.resolve } : {}) });
  // In emulator mode the SDK's connector sends through the guard; with an app id the token's serviceurl claim rules.
  const auth = createBotFrameworkAuthentication(options, options.appId ? undefined : { httpClient: emulatorHttpClient(emulator) });
  const adapter = new BotFrameworkAdapter(host, new CloudAdapter(auth), { appId: options.appId, publicUrl: options.publicUrl });
  if (!options.appId) host.logger.warn({ port: options.emulatorPort ?? 'any' }, 'Bot Framework emulator mode: /api/messages is unauthenticated and replies only to a Bot Framework Emulator on this machine');
  const path = options.path ?? BOTFRAMEWORK_PATH;
  await registerBotFrameworkRoutes(app, {
    host,
    adapter,
    auth,
    emulator,
    options: {
      path,
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      appId: options.appId,
      clock: options.clock ?? (() => new Date()),
    },
  });
  return {
    name: BOTFRAMEWORK_CHANNEL,
    // Emulator mode is unauthenticated (loopback only); otherwise every activity carries a JWT that is validated.
    receives: [{ kind: 'routes', routes: [{ method: 'POST', path, auth: options.appId ? 'signature' : 'none' }] }],
    adapter,
    close: () => adapter.idle(),
  };
}

/** The Bot Framework channel module (Teams, Direct Line, Web Chat, Emulator): registered once in the channel registry. */
export const botFrameworkChannel: ChannelModule<BotFrameworkChannelOptions, BotFrameworkChannel> = {
  name: BOTFRAMEWORK_CHANNEL,
  capabilities: BOTFRAMEWORK_CAPABILITIES,
  start: ({ http, host }, options) => registerBotFrameworkChannel(http, host, options),
};
