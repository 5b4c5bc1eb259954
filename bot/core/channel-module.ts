import type { FastifyInstance } from 'fastify';
import type { Activity } from './activity.js';
import type { ChannelAdapter, ChannelCapabilities, ChannelHost } from './channel.js';

/** An HTTP route a channel mounts on the server, and how a request to it is authenticated. */
export interface ChannelRoute {
  method: 'GET' | 'POST' | 'OPTIONS';
  /** Path as Fastify matches it (`/webhooks/twilio`, `/api/conversations/:id/messages`). */
  path: string;
  /**
   * How a request proves it comes from the vendor or the customer: `signature` (an HMAC or JWT checked before
   * anything is stored; an unsigned request gets 401/403), `token` (a conversation token or the API key), or `none`
   * (public: static files, the start of a conversation when no API key is set).
   */
  auth: 'signature' | 'token' | 'none';
}

/**
 * How a started channel receives customer messages: HTTP routes on Parley's server (webhooks, REST), WebSocket
 * upgrades on a path of the server (web chat), or a listener of its own (an SMTP port, an IMAP poll, Slack Socket
 * Mode) described for the logs.
 */
export type ChannelReceiver =
  | { kind: 'routes'; routes: readonly ChannelRoute[] }
  | { kind: 'websocket'; path: string }
  | { kind: 'listener'; description: string };

/** What a channel module gets when it starts: the HTTP server to mount routes on, and the running Parley. */
export interface ChannelStartContext {
  /** The server's Fastify app (not listening yet); routes are mounted on it. */
  http: FastifyInstance;
  host: ChannelHost;
}

/**
 * A running channel. Every channel module returns one from {@link ChannelModule.start}; the composition root keeps
 * them in one registry and needs nothing channel-specific beyond this (the Slack desk excepted, which uses Slack's
 * own extras).
 */
export interface StartedChannel<Adapter extends ChannelAdapter = ChannelAdapter> {
  /** The channel's name, as on every activity it produces (`activity.channel`). */
  readonly name: string;
  /** Sends to customers on this channel, with the features it declares; a feature it lacks throws `unsupported`. */
  readonly adapter: Adapter;
  /** Where it receives (verified and normalized to {@link Activity} before anything past the channel sees it). */
  readonly receives: readonly ChannelReceiver[];
  /**
   * Runs an accepted message again the way the channel does it first (Twilio: media fetch and STOP/HELP keywords),
   * for the turn recovery loop; left out when `bot.run` is enough.
   */
  resume?(activity: Activity): Promise<void>;
  /** Stops listeners and waits for turns it started; call before closing the store. */
  close(): Promise<void>;
}

/**
 * The one contract of a channel: a name, declared capabilities and `start`, which verifies, normalizes and mounts
 * whatever receives messages and returns the adapter that sends. Adding a channel is one folder exporting a module
 * and one line in the composition root's channel registry.
 *
 * @typeParam Options - the channel's typed settings (resolved from the configuration by the registry).
 * @typeParam Started - what `start` returns: a {@link StartedChannel}, possibly with channel-specific extras.
 */
export interface ChannelModule<Options, Started extends StartedChannel = StartedChannel> {
  /** Channel name; equals `start(…).name` and `adapter.channel`. */
  readonly name: string;
  /** What its adapter can do; equals `start(…).adapter.capabilities`. */
  readonly capabilities: ChannelCapabilities;
  /** Mounts routes or starts listeners with `options`; rejects with `config_invalid` for unusable settings. */
  start(context: ChannelStartContext, options: Options): Promise<Started>;
}

/** The routes of a channel's receivers (those that mount HTTP routes). */
export function routesOf(channel: Pick<StartedChannel, 'receives'>): ChannelRoute[] {
  return channel.receives.flatMap((receiver) => (receiver.kind === 'routes' ? receiver.routes : []));
}
