import { conversationFor, endpointScope, type Activity, type Attachment, type ChannelHost } from '../../bot/core/index.js';
import { DEFAULT_HELP_TEXT, DEFAULT_OPT_IN_TEXT, TWILIO_CHANNEL, type TwilioAdapter, type TwilioChannelOptions } from './adapter.js';
import { collectAttachments } from './media.js';
import {
  complianceKeyword,
  isOverTwilioLimit,
  MAX_TWILIO_BODY_CHARS,
  toActivity,
  withinTwilioLimit,
  type ComplianceKeyword,
  type InboundMessage,
} from './parse.js';
import type { TwilioParams } from './verify.js';

/** Told to a customer whose message is longer than any Twilio channel carries (the start of it is kept). */
export const TOO_LONG_NOTICE = `Sorry, that message is longer than ${MAX_TWILIO_BODY_CHARS.toLocaleString('en-US')} characters, so I could not read all of it. Could you send a shorter one?`;

/**
 * Stores one verified inbound message in the durable inbox before Twilio gets its 200: finds or starts the customer's
 * conversation (keyed by their address, `+1555…` or `whatsapp:+1555…`) and accepts the activity with its media as
 * references (URLs, fetched when the turn runs). A body longer than any Twilio channel carries is kept up to that
 * length and marked `truncated`. A redelivered `MessageSid` is the same inbox row.
 */
export async function acceptInbound(host: ChannelHost, message: InboundMessage, raw: TwilioParams): Promise<Activity> {
  const activity = await withConversation(host, inboundActivity(message, raw, unresolvedConversationId(message.from)), message.to);
  await host.bot.accept(activity);
  return activity;
}

/**
 * Keeps a message that could not be accepted because the store is unavailable (`error`) in the server's spool, and
 * sends the customer the spool's "your message is saved" notice (not for a compliance keyword: its own answer follows).
 * Its conversation is found when the spool runs it ({@link runKept}). Throws `error` when the message cannot be kept.
 */
export async function keepInbound(host: ChannelHost, adapter: TwilioAdapter, message: InboundMessage, raw: TwilioParams, error: unknown): Promise<void> {
  const activity = inboundActivity(message, raw, unresolvedConversationId(message.from));
  const keyword = message.media.length ? undefined : complianceKeyword(activity.text);
  const sink = keyword ? undefined : { send: (notice: Activity) => adapter.sendNotice(message.from, notice) };
  await host.bot.keepWhileUnavailable(activity, sink, error);
}

/** Runs a message kept while the store was unavailable, once it is back: finds its conversation, accepts it and runs it. */
export async function runKept(host: ChannelHost, adapter: TwilioAdapter, options: TwilioChannelOptions, kept: Activity): Promise<void> {
  const to = (kept.raw as TwilioParams | undefined)?.To;
  const activity = await withConversation(host, kept, typeof to === 'string' ? to : undefined);
  await host.bot.accept(activity);
  await processAccepted(host, adapter, options, activity);
}

/** The placeholder conversation of a message kept before its conversation could be looked up (one per sender). */
function unresolvedConversationId(address: string): string {
  return `twilio-unresolved:${address}`;
}

/** The activity of an inbound message (media as references; a body over the limit cut and marked `truncated`). */
function inboundActivity(message: InboundMessage, raw: TwilioParams, conversationId: string): Activity {
  const references: Attachment[] = message.media.map((item, index) => ({ contentType: item.contentType, name: `media-${index}`, url: item.url }));
  const tooLong = isOverTwilioLimit(message.body);
  const activity = toActivity(tooLong ? { ...message, body: withinTwilioLimit(message.body) } : message, conversationId, references, raw);
  if (tooLong) activity.truncated = true;
  return activity;
}

/**
 * `activity` in its customer's conversation, found or started by the sender's address. The number written to decides
 * the knowledge scope of a new conversation (PARLEY_SCOPES "twilio:<number>"; a WhatsApp sender "whatsapp:+1…" matches
 * "twilio:whatsapp:+1…", else its number); a customer who writes to two brands' scoped numbers has one conversation
 * with each (keyed by sender and number), so neither brand's answers reach the other's conversation.
 */
