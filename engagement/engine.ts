import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { asParleyError, markDeliveryFailed, newId, ParleyError, undeliverableReason, type Activity, type CustomerRecord, type Logger, type SendRecord, type Store } from '../bot/core/index.js';
import { campaignNamed, type Campaign, type CampaignsConfig, type EngagementChannelName } from './campaigns.js';
import { composeMessage, factsFor, type ComposedMessage, type TrackedUrls } from './messages.js';
import { assignVariant, chooseDestination, quietUntil, sendId, trackingToken, type Destination } from './policy.js';
import { Recommender, type CatalogueItem } from './recommend.js';
import { evaluateTrigger, itemsOf, type Firing } from './triggers.js';

/** How engagement reaches customers on one channel; the composition root implements it over the channel adapters. */
export interface EngagementChannel {
  /** The channel name of the conversations and outbox rows (`email`, `twilio`). */
  readonly channel: string;
  /** The conversation a message to `address` goes into, linked so that the customer's answer continues it. */
  conversationFor(input: { customer: CustomerRecord; address: string; sendId: string; subject: string | null }): Promise<string>;
  /** True when the channel recorded an opt-out for `address` (SMS STOP, an e-mail unsubscribe). */
  isOptedOut(address: string): Promise<boolean>;
  /**
   * False when the channel cannot start a conversation with `address` (Teams: no stored conversation reference of
   * that user; web chat: the user never chatted): the customer's next channel is tried. Default: reachable.
   */
  reachable?(address: string): Promise<boolean>;
  /**
   * Sends an activity already recorded in the outbox; returns the channel's message ids (Twilio SIDs, Message-IDs), or
   * `'held'` when the channel keeps it for the customer's return (web chat with no open socket: the outbox row stays
   * pending and the widget shows it when they connect).
   */
  deliver(activity: Activity, address: string): Promise<string[] | 'held'>;
  /** True when a resolved `deliver` means the customer has the message (chat channels; e-mail: the SMTP peer took it). */
  readonly confirmsDelivery?: boolean;
}

/** Options of {@link EngagementEngine}. */
export interface EngagementEngineOptions {
  store: Store;
  campaigns: CampaignsConfig;
  channels: Partial<Record<EngagementChannelName, EngagementChannel>>;
  /** `PUBLIC_URL`: tracked links, the open pixel and the unsubscribe page live under it; needed for e-mail. */
  publicUrl: string | undefined;
  /** Signs tracking tokens. */
  secret: string;
  logger: Logger;
  /** The configured chat model (for rewrites), when there is one. */
  chatModel?: () => Promise<BaseChatModel | undefined>;
  /** Products recommendations may name besides those seen in orders (the try-on catalogue). */
  catalogue?: () => Promise<CatalogueItem[]>;
  /** Default time zone of customers without one; `PARLEY_ENGAGE_TIMEZONE`, default UTC. */
  timezone?: string;
  /** Default quiet hours; `PARLEY_ENGAGE_QUIET_HOURS`. */
  quietHours?: { start: string; end: string } | undefined;
  /** Default frequency cap; `PARLEY_ENGAGE_MAX_PER_WEEK` messages per 7 days. */
  frequencyCap?: { max: number; days: number } | undefined;
  rewriteTimeoutMs?: number;
  /** How long a process holds a claimed send (ms); default 60 s. */
  leaseMs?: number;
}

/** One customer a campaign matched, with what they get (a dry run or preview). */
export interface PlannedSend {
  customerId: string;
  triggerKey: string;
  variant: string;
  /** Where it would go, or why it would not. */
  destination: Destination | string;
  message?: ComposedMessage;
  /** True when this occasion was already scheduled (nothing new happens). */
  duplicate: boolean;
}

/** What {@link EngagementEngine.plan} found and scheduled. */
export interface PlanResult {
  campaign: string;
  /** Customers in the campaign's segment. */
  segmentSize: number;
  /** Customers the trigger fired for. */
  matched: number;
  scheduled: number;
  holdout: number;
  sends: PlannedSend[];
}

