import { answerWithNotice, conversationFor, noticeFor, type Activity, type ChannelHost } from '../../bot/core/index.js';
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
 * Runs one verified inbound message (after Twilio has its 200): finds or starts the customer's conversation (keyed by
 * their address, `+1555…` or `whatsapp:+1555…`), handles compliance keywords, fetches media, then runs the turn with
 * replies sent through the Messages API. A redelivered `MessageSid` is a duplicate: nothing is sent again. A body
 * longer than any Twilio channel carries is kept up to that length and answered with {@link TOO_LONG_NOTICE}.
 */
export async function processInbound(
  host: ChannelHost,
  adapter: TwilioAdapter,
  options: TwilioChannelOptions,
  message: InboundMessage,
  raw: TwilioParams,
): Promise<void> {
  const conversation = await conversationFor(host.store, {
    channel: TWILIO_CHANNEL,
    key: message.from,
    userId: message.from,
    ref: { address: message.from, to: message.to },
  });
  const keyword = message.media.length ? undefined : complianceKeyword(message.body);
  if (keyword) {
    await handleKeyword(host, adapter, options, toActivity(message, conversation.id, [], raw), keyword);
    return;
  }
  if (isOverTwilioLimit(message.body)) {
    // No Twilio channel carries this much: keep what one can, and say so rather than answer half a question.
    const activity = toActivity({ ...message, body: withinTwilioLimit(message.body) }, conversation.id, [], raw);
    const notice = noticeFor(activity, TOO_LONG_NOTICE);
    const { duplicate } = await answerWithNotice(host.store, host.logger, activity, { notice, send: async (reply) => void (await adapter.sendTo(message.from, reply)) });
    if (!duplicate) host.logger.info({ messageSid: message.messageSid, chars: [...message.body].length }, 'twilio message too long: kept its start and asked for a shorter one');
    return;
  }
  const attachments = await collectAttachments(
    message.media,
    { accountSid: options.accountSid, authToken: options.authToken, apiUrl: options.apiUrl ?? 'https://api.twilio.com', ...(options.maxMediaBytes ? { maxBytes: options.maxMediaBytes } : {}) },
    host.logger,
  );
  const activity = toActivity(message, conversation.id, attachments, raw);
  const result = await host.bot.processActivity(activity, {
    send: async (reply) => {
      await adapter.sendTo(message.from, reply);
    },
  });
  if (result.duplicate) host.logger.info({ messageSid: message.messageSid }, 'twilio redelivery ignored');
}

/**
 * STOP-type keywords record the opt-out and send nothing (on long codes Twilio answers STOP itself); START-type ones
 * opt back in and confirm; HELP / INFO answer with the help text. The keyword goes through the durable inbox and
 * outbox like any message, so a redelivery changes nothing and is not answered twice.
 */
async function handleKeyword(
  host: ChannelHost,
  adapter: TwilioAdapter,
  options: TwilioChannelOptions,
  activity: Activity,
  keyword: ComplianceKeyword,
): Promise<void> {
  const { store, logger } = host;
  const address = activity.from.id;
  const text = keyword === 'opt_out' ? undefined : keyword === 'opt_in' ? (options.optInText ?? DEFAULT_OPT_IN_TEXT) : (options.helpText ?? DEFAULT_HELP_TEXT);
  await answerWithNotice(store, logger, activity, {
    notice: text === undefined ? undefined : noticeFor(activity, text),
    send: async (reply) => void (await adapter.sendTo(address, reply)),
    // Only a first delivery changes the opt-out: a late redelivery of STOP must not undo a later START.
    onFirstDelivery: async () => {
      if (keyword === 'help') return;
      await store.setOptOut(TWILIO_CHANNEL, address, keyword === 'opt_out');
      logger.info({ conversationId: activity.conversationId }, keyword === 'opt_out' ? 'twilio recipient opted out' : 'twilio recipient opted back in');
    },
  });
}
