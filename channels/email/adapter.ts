import { ParleyError, type Activity, type ChannelAdapter, type ChannelCapabilities, type Store } from '../../bot/core/index.js';
import { formatReply } from './format.js';
import type { MailSender } from './outbound.js';
import { domainOf, EMAIL_CHANNEL, latestThreadRef, linkThread, newMessageId, replyReferences, replySubject, type EmailThreadRef } from './threading.js';

/** Options of {@link EmailAdapter}. */
export interface EmailAdapterOptions {
  /** Sender of replies (`EMAIL_FROM`); its domain is the domain of Parley's Message-IDs. */
  from: string;
  /** Public origin for relative image URLs in replies; optional. */
  publicUrl?: string | undefined;
}

/** What the e-mail channel can do (see {@link ChannelCapabilities}). */
export const EMAIL_CAPABILITIES: Readonly<ChannelCapabilities> = { typing: false, quickReplies: false, images: true, streaming: false, proactive: true };

/**
 * The e-mail channel adapter: sends bot and agent messages as replies in the conversation's e-mail thread and links
 * each sent Message-ID to the conversation, so that the customer's answer to it continues the same conversation.
 */
export class EmailAdapter implements ChannelAdapter {
  readonly channel = EMAIL_CHANNEL;
  /** Quick replies are shown as a list to answer with, images as links and inline pictures; no typing, no streaming. */
  readonly capabilities = EMAIL_CAPABILITIES;
  private readonly domain: string;

  constructor(
    private readonly store: Store,
    private readonly sender: MailSender,
    private readonly options: EmailAdapterOptions,
  ) {
    this.domain = domainOf(options.from);
  }

  /** Proactive delivery (agent replies, follow-ups): answers the latest message of the conversation's thread. */
  async send(activity: Activity): Promise<void> {
    const parent = await latestThreadRef(this.store, activity.conversationId);
    if (!parent) throw new ParleyError('not_found', `conversation ${activity.conversationId} has no e-mail thread to reply in`);
    await this.reply(activity, parent);
  }

  /**
   * Sends `activity` as a reply to `parent` and links the new Message-ID to the conversation; returns it.
   * Throws `forbidden` when the customer opted out of e-mail, `internal` when the relay refuses the message.
   */
  async reply(activity: Activity, parent: EmailThreadRef): Promise<string> {
    if (await this.store.isOptedOut(EMAIL_CHANNEL, parent.to)) throw new ParleyError('forbidden', `${parent.to} opted out of e-mail`);
    const messageId = newMessageId(this.domain);
    await this.sender.send(formatReply(activity, { from: this.options.from, messageId, parent, publicUrl: this.options.publicUrl }));
    const sent: EmailThreadRef = {
      to: parent.to,
      ...(parent.name ? { name: parent.name } : {}),
      subject: activity.outbound?.subject ?? replySubject(parent.subject),
      messageId,
      references: activity.outbound?.subject ? [] : replyReferences(parent.references, parent.messageId),
      direction: 'outbound',
      at: new Date().toISOString(),
    };
    await linkThread(this.store, activity.conversationId, sent);
    await this.store.recordDeliveryStatus({ channel: EMAIL_CHANNEL, messageId, status: 'sent' });
    return messageId;
  }
}