/** What one pass over due sends did. */
export interface DeliveryPass {
  queued: number;
  skipped: number;
  deferred: number;
  failed: number;
}

const DAY = 86_400_000;

/**
 * Personalised engagement: finds the customers a campaign's trigger fires for, schedules one send per occasion
 * (deduplicated by a deterministic id), and delivers due sends with consent, quiet hours and frequency caps, each
 * through the channel's durable outbox.
 */
export class EngagementEngine {
  private readonly owner = newId('eng');

  constructor(private readonly options: EngagementEngineOptions) {
    const linked = (['email', 'webchat', 'slack', 'teams'] as const).filter((name) => options.channels[name] && options.campaigns.campaigns.some((c) => c.channels.includes(name)));
    if (linked.length && !options.publicUrl) {
      throw new ParleyError('config_invalid', `invalid configuration: ${linked.join(', ')} campaigns need PUBLIC_URL (tracked links, the open pixel and the unsubscribe link live under it)`);
    }
  }

  /** The campaigns file in use. */
  get campaigns(): CampaignsConfig {
    return this.options.campaigns;
  }

  /** Customers in a campaign's segment (scope, attributes, minimum orders). */
  async segment(campaign: Campaign): Promise<{ customer: CustomerRecord; events: Awaited<ReturnType<Store['engagement']['listEvents']>> }[]> {
    const { store } = this.options;
    const customers = await store.engagement.listCustomers(campaign.segment.scope === undefined ? {} : { scope: campaign.segment.scope });
    const out = [];
    for (const customer of customers) {
      const attributes = campaign.segment.attributes ?? {};
      if (!Object.entries(attributes).every(([key, value]) => String(customer.attributes[key]) === String(value))) continue;
      const events = await store.engagement.listEvents(customer.id);
      if (campaign.segment.minOrders !== undefined && events.filter((e) => e.type === 'order').length < campaign.segment.minOrders) continue;
      out.push({ customer, events });
    }
    return out;
  }

  /**
   * Evaluates `name`'s trigger for every customer of its segment at `now` and schedules a send per new occasion (the
   * latest one per customer); `dryRun` writes nothing and composes each message instead. `compose` limits how many
   * messages are composed (previews).
   */
  async plan(name: string, options: { now?: Date; dryRun?: boolean; compose?: number } = {}): Promise<PlanResult> {
    const { store } = this.options;
    const campaign = campaignNamed(this.options.campaigns, name);
    const now = options.now ?? new Date();
    const segment = await this.segment(campaign);
    const productEvents = await store.engagement.listProductEvents('restock');
    const recommender = options.dryRun ? await this.recommender() : undefined;
    const result: PlanResult = { campaign: name, segmentSize: segment.length, matched: 0, scheduled: 0, holdout: 0, sends: [] };
    for (const { customer, events } of segment) {
      const conversations = (await Promise.all(customer.identities.map((i) => store.listConversationsByUser(i.value)))).flat();
      const firing = evaluateTrigger(campaign.trigger, { events, productEvents, conversations, now }).at(-1);
      if (!firing) continue;
      result.matched++;
      const id = sendId(name, customer.id, firing.key);
      const variant = assignVariant(campaign, customer.id);
      const existing = await store.engagement.getSend(id);
      const planned: PlannedSend = { customerId: customer.id, triggerKey: firing.key, variant, destination: '', duplicate: Boolean(existing) };
      if (variant === 'holdout') result.holdout++;
      if (options.dryRun) {
        const destination = await this.destination(campaign, customer);
        planned.destination = destination;
        if (typeof destination !== 'string' && variant !== 'holdout' && (options.compose === undefined || result.sends.filter((s) => s.message).length < options.compose)) {
          planned.message = await this.compose(campaign, customer, events, firing, variant, destination.channel, id, recommender);
        }
      } else if (!existing) {
        const inserted = await store.engagement.scheduleSend({
          id,
          campaign: name,
          customerId: customer.id,
          triggerKey: firing.key,
          variant,
          channel: null,
          status: variant === 'holdout' ? 'holdout' : 'due',
          dueAt: now.toISOString(),
          reason: null,
          subject: null,
          text: null,
          payload: { firedAt: firing.at },
        });
        if (inserted) result.scheduled++;
        planned.duplicate = !inserted;
      }
      result.sends.push(planned);
    }
    return result;
  }

