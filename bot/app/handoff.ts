import type { FastifyInstance } from 'fastify';
import { registerZendeskWebhook, ZendeskTicketing } from '../../channels/zendesk/index.js';
import type { WebchatSockets } from '../../channels/webchat/index.js';
import { contactDetails, HandoffScheduler, HandoffService, parseBusinessHours, SignedWebhook, type BusinessHours } from '../../dialogs/index.js';
import { markDeliveryFailed, ParleyError, toPublicMessage, type Activity, type ChannelAdapter } from '../core/index.js';
import type { Parley } from './parley.js';

/** The running handoff: the service the desk and helpdesks call, its periodic work and the signed webhook. */
export interface HandoffWiring {
  service: HandoffService;
  scheduler: HandoffScheduler;
  webhook: SignedWebhook | undefined;
  ticketing: ZendeskTicketing | undefined;
}

/** Where agents' replies are delivered: channel adapters by name, and the web chat sockets (looked up at delivery). */
export interface DeliveryTargets {
  adapters(): ReadonlyMap<string, ChannelAdapter>;
  webchat(): WebchatSockets | undefined;
}

/** Business hours from the configuration (`config_invalid` naming the variable when they do not parse). */
function businessHours(parley: Parley): BusinessHours | undefined {
  const { businessHours: spec, timezone } = parley.config.agentDesk;
  if (!spec) return undefined;
  try {
    return parseBusinessHours(spec, timezone);
  } catch (error) {
    throw new ParleyError('config_invalid', `invalid configuration: PARLEY_BUSINESS_HOURS: ${(error as Error).message}`);
  }
}

/**
 * Delivers an agent's message or a handoff notice to the customer on their own channel, as replies are: durable
 * outbox and transcript first, then the channel (web chat sockets, or the channel's adapter; REST clients read the
 * transcript). A failed send stays in the outbox for the retry worker.
 */
export function customerDelivery(parley: Parley, targets: DeliveryTargets): (activity: Activity) => Promise<void> {
  const { store, logger } = parley;
  return async (activity) => {
    const outbox = await store.enqueueOutbound({ inboxId: null, activity });
    const record = await store.appendMessage(activity);
    try {
      if (activity.channel === 'webchat') {
        targets.webchat()?.push(activity.conversationId, { type: 'message', message: { ...toPublicMessage(record), ...(activity.from.name ? { authorName: activity.from.name } : {}) } });
      } else {
        await targets.adapters().get(activity.channel)?.send(activity);
      }
      await store.markOutbound(outbox.id, 'sent');
    } catch (error) {
      const status = await markDeliveryFailed(store, outbox.id, error);
      logger.warn({ err: error, outboxId: outbox.id, channel: activity.channel, status }, status === 'failed' ? 'handoff message delivery failed; kept for retry' : 'handoff message dropped');
    }
  };
}

/**
 * Builds the handoff from the configuration: the service (hooked into every turn as middleware), Zendesk as helpdesk
 * (`POST /webhooks/zendesk` when its secret is set), the signed webhook, and the scheduler for reminders, claim
 * timeouts and webhook retries. The Slack desk attaches itself when the Slack channel registers (see channels.ts).
 */
export async function createHandoff(app: FastifyInstance, parley: Parley, targets: DeliveryTargets): Promise<HandoffWiring> {
  const { config, store, logger } = parley;
  const webhook = config.handoffWebhook ? new SignedWebhook({ store, url: config.handoffWebhook.url, secret: config.handoffWebhook.secret, logger }) : undefined;
  const ticketing = config.zendesk ? new ZendeskTicketing({ url: config.zendesk.url, email: config.zendesk.email, apiToken: config.zendesk.apiToken, logger }) : undefined;
  const service = new HandoffService({
    store,
    knowledge: parley.knowledge,
    deliver: customerDelivery(parley, targets),
    logger,
    ticketing,
    observers: webhook ? [webhook] : [],
    hours: businessHours(parley),
    reminderMinutes: config.agentDesk.reminderMinutes,
    claimTimeoutMinutes: config.agentDesk.claimTimeoutMinutes,
    receiptChannels: ['rest'],
    // An e-mail follow-up needs something that sends e-mail: the e-mail channel, or the helpdesk's ticket.
    emailFollowUp: Boolean(config.email ?? config.zendesk),
    contact: async (scope) => contactDetails(await parley.facts.forScope(scope)),
  });
  parley.bot.use(service.middleware());
  if (config.zendesk?.webhookSecret) {
    await registerZendeskWebhook(app, { secret: config.zendesk.webhookSecret, logger, onSolved: (ticketId) => service.ticketSolved('zendesk', ticketId) });
  }
  const scheduler = new HandoffScheduler(
    [{ name: 'handoff reminders and timeouts', run: () => service.tick() }, ...(webhook ? [{ name: 'handoff webhook deliveries', run: () => webhook.pass() }] : [])],
    { logger },
  );
  return { service, scheduler, webhook, ticketing };
}
