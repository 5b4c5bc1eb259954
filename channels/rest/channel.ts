import { ParleyError, type Activity, type ChannelAdapter, type ChannelCapabilities, type ChannelModule, type StartedChannel } from '../../bot/core/index.js';
import { registerRestChannel, REST_CHANNEL } from './routes.js';

/** REST answers in the HTTP response and cannot push: no typing, no streaming, nothing proactive. */
export const REST_CAPABILITIES: Readonly<ChannelCapabilities> = { typing: false, quickReplies: true, images: true, streaming: false, proactive: false };

/**
 * The REST channel's adapter. A REST client gets its replies in the response of `POST /api/chat` (and reads later
 * ones, an agent's included, from `GET /api/conversations/:id/messages`), so there is nothing to push: `send` throws
 * `unsupported`, and the server leaves REST out of proactive delivery (replies wait in the transcript).
 */
export class RestAdapter implements ChannelAdapter {
  readonly channel = REST_CHANNEL;
  readonly capabilities = REST_CAPABILITIES;

  send(activity: Activity): Promise<void> {
    return Promise.reject(
      new ParleyError('unsupported', `the REST channel cannot push a message to conversation ${activity.conversationId}; the client reads it from the transcript`),
    );
  }
}

/** The REST channel as started: its routes and its (receive-only) adapter. */
export type RestChannel = StartedChannel<RestAdapter>;

/** Options of the REST channel: none (access is the API key and the conversation tokens of the {@link ChannelHost}). */
export type RestChannelOptions = Record<string, never>;

/** The REST channel module: `POST /api/chat` and `GET /api/conversations/:id/messages` (see CONTRACTS.md). */
export const restChannel: ChannelModule<RestChannelOptions, RestChannel> = {
  name: REST_CHANNEL,
  capabilities: REST_CAPABILITIES,
  start: ({ http, host }) => {
    registerRestChannel(http, host);
    return Promise.resolve({
      name: REST_CHANNEL,
      receives: [
        {
          kind: 'routes',
          routes: [
            // Starting a conversation needs the API key when one is set; continuing it, the conversation's token.
            { method: 'POST', path: '/api/chat', auth: 'token' },
            { method: 'GET', path: '/api/conversations/:id/messages', auth: 'token' },
          ],
        },
      ],
      adapter: new RestAdapter(),
      close: () => Promise.resolve(),
    });
  },
};
