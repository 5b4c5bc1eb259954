import { join } from 'node:path';
import { botFrameworkChannel } from '../../channels/botframework/index.js';
import { emailChannel } from '../../channels/email/index.js';
import { restChannel } from '../../channels/rest/index.js';
import { registerSlackDesk, slackChannel } from '../../channels/slack/index.js';
import { twilioChannel } from '../../channels/twilio/index.js';
import { webchatChannel, type SocketFanout } from '../../channels/webchat/index.js';
import type { HandoffService } from '../../dialogs/index.js';
import { sampleDataDir } from '../../knowledge/index.js';
import type { ChannelModule, ChannelStartContext, StartedChannel } from '../core/index.js';
import { clientAddress } from './client-address.js';
import type { Parley } from './parley.js';

/** What the registry's lines read to decide whether a channel runs and with which options. */
export interface ChannelWiring {
  parley: Parley;
  /** The handoff service the Slack agent desk attaches to; without it there is no desk. */
  handoff?: HandoffService | undefined;
  /** Carries web chat pushes to the other instances (Redis with `REDIS_URL`). */
  fanout?: SocketFanout | undefined;
}

/**
 * One line of the registry: a channel module, how the configuration turns into its options (undefined leaves the
 * channel off), and, rarely, wiring beyond the channel once it started (the Slack agent desk).
 */
export interface ChannelRegistration<Options, Started extends StartedChannel> {
  module: ChannelModule<Options, Started>;
  options(wiring: ChannelWiring): Options | undefined;
  attach?(started: Started, wiring: ChannelWiring): void;
}

/** A registry line with its types erased: starts its channel when the configuration enables it. */
export interface RegisteredChannel {
  readonly module: ChannelModule<never, StartedChannel>;
  /** Starts the channel (and its attachments); undefined when the configuration leaves it off. */
  start(context: ChannelStartContext, wiring: ChannelWiring): Promise<StartedChannel | undefined>;
}

/** Turns a typed registry line into a {@link RegisteredChannel}. */
export function registered<Options, Started extends StartedChannel>(line: ChannelRegistration<Options, Started>): RegisteredChannel {
  return {
    module: line.module,
    start: async (context, wiring) => {
      const options = line.options(wiring);
      if (options === undefined) return undefined;
      const started = await line.module.start(context, options);
      line.attach?.(started, wiring);
      return started;
    },
  };
}

/** `publicUrl` from `PUBLIC_URL`, for the channels that sign or link against it. */
const publicUrlOf = ({ parley }: ChannelWiring) => (parley.config.publicUrl ? { publicUrl: parley.config.publicUrl } : {});

/**
 * Every channel Parley has, in start order: the one place channels are wired. Adding a channel is a folder under
 * `channels/` exporting a {@link ChannelModule} and a line here (and a fixture in the channel contract test).
 * REST and web chat always run; the others run when their settings are present (see docs/channels.md).
 */
export const CHANNEL_REGISTRY: readonly RegisteredChannel[] = [
  registered({ module: restChannel, options: () => ({}) }),
  registered({
    module: webchatChannel,
    options: ({ parley: { config, store }, fanout }) => ({
      assetDirs: [sampleDataDir()],
      // The demo page shows the try-on catalogue's products: what a shopper sees there, they can try on.
      products: () => store.tryon.listProducts(),
      uploadsDir: join(config.home, 'uploads'),
      retentionHours: config.photoRetentionHours,
      framesPerMinute: config.rateLimits.socketMessages,
      clientAddress: (request) => clientAddress(request, config.trustProxy),
      ...(fanout ? { fanout } : {}),
    }),
  }),
  registered({ module: twilioChannel, options: (wiring) => wiring.parley.config.twilio && { ...wiring.parley.config.twilio, ...publicUrlOf(wiring) } }),
  registered({
    module: slackChannel,
    options: (wiring) => {
      const { slack, agentDesk } = wiring.parley.config;
      const escalationChannel = agentDesk.escalationChannel;
      return slack && { ...slack, ...publicUrlOf(wiring), ignoreChannels: escalationChannel ? [escalationChannel] : [] };
    },
    // The agent desk shares the Slack app (same token and Request URL) when SLACK_ESCALATION_CHANNEL is set.
    attach: (slack, { parley, handoff }) => {
      const channel = parley.config.agentDesk.escalationChannel;
      if (!channel || !handoff) return;
      registerSlackDesk(slack, { channel, service: handoff, corrections: parley.corrections, store: parley.store, knowledge: parley.knowledge, logger: parley.logger });
      parley.logger.info({ channel }, 'Slack agent desk enabled');
    },
  }),
  registered({ module: emailChannel, options: (wiring) => wiring.parley.config.email && { ...wiring.parley.config.email, listenHost: wiring.parley.config.host, ...publicUrlOf(wiring) } }),
  // Off unless configured: an app id (JWT-validated), or emulator mode for local development (loopback only).
  registered({
    module: botFrameworkChannel,
    options: (wiring) => {
      const { botFramework } = wiring.parley.config;
      return botFramework.appId || botFramework.emulator ? { ...botFramework, ...publicUrlOf(wiring) } : undefined;
    },
  }),
];
