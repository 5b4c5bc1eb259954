import type { FastifyInstance } from 'fastify';
import type { ChannelAdapter, ChannelHost, ChannelModule, StartedChannel } from '../core/index.js';
import { CHANNEL_REGISTRY, type ChannelWiring, type RegisteredChannel } from './channel-registry.js';
import { OutboxWorker } from './outbox-worker.js';
import type { TurnResume } from './turn-recovery.js';

/** The channels a configuration runs, with what the server needs of them. */
export interface ConfiguredChannels {
  /** Every started channel by name, in start order. */
  readonly started: ReadonlyMap<string, StartedChannel>;
  /** The started channel of `module`, with its own extras (web chat's sockets, Slack's app), when it runs. */
  get<Started extends StartedChannel>(module: ChannelModule<never, Started>): Started | undefined;
  /** Adapters of the channels that can send unasked (`capabilities.proactive`), by name: agents' replies, retries. */
  adapters: Map<string, ChannelAdapter>;
  /** Retries replies a channel failed to deliver (a pass per `delivery.retry` job). */
  retries: OutboxWorker;
  /** How a channel runs an accepted message again when it needs more than `bot.run` (Twilio: media, keywords). */
  resume: Map<string, TurnResume>;
  /** Waits for in-flight turns and stops listeners, in reverse start order; call before closing the store. */
  close(): Promise<void>;
}

/**
 * Starts every channel of `registry` (default {@link CHANNEL_REGISTRY}) that the configuration enables, mounting
 * their routes on `app` (call before `app.listen`), and the outbox worker that retries their failed replies.
 */
export async function startChannels(
  app: FastifyInstance,
  host: ChannelHost,
  wiring: ChannelWiring,
  registry: readonly RegisteredChannel[] = CHANNEL_REGISTRY,
): Promise<ConfiguredChannels> {
  const { parley } = wiring;
  const started = new Map<string, StartedChannel>();
  const byModule = new Map<ChannelModule<never, StartedChannel>, StartedChannel>();
  try {
    for (const line of registry) {
      const channel = await line.start({ http: app, host }, wiring);
      if (!channel) continue;
      started.set(channel.name, channel);
      byModule.set(line.module, channel);
      parley.logger.info({ channel: channel.name }, `channel ${channel.name} enabled`);
    }
  } catch (error) {
    // A channel that cannot start (bad settings, port taken) leaves none running behind it.
    for (const channel of [...started.values()].reverse()) await channel.close().catch(() => undefined);
    throw error;
  }
  const adapters = new Map([...started.values()].filter((c) => c.adapter.capabilities.proactive).map((c) => [c.name, c.adapter] as const));
  const resume = new Map<string, TurnResume>();
  for (const channel of started.values()) {
    const run = channel.resume?.bind(channel);
    if (run) resume.set(channel.name, run);
  }
  // Its passes run as the `delivery.retry` job (see `registerServerJobs`), once per period across instances.
  const retries = new OutboxWorker({ store: parley.store, adapters, logger: parley.logger });
  return {
    started,
    // Sound: the value under a module is what that module's `start` returned.
    get: <Started extends StartedChannel>(module: ChannelModule<never, Started>) => byModule.get(module) as Started | undefined,
    adapters,
    retries,
    resume,
    close: async () => {
      await retries.stop();
      for (const channel of [...started.values()].reverse()) await channel.close();
    },
  };
}