async function withConversation(host: ChannelHost, activity: Activity, to: string | undefined): Promise<Activity> {
  const address = activity.from.id;
  const scope = endpointScope(host.endpointScopes, 'twilio', to, to?.replace(/^[a-z-]+:/i, ''));
  const conversation = await conversationFor(host.store, {
    channel: TWILIO_CHANNEL,
    key: scope !== undefined && to !== undefined ? `${address} to ${to}` : address,
    userId: address,
    ref: to === undefined ? { address } : { address, to, ...(scope !== undefined ? { scoped: true } : {}) },
    scope,
  });
  return { ...activity, conversationId: conversation.id };
}

/**
 * Runs an accepted message (after Twilio has its 200, or again after a crash): compliance keywords and messages too
 * long to read are answered with a notice; otherwise the media are fetched and the turn runs with replies sent
 * through the Messages API. A message whose turn already ran sends nothing again.
 */
export async function processAccepted(host: ChannelHost, adapter: TwilioAdapter, options: TwilioChannelOptions, accepted: Activity): Promise<void> {
  // Through the conversation's Twilio link: to the customer, from the brand's number when they wrote to a scoped one.
  const send = async (reply: Activity): Promise<void> => adapter.send({ ...reply, conversationId: reply.conversationId || accepted.conversationId });
  const media = (accepted.attachments ?? []).flatMap((a) => (a.url ? [{ url: a.url, contentType: a.contentType }] : []));
  const keyword = media.length ? undefined : complianceKeyword(accepted.text);
  if (keyword) {
    await handleKeyword(host, options, accepted, keyword, send);
    return;
  }
  if (accepted.truncated) {
    // No Twilio channel carries this much: the start was kept; say so rather than answer half a question.
    const { duplicate } = await host.bot.record(accepted, { notice: TOO_LONG_NOTICE, sink: { send } });
    if (!duplicate) host.logger.info({ messageSid: accepted.channelMessageId }, 'twilio message too long: kept its start and asked for a shorter one');
    return;
  }
  const attachments = await collectAttachments(
    media,
    { accountSid: options.accountSid, authToken: options.authToken, apiUrl: options.apiUrl ?? 'https://api.twilio.com', ...(options.maxMediaBytes ? { maxBytes: options.maxMediaBytes } : {}) },
    host.logger,
  );
  const { attachments: _references, ...rest } = accepted;
  const activity: Activity = attachments.length ? { ...rest, attachments } : rest;
  const result = await host.bot.run(activity, { send });
  if (result.duplicate) host.logger.info({ messageSid: accepted.channelMessageId }, 'twilio redelivery ignored');
}

/**
 * STOP-type keywords record the opt-out and send nothing (on long codes Twilio answers STOP itself); START-type ones
 * opt back in and confirm; HELP / INFO answer with the help text. The keyword is recorded with `bot.record` (durable
 * inbox, transcript and outbox like any message, no turn), so a redelivery changes nothing and is not answered twice.
 */
async function handleKeyword(
  host: ChannelHost,
  options: TwilioChannelOptions,
  activity: Activity,
  keyword: ComplianceKeyword,
  send: (reply: Activity) => Promise<void>,
): Promise<void> {
  const { store, logger } = host;
  const address = activity.from.id;
  const text = keyword === 'opt_out' ? undefined : keyword === 'opt_in' ? (options.optInText ?? DEFAULT_OPT_IN_TEXT) : (options.helpText ?? DEFAULT_HELP_TEXT);
  await host.bot.record(activity, {
    ...(text === undefined ? {} : { notice: text }),
    sink: { send },
    // Only the delivery that wins the turn changes the opt-out: a late redelivery of STOP must not undo a later START.
    onFirstDelivery: async () => {
      if (keyword === 'help') return;
      await store.setOptOut(TWILIO_CHANNEL, address, keyword === 'opt_out');
      logger.info({ conversationId: activity.conversationId }, keyword === 'opt_out' ? 'twilio recipient opted out' : 'twilio recipient opted back in');
    },
  });
}
