import type { FastifyInstance } from 'fastify';
import { registerBotFrameworkChannel } from '../../channels/botframework/index.js';
import { registerEmailChannel } from '../../channels/email/index.js';
import { registerSlackChannel, registerSlackDesk } from '../../channels/slack/index.js';
import { registerTwilioChannel } from '../../channels/twilio/index.js';
import type { HandoffService } from '../../dialogs/index.js';
import type { ChannelAdapter, ChannelHost } from '../core/index.js';
import { OutboxWorker } from './outbox-worker.js';
import type { Parley } from './parley.js';
import type { TurnResume } from './turn-recovery.js';

/** The channels a configuration enables beyond web chat and REST, with their adapters for proactive sends. */
export interface ConfiguredChannels {
  /** Adapters by channel name (`twilio`, `slack`, …). */
  adapters: Map<string, ChannelAdapter>;
  /** Retries replies a channel failed to deliver (a pass per `delivery.retry` job). */
  retries: OutboxWorker;
  /** How a channel runs an accepted message again when it needs more than `bot.run` (Twilio: media, keywords). */
  resume: Map<string, TurnResume>;
  /** Waits for in-flight turns and stops listeners; call before closing the store. */
  close(): Promise<void>;
}

/**
 * Registers every channel whose settings are present (see README "Channels"), and the Slack agent desk on the Slack
 * app when `SLACK_ESCALATION_CHANNEL` is set and a handoff service is given; call before `app.listen`.
 */
export async function registerConfiguredChannels(
  app: FastifyInstance,
  parley: Parley,
  host: ChannelHost,
  handoff?: HandoffService,
  /** Adapters the outbox worker also delivers through (web chat: replies of turns run again after a crash). */
  retryAdapters: ChannelAdapter[] = [],
): Promise<ConfiguredChannels> {
  const { config } = parley;
  const adapters = new Map<string, ChannelAdapter>();
  const resume = new Map<string, TurnResume>();
  const closers: (() => Promise<void>)[] = [];
  const publicUrl = config.publicUrl ? { publicUrl: config.publicUrl } : {};
  if (config.twilio) {
    const twilio = await registerTwilioChannel(app, host, { ...config.twilio, ...publicUrl });
    adapters.set(twilio.adapter.channel, twilio.adapter);
    resume.set(twilio.adapter.channel, (activity) => twilio.resume(activity));
    closers.push(() => twilio.close());
  }
  if (config.slack) {
    const escalationChannel = config.agentDesk.escalationChannel;
    const slack = await registerSlackChannel(app, host, { ...config.slack, ...publicUrl, ignoreChannels: escalationChannel ? [escalationChannel] : [] });
    adapters.set(slack.adapter.channel, slack.adapter);
    if (escalationChannel && handoff) {
      registerSlackDesk(slack, { channel: escalationChannel, service: handoff, corrections: parley.corrections, store: parley.store, knowledge: parley.knowledge, logger: parley.logger });
      parley.logger.info({ channel: escalationChannel }, 'Slack agent desk enabled');
    }
    closers.push(() => slack.close());
  }
  if (config.email) {
    const email = await registerEmailChannel(host, { ...config.email, listenHost: config.host, ...publicUrl });
    adapters.set(email.adapter.channel, email.adapter);
    closers.push(() => email.close());
  }
  // Off unless configured: an app id (JWT-validated), or emulator mode for local development (loopback only).
  if (config.botFramework.appId || config.botFramework.emulator) {
    const botFramework = await registerBotFrameworkChannel(app, host, { ...config.botFramework, ...publicUrl });
    adapters.set(botFramework.adapter.channel, botFramework.adapter);
    closers.push(() => botFramework.close());
  }
  for (const [channel] of adapters) parley.logger.info({ channel }, `channel ${channel} enabled`);
  const retryThrough = new Map<string, ChannelAdapter>([...retryAdapters.map((adapter) => [adapter.channel, adapter] as const), ...adapters]);
  // Its passes run as the `delivery.retry` job (see `registerServerJobs`), once per period across instances.
  const retries = new OutboxWorker({ store: parley.store, adapters: retryThrough, logger: parley.logger });
  return {
    adapters,
    retries,
    resume,
    close: async () => {
      await retries.stop();
      for (const close of closers.reverse()) await close();
    },
  };
}
