import { randomBytes } from 'node:crypto';
import { EMAIL_CHANNEL, EmailAdapter, SmtpSender, type EmailThreadRef } from '../../channels/email/index.js';
import { BOTFRAMEWORK_CHANNEL } from '../../channels/botframework/index.js';
import { SLACK_CHANNEL, SlackAdapter, slackSender } from '../../channels/slack/index.js';
import { TWILIO_CHANNEL, TwilioAdapter } from '../../channels/twilio/index.js';
import { WEBCHAT_CHANNEL, WebchatSockets } from '../../channels/webchat/index.js';
import { EngagementEngine, EngagementPasses, readCampaignsFile, type CampaignsConfig, type EngagementChannel, type EngagementChannelName } from '../../engagement/index.js';
import type { CampaignOverview } from '../../evaluations/index.js';
import { conversationFor, ParleyError, type ChannelAdapter, type Store } from '../core/index.js';
import { slackEngagementChannel, teamsEngagementChannel, webchatEngagementChannel } from './engagement-chat.js';
import type { Parley } from './parley.js';

/** The store setting holding the secret tracking tokens are signed with (made on first use). */
const SECRET_SETTING = 'engagement.secret';

/** The e-mail channel as engagement uses it: a campaign e-mail starts its own thread, linked to a new conversation. */
export function emailEngagementChannel(store: Store, adapter: Pick<ChannelAdapter, 'send'>, from: string): EngagementChannel {
  const domain = /@([^\s<>@]+?)>?\s*$/.exec(from.trim())?.[1]?.toLowerCase() ?? 'localhost';
  return {
    channel: EMAIL_CHANNEL,
    confirmsDelivery: true,
    async conversationFor({ customer, address, sendId, subject }) {
      // The thread's root: the adapter sends the campaign e-mail against it (a new thread, given its subject) and
      // links the sent Message-ID, so that the customer's answer continues this conversation.
      const root: EmailThreadRef = {
        to: address,
        ...(customer.name ? { name: customer.name } : {}),
        subject: subject ?? '',
        messageId: `<engage.${sendId}@${domain}>`,
        references: [],
        direction: 'outbound',
        at: new Date().toISOString(),
      };
      const conversation = await conversationFor(store, { channel: EMAIL_CHANNEL, key: root.messageId, userId: address, ref: { ...root }, scope: customer.scope ?? undefined, metadata: { engagement: sendId } });
      return conversation.id;
    },
    isOptedOut: (address) => store.isOptedOut(EMAIL_CHANNEL, address),
    async deliver(activity) {
      await adapter.send(activity);
      return [];
    },
  };
}

/** SMS as engagement uses it: the customer's SMS conversation (by their number), so that their answer continues it. */
export function smsEngagementChannel(store: Store, adapter: TwilioAdapter): EngagementChannel {
  return {
    channel: TWILIO_CHANNEL,
    async conversationFor({ customer, address }) {
      const conversation = await conversationFor(store, { channel: TWILIO_CHANNEL, key: address, userId: address, ref: { address }, scope: customer.scope ?? undefined });
      return conversation.id;
    },
    // STOP recorded by the Twilio channel stops campaign messages too.
    isOptedOut: (address) => store.isOptedOut(TWILIO_CHANNEL, address),
    async deliver(activity, address) {
      return (await adapter.sendTo(address, activity)).map((sent) => sent.sid);
    },
  };
}

/** The engagement channels over the given adapters (the server's, or ones the CLI makes). */
export function engagementChannels(parley: Parley, adapters: ReadonlyMap<string, ChannelAdapter>): Partial<Record<EngagementChannelName, EngagementChannel>> {
  const channels: Partial<Record<EngagementChannelName, EngagementChannel>> = {};
  const email = adapters.get(EMAIL_CHANNEL);
  if (email && parley.config.email) channels.email = emailEngagementChannel(parley.store, email, parley.config.email.from);
  const twilio = adapters.get(TWILIO_CHANNEL);
  if (twilio instanceof TwilioAdapter) channels.sms = smsEngagementChannel(parley.store, twilio);
  // Campaigns use only channels that declare proactive sends (ChannelCapabilities.proactive). Web chat and Teams
  // always: without their adapter here (the CLI), a message is held in the outbox for the server to deliver.
  const proactive = (name: string) => {
    const adapter = adapters.get(name);
    return adapter?.capabilities.proactive ? adapter : undefined;
  };
  const webchat = proactive(WEBCHAT_CHANNEL);
  channels.webchat = webchatEngagementChannel(parley.store, webchat instanceof WebchatSockets ? webchat : undefined);
  channels.teams = teamsEngagementChannel(parley.store, proactive(BOTFRAMEWORK_CHANNEL));
  const slack = proactive(SLACK_CHANNEL);
  if (slack instanceof SlackAdapter) channels.slack = slackEngagementChannel(parley.store, slack);
  return channels;
}

