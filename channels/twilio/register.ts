import type { FastifyInstance } from 'fastify';
import type { Activity, ChannelHost, ChannelModule, StartedChannel } from '../../bot/core/index.js';
import { processAccepted, runKept } from './inbound.js';
import { MESSAGE_WEBHOOK_PATH, STATUS_WEBHOOK_PATH, TWILIO_CAPABILITIES, TWILIO_CHANNEL, TwilioAdapter, type TwilioChannelOptions } from './adapter.js';
import { PendingWork, registerTwilioRoutes } from './routes.js';

/** The mounted Twilio channel. */
export interface TwilioChannel extends StartedChannel<TwilioAdapter> {
  /** Delivers activities to SMS/WhatsApp customers (e.g. an agent's reply). */
  readonly adapter: TwilioAdapter;
  /** Runs an accepted message again (media fetched, keywords handled): the turn recovery loop's way for Twilio. */
  resume(activity: Activity): Promise<void>;
  /** Resolves once every acknowledged webhook has been processed. */
  idle(): Promise<void>;
  /** Waits for in-flight messages to finish; the routes close with the Fastify app. */
  close(): Promise<void>;
}

/**
 * Mounts the Twilio webhooks (`POST /webhooks/twilio`, `POST /webhooks/twilio/status`) on `app` and returns the
 * adapter. Call before `app.listen`. `options` is `config.twilio` plus `publicUrl: config.publicUrl`.
 */
export async function registerTwilioChannel(app: FastifyInstance, host: ChannelHost, options: TwilioChannelOptions): Promise<TwilioChannel> {
  const adapter = new TwilioAdapter(host, options);
  const pending = new PendingWork();
  if (!options.publicUrl) {
    host.logger.warn({}, 'PUBLIC_URL is not set: Twilio signatures are checked against the request Host, and replies carry no status callback');
  }
  await registerTwilioRoutes(app, host, adapter, options, pending);
  // Messages kept while the database was down find their conversation (by the sender's address) when they run.
  host.bot.runKeptWith(TWILIO_CHANNEL, (activity) => runKept(host, adapter, options, activity));
  return {
    name: TWILIO_CHANNEL,
    receives: [
      {
        kind: 'routes',
        routes: [
          { method: 'POST', path: MESSAGE_WEBHOOK_PATH, auth: 'signature' },
          { method: 'POST', path: STATUS_WEBHOOK_PATH, auth: 'signature' },
        ],
      },
    ],
    adapter,
    resume: (activity) => processAccepted(host, adapter, options, activity),
    idle: () => pending.idle(),
    close: () => pending.idle(),
  };
}

/** The Twilio channel module (SMS, MMS, WhatsApp): registered once in the composition root's channel registry. */
export const twilioChannel: ChannelModule<TwilioChannelOptions, TwilioChannel> = {
  name: TWILIO_CHANNEL,
  capabilities: TWILIO_CAPABILITIES,
  start: ({ http, host }, options) => registerTwilioChannel(http, host, options),
};
