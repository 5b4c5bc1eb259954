import { conversationFor, endpointScope, type ChannelHost } from '../../bot/core/index.js';
import type { EmailAdapter } from './adapter.js';
import { parseEmail, threadLookupIds, toActivity, type ParsedEmail } from './parse.js';
import { EMAIL_CHANNEL, findThreadConversation, linkThread, type EmailThreadRef } from './threading.js';
import type { AutomatedReason } from './verify.js';

/** Options of {@link EmailInbound}. */
export interface EmailInboundOptions {
  /** Parley's sender address: mail from it is a loop and never answered. */
  from: string;
  /** Largest image attachment passed to the bot (bytes); default 5 MiB. */
  maxImageBytes?: number | undefined;
  /** Spam score from which mail is recorded, not answered (`EMAIL_SPAM_SCORE_THRESHOLD`); unset: spam flags only. */
  spamScoreThreshold?: number | undefined;
}

/** What happened to an accepted inbound message. */
export type InboundOutcome =
  | {
      status: 'accepted';
      conversationId: string;
      messageId: string;
      /** Resolves when the turn is over: true when the inbox has the message (new or duplicate), false when it failed. */
      done: Promise<boolean>;
    }
  | { status: 'recorded'; reason: AutomatedReason; conversationId: string; messageId: string; duplicate: boolean };

/**
 * The transport-independent inbound path shared by the SMTP listener and the IMAP poller: parse (quotes and
 * signature stripped, images checked) → conversation by thread (Message-ID / In-Reply-To / References) → link the
 * thread's Message-IDs → the bot's turn, whose replies go out as threaded e-mail. Auto-replies, bounces, list mail
 * and mail the relay marked as spam are recorded in the transcript (one log line) and never answered: no turn runs.
 */
export class EmailInbound {
  private readonly inFlight = new Set<Promise<boolean>>();

  constructor(
    private readonly host: ChannelHost,
    private readonly adapter: EmailAdapter,
    private readonly options: EmailInboundOptions,
  ) {}

  /**
   * Takes one raw message. Resolves once it is parsed and stored in the durable inbox (the transport can acknowledge
   * then); the turn runs after that (`done`). Throws `bad_request` for mail that cannot be parsed or answered.
   */
  async accept(source: Buffer, envelope: { from?: string | undefined } = {}): Promise<InboundOutcome> {
    const email = await parseEmail(source, {
      envelopeFrom: envelope.from,
      ownAddress: this.ownAddress(),
      maxImageBytes: this.options.maxImageBytes,
      spamScoreThreshold: this.options.spamScoreThreshold,
    });
    const { store, logger } = this.host;
    if (email.skippedAttachments.length) logger.info({ messageId: email.messageId, skipped: email.skippedAttachments }, 'e-mail attachments not passed on');
    const existing = await findThreadConversation(store, threadLookupIds(email), email.from.address);
    const ref = inboundRef(email);
    const conversation =
      existing ??
      (await conversationFor(store, {
        channel: EMAIL_CHANNEL,
        key: email.messageId,
        userId: email.from.address,
        ref: { ...ref },
        metadata: { email: email.from.address, subject: email.subject },
        // The address written to decides the knowledge scope of a new conversation (PARLEY_SCOPES "email:<address>").
        scope: endpointScope(this.host.endpointScopes, 'email', ...recipientsOf(email), this.ownAddress()),
      }));
    await linkThread(store, conversation.id, ref, [...email.inReplyTo, ...email.references]);
    const activity = toActivity(email, conversation.id, envelope.from);

    if (email.automated) {
      // Recorded once (the inbox is idempotent on the Message-ID) so the transcript shows it; never answered.
      const receipt = await this.host.bot.record(activity);
      logger.info({ messageId: email.messageId, reason: email.automated, conversationId: conversation.id }, 'automated e-mail recorded, not answered');
      return { status: 'recorded', reason: email.automated, conversationId: conversation.id, messageId: email.messageId, duplicate: receipt.duplicate };
    }

    // In the durable inbox before the transport acknowledges (SMTP 250, IMAP \Seen); the turn runs after.
    const accepted = await this.host.bot.accept(activity);
    const done = this.host.bot
      .run(activity, { send: async (reply) => void (await this.adapter.reply(reply, ref)) }, accepted)
      .then((result) => {
        if (result.duplicate) logger.info({ messageId: email.messageId }, 'duplicate e-mail delivery ignored');
        return true;
      })
      .catch((error: unknown) => {
        logger.error({ err: error, messageId: email.messageId }, 'e-mail turn failed');
        return false;
      });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return { status: 'accepted', conversationId: conversation.id, messageId: email.messageId, done };
  }

  /** Waits until every turn started so far has finished (used on close). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private ownAddress(): string | undefined {
    const match = /<([^<>\s]+@[^<>\s]+)>|([^\s<>]+@[^\s<>]+)/.exec(this.options.from);
    return (match?.[1] ?? match?.[2])?.toLowerCase();
  }
}

/** The thread ref of an inbound message: whom to answer and how to thread the answer. */
function inboundRef(email: ParsedEmail): EmailThreadRef {
  return {
    to: email.replyTo,
    ...(email.from.name ? { name: email.from.name } : {}),
    subject: email.subject,
    messageId: email.messageId,
    // RFC 5322 §3.6.4: without References, the parent's In-Reply-To stands for them.
    references: email.references.length ? email.references : email.inReplyTo,
    direction: 'inbound',
    at: new Date().toISOString(),
  };
}

/** The addresses a message was delivered to (`Delivered-To`, `To`, `Cc`, in that order), lower-cased. */
function recipientsOf(email: Pick<ParsedEmail, 'headers'>): string[] {
  const values = ['delivered-to', 'x-original-to', 'to', 'cc'].flatMap((name) => email.headers.get(name) ?? []);
  return values.flatMap((value) => [...value.matchAll(/[^\s<>,;"']+@[^\s<>,;"']+/g)].map((m) => m[0].toLowerCase()));
}
