import { isStoreUnavailable, ParleyError, undeliverable, type Activity, type ChannelAdapter, type ChannelCapabilities, type ChannelHost } from '../../bot/core/index.js';
import { createMessageSender, type MessageSender, type SentMessage } from './client.js';
import { formatReply, senderFor } from './format.js';
import type { StatusCallback } from './parse.js';

/** Channel name of SMS, MMS and WhatsApp conversations (`activity.channel`, store links, opt-outs). */
export const TWILIO_CHANNEL = 'twilio';
/** Path of the incoming-message webhook. */
export const MESSAGE_WEBHOOK_PATH = '/webhooks/twilio';
/** Path of the status-callback webhook. */
export const STATUS_WEBHOOK_PATH = '/webhooks/twilio/status';

/** Options of the Twilio channel (the same shape as `config.twilio`, plus the public origin). */
export interface TwilioChannelOptions {
  /** Account SID (`TWILIO_ACCOUNT_SID`, `AC…`). */
  accountSid: string;
  /** Auth token (`TWILIO_AUTH_TOKEN`): signs webhooks, authenticates API calls and media downloads. */
  authToken: string;
  /** Sender (`TWILIO_FROM`): a number, `whatsapp:+…`, or a Messaging Service SID (`MG…`). */
  from: string;
  /** REST API base URL (`TWILIO_API_URL`); default `https://api.twilio.com`. */
  apiUrl?: string;
  /**
   * Public origin of this server (`PUBLIC_URL`, e.g. `https://bot.example.com`). The signed URL of a webhook is this
   * plus the request path; status callbacks and relative image URLs need it too. Without it the request's `Host`
   * and protocol are used for the signature, and replies carry no status callback.
   */
  publicUrl?: string;
  /** Largest inbound image downloaded (bytes); default 5 MB. */
  maxMediaBytes?: number;
  /** Reply to HELP / INFO. */
  helpText?: string;
  /** Reply to START / YES / UNSTOP after opting back in. */
  optInText?: string;
  /** Sends messages; default the `twilio` SDK pointed at `apiUrl`. */
  sender?: MessageSender;
}

/** Default reply to HELP / INFO. */
export const DEFAULT_HELP_TEXT =
  'This is our customer support assistant. Ask your question in a message and I will answer; reply AGENT to reach a person. Reply STOP to stop messages, START to resume.';
/** Default confirmation of START / YES / UNSTOP. */
export const DEFAULT_OPT_IN_TEXT = 'You are subscribed again and will get our replies here. Reply HELP for help, STOP to stop messages.';

/** Order of Twilio's message statuses, so that a late `sent` callback does not overwrite `delivered`. */
const STATUS_RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  partially_delivered: 4,
  read: 5,
};

/** What the SMS, MMS and WhatsApp channel can do (see {@link ChannelCapabilities}). */
export const TWILIO_CAPABILITIES: Readonly<ChannelCapabilities> = { typing: false, quickReplies: false, images: true, streaming: false, proactive: true };

/**
 * Delivers bot and agent activities over SMS, MMS and WhatsApp through Twilio's Messages API. Nothing is ever sent to
 * an address that opted out (STOP): `send` throws `forbidden` (an `undeliverable` error) instead, so the outbox drops
 * the reply for good: opting back in (START) never brings back replies held while opted out.
 */
export class TwilioAdapter implements ChannelAdapter {
  readonly channel = TWILIO_CHANNEL;
  /** Images go out as MMS / WhatsApp media; quick replies are written into the text (no buttons). */
  readonly capabilities = TWILIO_CAPABILITIES;
  private readonly sender: MessageSender;
  private readonly publicUrl: string | undefined;