  /** Plans every campaign (the periodic trigger pass of the server). */
  async planAll(now = new Date()): Promise<PlanResult[]> {
    const results = [];
    for (const campaign of this.options.campaigns.campaigns) results.push(await this.plan(campaign.name, { now }));
    return results;
  }

  /**
   * Claims the sends due at `now` (of `campaign`, or all) and delivers each (see {@link deliver}); `limit` per pass,
   * default 100. Once `signal` is aborted no further send is started: the rest stay claimed until their lease expires.
   */
  async deliverDue(options: { now?: Date; limit?: number; campaign?: string; signal?: AbortSignal } = {}): Promise<DeliveryPass> {
    const now = options.now ?? new Date();
    const claimed = await this.options.store.engagement.claimDueSends({
      now: now.toISOString(),
      owner: this.owner,
      leaseMs: this.options.leaseMs ?? 60_000,
      limit: options.limit ?? 100,
      ...(options.campaign ? { campaign: options.campaign } : {}),
    });
    const pass: DeliveryPass = { queued: 0, skipped: 0, deferred: 0, failed: 0 };
    const recommender = claimed.length ? await this.recommender() : undefined;
    for (const send of claimed) {
      if (options.signal?.aborted) break;
      pass[await this.deliver(send, now, recommender)]++;
    }
    return pass;
  }

  /**
   * Delivers one claimed send: checks consent, frequency cap and quiet hours (deferring to their end), composes and
   * stores the message (so a re-run sends the same text), records it in the channel's outbox (idempotent on the send:
   * a message already there is left to the outbox worker, never sent twice) and sends it.
   */
  async deliver(send: SendRecord, now: Date, recommender?: Recommender): Promise<keyof DeliveryPass> {
    const { store, logger } = this.options;
    const campaign = this.options.campaigns.campaigns.find((c) => c.name === send.campaign);
    const customer = await store.engagement.getCustomer(send.customerId);
    if (!campaign || !customer) {
      await store.engagement.updateSend(send.id, { status: 'skipped', reason: campaign ? 'customer_removed' : 'campaign_removed' });
      return 'skipped';
    }
    const destination = await this.destination(campaign, customer);
    if (typeof destination === 'string') {
      await store.engagement.updateSend(send.id, { status: 'skipped', reason: destination });
      return 'skipped';
    }
    const cap = campaign.frequencyCap ?? this.options.campaigns.defaults.frequencyCap ?? this.options.frequencyCap;
    if (cap && (await store.engagement.countSentSince(customer.id, new Date(now.getTime() - cap.days * DAY).toISOString())) >= cap.max) {
      await store.engagement.updateSend(send.id, { status: 'skipped', reason: 'frequency_cap' });
      return 'skipped';
    }
    const zone = customer.timezone ?? this.options.campaigns.defaults.timezone ?? this.options.timezone ?? 'UTC';
    const until = quietUntil(now, zone, campaign.quietHours ?? this.options.campaigns.defaults.quietHours ?? this.options.quietHours);
    if (until) {
      await store.engagement.updateSend(send.id, { status: 'due', dueAt: until.toISOString(), reason: 'quiet_hours' });
      return 'deferred';
    }
    const channel = this.options.channels[destination.channel];
    if (!channel) {
      await store.engagement.updateSend(send.id, { status: 'skipped', reason: `channel_not_configured:${destination.channel}` });
      return 'skipped';
    }
    try {
      return await this.send(send, campaign, customer, destination, channel, recommender);
    } catch (error) {
      logger.warn({ err: error, sendId: send.id, campaign: send.campaign }, 'engagement send failed');
      await store.engagement.updateSend(send.id, { status: 'failed', reason: asParleyError(error).message });
      return 'failed';
    }
  }

