/** The e-mail channel: inbound over a built-in SMTP listener or IMAP polling, outbound over SMTP (nodemailer). */
import { ParleyError, type ChannelHost, type ChannelModule, type ChannelReceiver, type StartedChannel } from '../../bot/core/index.js';
import { EMAIL_CAPABILITIES, EmailAdapter } from './adapter.js';
import { ImapPoller } from './imap.js';
import { EmailInbound } from './inbound.js';
import { SmtpListener } from './listener.js';
import { SmtpSender, type MailSender } from './outbound.js';
import { domainOf, EMAIL_CHANNEL } from './threading.js';

export { EMAIL_CAPABILITIES, EmailAdapter, type EmailAdapterOptions } from './adapter.js';
export { formatReply, renderHtml, renderText } from './format.js';
export { htmlToText, stripQuotedHtml } from './html.js';
export { ImapPoller, parseImapUrl, type ImapTarget } from './imap.js';
export { EmailInbound, type InboundOutcome } from './inbound.js';
export { SmtpListener } from './listener.js';
export { SmtpSender, type MailSender } from './outbound.js';
export { parseEmail, toActivity, type ParsedEmail } from './parse.js';
export { stripQuotedText } from './quotes.js';
export { EMAIL_CHANNEL, type EmailThreadRef } from './threading.js';
export { automatedReason, isMarkedSpam, type AutomatedReason } from './verify.js';

/** Largest inbound message by default (bytes): 10 MiB, photos included. */
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Options of {@link registerEmailChannel}; the composition root passes `config.email` (see bot/config). */
export interface EmailChannelOptions {
  /** Port of the built-in inbound SMTP listener (`SMTP_LISTEN_PORT`); 0 picks a free one; unset: no listener. */
  listenPort?: number | undefined;
  /** Interface of the listener; default `0.0.0.0` (pass `HOST`). */
  listenHost?: string | undefined;
  /** Mailbox to poll (`IMAP_URL`, `imap://user:pass@host:143/INBOX` or `imaps://…`); unset: no polling. */
  imapUrl?: string | undefined;
  /** Seconds between IMAP polls (`IMAP_POLL_SECONDS`); default 30. */
  imapPollSeconds?: number | undefined;
  /** Outbound relay (`SMTP_URL`, `smtp://user:pass@host:587` or `smtps://…:465`). */
  smtpUrl: string;
  /** Sender of replies (`EMAIL_FROM`), e.g. `Support <help@shop.example>`; its domain names Parley's Message-IDs. */
  from: string;
  /** Largest inbound message (bytes); default {@link DEFAULT_MAX_MESSAGE_BYTES}. Larger: SMTP 552, IMAP skipped. */
  maxMessageBytes?: number | undefined;
  /** Largest image attachment passed to the bot (bytes); default 5 MiB. */
  maxImageBytes?: number | undefined;
  /**
   * Spam score (`EMAIL_SPAM_SCORE_THRESHOLD`) from which the relay's `X-Spam-Score` or `X-Spam-Status: …score=`
   * marks mail as spam; unset: only the relay's flags (`X-Spam-Flag: YES`, `X-Spam-Status: Yes`, `X-Spam: yes`) do.
   */
  spamScoreThreshold?: number | undefined;
  /** Public origin for relative image URLs in replies (`PUBLIC_URL`); optional. */
  publicUrl?: string | undefined;
  /** Outbound sender override (tests, other transports); default nodemailer over `smtpUrl`. */
  sender?: MailSender | undefined;
}

/** A running e-mail channel. */
export interface EmailChannel extends StartedChannel<EmailAdapter> {
  /** Sends proactive messages (agent replies) into a conversation's e-mail thread. */
  readonly adapter: EmailAdapter;
  /** The SMTP listener's actual port (the picked one when `listenPort` was 0); undefined without a listener. */
  port: number | undefined;
  /** The IMAP poller, when `imapUrl` is set. */
  poller: ImapPoller | undefined;
  /** Resolves when every turn started so far has finished (its replies sent or kept as failed). */
  idle(): Promise<void>;
  /** Stops listening and polling, waits for running turns, closes the outbound transport. */
  close(): Promise<void>;
}

/**
 * Starts the e-mail channel: the SMTP listener when `listenPort` is set, the IMAP poller when `imapUrl` is set (both
 * may run), and the adapter that sends threaded replies over `smtpUrl`. Throws `config_invalid` for a bad `from`,
 * SMTP or IMAP URL; rejects when the listener's port cannot be bound.
 */
export async function registerEmailChannel(host: ChannelHost, options: EmailChannelOptions): Promise<EmailChannel> {
  if (!/[^\s<>@]+@[^\s<>@]+/.test(options.from)) throw new ParleyError('config_invalid', 'the e-mail sender (EMAIL_FROM) must contain an address');
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const sender = options.sender ?? new SmtpSender(options.smtpUrl);
  const adapter = new EmailAdapter(host.store, sender, { from: options.from, publicUrl: options.publicUrl });
  const inbound = new EmailInbound(host, adapter, { from: options.from, maxImageBytes: options.maxImageBytes, spamScoreThreshold: options.spamScoreThreshold });
  const poller = options.imapUrl
    ? new ImapPoller(inbound, host.logger, { url: options.imapUrl, pollSeconds: options.imapPollSeconds ?? 30, maxMessageBytes })
    : undefined;
  const listener =
    options.listenPort === undefined
      ? undefined
      : await SmtpListener.start(inbound, host.logger, {
          port: options.listenPort,
          host: options.listenHost ?? '0.0.0.0',
          maxMessageBytes,
          name: domainOf(options.from),
        });
  poller?.start();
  const receives: ChannelReceiver[] = [
    ...(listener ? [{ kind: 'listener' as const, description: `SMTP on port ${listener.port}` }] : []),
    ...(poller ? [{ kind: 'listener' as const, description: `IMAP poll every ${options.imapPollSeconds ?? 30} s` }] : []),
  ];
  return {
    name: EMAIL_CHANNEL,
    receives,
    adapter,
    port: listener?.port,
    poller,
    idle: () => inbound.idle(),
    close: async () => {
      await Promise.all([listener?.close(), poller?.close()]);
      await inbound.idle();
      sender.close();
    },
  };
}

/** The e-mail channel module: registered once in the composition root's channel registry. */
export const emailChannel: ChannelModule<EmailChannelOptions, EmailChannel> = {
  name: EMAIL_CHANNEL,
  capabilities: EMAIL_CAPABILITIES,
  start: ({ host }, options) => registerEmailChannel(host, options),
};
