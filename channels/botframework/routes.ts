import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { errorCodes, type FastifyError, type FastifyInstance } from 'fastify';
import { errorResponse, strictJsonParser, type ChannelHost, type ParleyError } from '../../bot/core/index.js';
import type { BotFrameworkAdapter } from './adapter.js';
import { authenticateActivity } from './auth.js';
import type { EmulatorServiceGuard } from './emulator.js';
import { readInboundMessage, readIncomingActivity } from './parse.js';

/** Options of {@link registerBotFrameworkRoutes}. */
export interface BotFrameworkRouteOptions {
  /** Messaging endpoint path. */
  path: string;
  /** Largest request body (bytes). */
  bodyLimit: number;
  appId: string | undefined;
  /** Clock for token checks. */
  clock: () => Date;
}


/**
 * The Bot Framework messaging endpoint (`POST /api/messages` by default), in its own Fastify scope so that its JSON
 * parsing, body limit and error bodies do not depend on the server it is mounted on. Per request: content type →
 * JSON → activity envelope (400) → authentication (401) → message text (413) → 200 ack, then the turn runs in the
 * background and replies through the connector service. Non-message activities (conversationUpdate, typing,
 * messageReaction, invoke…) are acknowledged and ignored.
 */
export async function registerBotFrameworkRoutes(
  app: FastifyInstance,
  deps: { host: ChannelHost; adapter: BotFrameworkAdapter; auth: ConfigurationBotFrameworkAuthentication; emulator: EmulatorServiceGuard; options: BotFrameworkRouteOptions },
): Promise<void> {
  const { host, adapter, auth, options } = deps;
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, strictJsonParser);

    scope.setErrorHandler((error: FastifyError | ParleyError, request, reply) => {
      const { status, body, fault } = errorResponse(error);
      if (fault) host.logger.error({ err: error, url: request.url }, 'Bot Framework request failed');
      return reply.status(status).send(body);
    });

    scope.post(options.path, { bodyLimit: options.bodyLimit }, async (request, reply) => {
      // Fastify also parses text/plain; the Bot Framework Protocol is JSON only.
      const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
      if (contentType !== 'application/json') throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(contentType ?? 'none');
      const incoming = readIncomingActivity(request.body);
      // Without an app id nothing is authenticated (emulator mode): only a service URL that resolves to this machine.
      if (!options.appId) await deps.emulator.check(incoming.serviceUrl);
      const authenticated = await authenticateActivity(auth, incoming, request.headers.authorization, { appId: options.appId, now: options.clock() });
      const message = incoming.type === 'message' ? readInboundMessage(incoming) : undefined;
      // Acknowledge first: channels retry slow requests (Teams after 15 s), and the turn may take longer than that.
      await reply.status(200).send();
      if (message) adapter.dispatch(authenticated, incoming, message);
      return reply;
    });
  });
}