  private async send(send: SendRecord, campaign: Campaign, customer: CustomerRecord, destination: Destination, channel: EngagementChannel, recommender?: Recommender): Promise<keyof DeliveryPass> {
    const { store } = this.options;
    let message: ComposedMessage;
    if (send.text !== null && send.channel === destination.channel) {
      message = { subject: send.subject, text: send.text, links: (send.payload.links as string[] | undefined) ?? [], rewritten: Boolean(send.payload.rewritten), rejected: [] };
    } else {
      const events = await store.engagement.listEvents(customer.id);
      // The occasion must still hold (the cart not bought since, the customer still dormant), else nothing goes out.
      const firing = await this.occasion(campaign, customer, events, send.triggerKey, new Date(Math.max(Date.now(), Date.parse(send.dueAt))));
      if (!firing) {
        await store.engagement.updateSend(send.id, { status: 'skipped', reason: 'no_longer_applies' });
        return 'skipped';
      }
      message = await this.compose(campaign, customer, events, firing, send.variant, destination.channel, send.id, recommender ?? (await this.recommender()));
      await store.engagement.updateSend(send.id, {
        channel: destination.channel,
        subject: message.subject,
        text: message.text,
        payload: { ...send.payload, address: destination.address, links: message.links, rewritten: message.rewritten, rejected: message.rejected },
      });
    }
    const conversationId = send.conversationId ?? (await channel.conversationFor({ customer, address: destination.address, sendId: send.id, subject: message.subject }));
    await store.engagement.updateSend(send.id, { conversationId });
    const activity = this.activity(send, channel.channel, conversationId, message, destination, customer.scope);
    const { record, duplicate } = await store.recordReply({ inboxId: `engage:${send.id}`, index: 0, activity });
    const sentAt = new Date().toISOString();
    if (duplicate) {
      // Recorded by a run that stopped before it finished: the outbox worker delivers it (or already did).
      await store.engagement.updateSend(send.id, { status: 'queued', outboxId: record.id, sentAt: send.sentAt ?? sentAt });
      return 'queued';
    }
    try {
      const delivered = await channel.deliver(activity, destination.address);
      const payload = { ...send.payload, address: destination.address, links: message.links, rewritten: message.rewritten, rejected: message.rejected };
      if (delivered === 'held') {
        // In the outbox (pending) and the transcript: the channel delivers it when the customer is back.
        await store.engagement.updateSend(send.id, { status: 'queued', outboxId: record.id, sentAt, reason: 'held_until_customer_returns', payload });
        return 'queued';
      }
      await store.markOutbound(record.id, 'sent');
      await store.engagement.updateSend(send.id, { status: 'queued', outboxId: record.id, sentAt, reason: null, payload: { ...payload, messageIds: delivered } });
      if (channel.confirmsDelivery) await store.engagement.recordSignal(send.id, 'delivered');
      return 'queued';
    } catch (error) {
      const status = await markDeliveryFailed(store, record.id, error);
      const dropped = status === 'dropped' || undeliverableReason(error) !== undefined;
      await store.engagement.updateSend(send.id, dropped ? { status: 'skipped', reason: 'opted_out', outboxId: record.id } : { status: 'queued', outboxId: record.id, sentAt, reason: `retrying: ${asParleyError(error).message}` });
      return dropped ? 'skipped' : 'queued';
    }
  }