  constructor(
    private readonly host: Pick<ChannelHost, 'store' | 'logger'>,
    private readonly options: TwilioChannelOptions,
  ) {
    this.sender =
      options.sender ??
      createMessageSender({ accountSid: options.accountSid, authToken: options.authToken, ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}) });
    this.publicUrl = options.publicUrl?.replace(/\/+$/, '');
  }

  /** Delivers `activity` to the customer of its conversation (the conversation's latest Twilio link). */
  async send(activity: Activity): Promise<void> {
    const refs = (await this.host.store.listConversationRefs(activity.conversationId)).filter((r) => r.channel === TWILIO_CHANNEL);
    const ref = refs.at(-1)?.ref;
    const address = ref?.address;
    if (typeof address !== 'string') {
      throw new ParleyError('not_found', `conversation ${activity.conversationId} has no SMS/WhatsApp address to send to`);
    }
    // A conversation started on a brand's scoped number is answered from that number.
    const brandNumber = ref?.scoped === true && typeof ref.to === 'string' ? ref.to.replace(/^[a-z-]+:/i, '') : undefined;
    await this.sendTo(address, brandNumber && !activity.outbound?.from ? { ...activity, outbound: { ...activity.outbound, from: brandNumber } } : activity);
  }

  /**
   * Sends `activity` to `address` (`+1555…` or `whatsapp:+1555…`), split into as many messages as it needs, from the
   * sender matching the address's channel; records each message's first status. Throws `forbidden` (undeliverable,
   * reason `opted_out`) for an address that opted out, and `internal` when Twilio refuses a message.
   */
  async sendTo(address: string, activity: Activity): Promise<SentMessage[]> {
    if (await this.host.store.isOptedOut(TWILIO_CHANNEL, address)) {
      throw undeliverable('opted_out', 'the recipient opted out of messages (STOP); nothing was sent');
    }
    const messages = formatReply(activity, {
      to: address,
      // A proactive message may name its own sender (a brand's number or Messaging Service); replies use TWILIO_FROM.
      sender: senderFor(address, activity.outbound?.from ?? this.options.from),
      ...(this.publicUrl ? { publicUrl: this.publicUrl, statusCallback: `${this.publicUrl}${STATUS_WEBHOOK_PATH}` } : {}),
    });
    const sent: SentMessage[] = [];
    for (const message of messages) {
      const created = await this.sender.create(message);
      sent.push(created);
      await this.recordStatus({ messageSid: created.sid, status: created.status, errorCode: null });
    }
    this.host.logger.info({ conversationId: activity.conversationId, messages: sent.map((s) => s.sid) }, 'twilio reply sent');
    return sent;
  }

  /**
   * Sends a notice to `address` while the store may be unavailable (the spool's "your message is saved"): like
   * {@link sendTo}, except that an opt-out record or status that cannot be read or written for that reason does not
   * stop it (the customer has just written to us, and Twilio itself refuses numbers that replied STOP).
   */
  async sendNotice(address: string, activity: Activity): Promise<void> {
    const optedOut = await this.host.store.isOptedOut(TWILIO_CHANNEL, address).catch((error: unknown) => {
      if (isStoreUnavailable(error)) return false;
      throw error;
    });
    if (optedOut) throw undeliverable('opted_out', 'the recipient opted out of messages (STOP); nothing was sent');
    const messages = formatReply(activity, { to: address, sender: senderFor(address, this.options.from) });
    for (const message of messages) await this.sender.create(message);
    this.host.logger.info({ channel: TWILIO_CHANNEL }, 'twilio notice sent while the database is unavailable');
  }

  /** Records a message's delivery status, unless a later status of it is already recorded (callbacks can race). */
  async recordStatus(status: StatusCallback): Promise<void> {
    const { store } = this.host;
    const previous = await store.getDeliveryStatus(TWILIO_CHANNEL, status.messageSid);
    const rank = (s: string): number => STATUS_RANK[s] ?? Number.POSITIVE_INFINITY;
    if (previous && rank(previous.status) !== Number.POSITIVE_INFINITY && rank(previous.status) > rank(status.status)) return;
    await store.recordDeliveryStatus({ channel: TWILIO_CHANNEL, messageId: status.messageSid, status: status.status, error: status.errorCode });
  }
}