/**
 * Outbound adapters for the CLI (`parley engage run`), which runs without the server: SMTP, Twilio's REST API and
 * Slack's Web API (web chat and Teams messages are held in the outbox for the server).
 */
export function outboundAdapters(parley: Parley): { adapters: Map<string, ChannelAdapter>; close(): void } {
  const adapters = new Map<string, ChannelAdapter>();
  const { email, twilio, publicUrl } = parley.config;
  let sender: SmtpSender | undefined;
  if (email) {
    sender = new SmtpSender(email.smtpUrl);
    adapters.set(EMAIL_CHANNEL, new EmailAdapter(parley.store, sender, { from: email.from, publicUrl }));
  }
  if (twilio) adapters.set(TWILIO_CHANNEL, new TwilioAdapter({ store: parley.store, logger: parley.logger }, { ...twilio, ...(publicUrl ? { publicUrl } : {}) }));
  const { slack } = parley.config;
  if (slack) adapters.set(SLACK_CHANNEL, slackSender({ store: parley.store, logger: parley.logger }, { botToken: slack.botToken, apiUrl: slack.apiUrl, publicUrl }));
  return { adapters, close: () => sender?.close() };
}

/** The secret tracking tokens are signed with, shared by every process on the store. */
export async function engagementSecret(store: Store): Promise<string> {
  return store.setSettingIfAbsent(SECRET_SETTING, randomBytes(32).toString('base64url'));
}

/** Reads the campaigns file (`PARLEY_CAMPAIGNS_FILE`); `config_invalid` when it is not set. */
export async function campaignsOf(parley: Parley): Promise<CampaignsConfig> {
  const file = parley.config.engagement.campaignsFile;
  if (!file) throw new ParleyError('config_invalid', 'no campaigns file: set PARLEY_CAMPAIGNS_FILE to a YAML or JSON campaigns file (see docs/engagement.md)');
  return readCampaignsFile(file);
}

/** The engagement engine over `adapters` with the configured defaults. */
export async function createEngagementEngine(parley: Parley, adapters: ReadonlyMap<string, ChannelAdapter>, campaigns?: CampaignsConfig): Promise<EngagementEngine> {
  const { engagement, publicUrl } = parley.config;
  return new EngagementEngine({
    store: parley.store,
    campaigns: campaigns ?? (await campaignsOf(parley)),
    channels: engagementChannels(parley, adapters),
    publicUrl,
    secret: await engagementSecret(parley.store),
    logger: parley.logger,
    chatModel: async () => (await parley.chatModel())?.model,
    catalogue: async () => (await parley.store.tryon.listProducts()).map((p) => ({ id: p.id, name: p.name, description: p.description })),
    timezone: engagement.timezone,
    quietHours: engagement.quietHours,
    frequencyCap: { max: engagement.maxPerWeek, days: 7 },
    rewriteTimeoutMs: parley.config.generation.timeoutMs,
  });
}

/**
 * The server's engagement pass when a campaigns file is configured, else undefined; the server runs it as the
 * `engagement.sends` job (see `registerServerJobs`).
 */
export async function engagementPasses(parley: Parley, adapters: ReadonlyMap<string, ChannelAdapter>): Promise<EngagementPasses | undefined> {
  if (!parley.config.engagement.campaignsFile) return undefined;
  return new EngagementPasses({ engine: await createEngagementEngine(parley, adapters), logger: parley.logger });
}

/** Sample messages per campaign on the dashboard's campaigns page. */
const DASHBOARD_SAMPLES = 3;

/**
 * Previews of every campaign for the CX dashboard (nothing stored or sent): segment size, how many customers the
 * trigger fires for now, and a few personalised sample messages; undefined when no campaigns file is configured.
 */
export function campaignOverviews(parley: Parley, adapters: () => ReadonlyMap<string, ChannelAdapter>): (() => Promise<CampaignOverview[] | undefined>) | undefined {
  if (!parley.config.engagement.campaignsFile) return undefined;
  return async () => {
    const engine = await createEngagementEngine(parley, adapters());
    const overviews: CampaignOverview[] = [];
    for (const campaign of engine.campaigns.campaigns) {
      const plan = await engine.plan(campaign.name, { dryRun: true, compose: DASHBOARD_SAMPLES });
      overviews.push({
        name: campaign.name,
        trigger: campaign.trigger.type,
        channels: [...campaign.channels],
        segmentSize: plan.segmentSize,
        matched: plan.matched,
        holdout: plan.holdout,
        samples: plan.sends.slice(0, DASHBOARD_SAMPLES * 2).map((send) => ({
          customerId: send.customerId,
          variant: send.variant,
          destination: send.variant === 'holdout' ? 'held out' : typeof send.destination === 'string' ? `nothing (${send.destination})` : `${send.destination.channel} to ${send.destination.address}`,
          subject: send.message?.subject ?? null,
          text: send.message?.text ?? null,
        })),
      });
    }
    return overviews;
  };
}