  /** The firing of `key` for `customer` at `now`, if the occasion still holds (any age). */
  private async occasion(campaign: Campaign, customer: CustomerRecord, events: Awaited<ReturnType<Store['engagement']['listEvents']>>, key: string, now: Date): Promise<Firing | undefined> {
    const { store } = this.options;
    const productEvents = await store.engagement.listProductEvents('restock');
    const conversations = (await Promise.all(customer.identities.map((i) => store.listConversationsByUser(i.value)))).flat();
    return evaluateTrigger({ ...campaign.trigger, lookbackDays: 36_500 }, { events, productEvents, conversations, now }).find((f) => f.key === key);
  }

  private activity(send: SendRecord, channel: string, conversationId: string, message: ComposedMessage, destination: Destination, scope: string | null): Activity {
    const urls = this.urls(send.id);
    return {
      id: `act_${send.id}`,
      type: 'message',
      channel,
      conversationId,
      from: { id: 'parley', role: 'bot' },
      text: message.text,
      timestamp: new Date().toISOString(),
      ...(destination.channel === 'email'
        ? {
            outbound: {
              subject: message.subject ?? campaignSubject(send.campaign),
              ...this.senderFor(scope, 'email'),
              ...(urls ? { trackingPixelUrl: urls.pixel, headers: { 'List-Unsubscribe': `<${urls.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } } : {}),
            },
          }
        : destination.channel === 'sms' && this.senderFor(scope, 'sms').from
          ? { outbound: this.senderFor(scope, 'sms') }
          : {}),
    };
  }

  /** The knowledge scope's (brand's) own sender on `channel` (its e-mail From, its Twilio number), when the campaigns file names one. */
  private senderFor(scope: string | null, channel: 'email' | 'sms'): { from?: string } {
    const settings = scope ? this.options.campaigns.scopes[scope] : undefined;
    const from = channel === 'email' ? settings?.emailFrom : settings?.smsFrom;
    return from ? { from } : {};
  }

  private async compose(campaign: Campaign, customer: CustomerRecord, events: Awaited<ReturnType<Store['engagement']['listEvents']>>, firing: Firing, variant: string, channel: EngagementChannelName, id: string, recommender: Recommender | undefined): Promise<ComposedMessage> {
    const urls = this.urls(id);
    const facts = factsFor({ customer, events, firing, campaign, config: this.options.campaigns, recommender, link: undefined });
    const chatModel = campaign.rewrite ? await this.options.chatModel?.() : undefined;
    return composeMessage({ campaign, variant, channel, customer, facts, urls, chatModel, rewriteTimeoutMs: this.options.rewriteTimeoutMs ?? 15_000 });
  }

  private urls(id: string): TrackedUrls | undefined {
    const base = this.options.publicUrl?.replace(/\/+$/, '');
    if (!base) return undefined;
    const token = trackingToken(this.options.secret, id);
    return { link: (index) => `${base}/e/c/${token}/${index}`, unsubscribe: `${base}/e/u/${token}`, pixel: `${base}/e/o/${token}` };
  }

  private async destination(campaign: Campaign, customer: CustomerRecord): Promise<Destination | string> {
    const consents = await this.options.store.engagement.listConsents(customer.id);
    const channels = campaign.channels.filter((c) => this.options.channels[c]);
    if (!channels.length) return `channel_not_configured:${campaign.channels.join(',')}`;
    return chooseDestination(
      channels,
      customer,
      consents,
      async (name, address) => (await this.options.channels[name]?.isOptedOut(address)) ?? false,
      async (name, address) => (await this.options.channels[name]?.reachable?.(address)) ?? true,
    );
  }

  /** A recommender over every order so far and the catalogue. */
  async recommender(): Promise<Recommender> {
    const orders = await this.options.store.engagement.listEventsOfType('order');
    return new Recommender(orders.map(itemsOf), (await this.options.catalogue?.()) ?? []);
  }
}

const campaignSubject = (name: string): string => `News from us (${name})`;
