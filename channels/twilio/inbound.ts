import { asParleyError, conversationFor, newId, type Activity, type ChannelHost } from '../../bot/core/index.js';
import { DEFAULT_HELP_TEXT, DEFAULT_OPT_IN_TEXT, TWILIO_CHANNEL, type TwilioAdapter, type TwilioChannelOptions } from './adapter.js';
import { collectAttachments } from './media.js';
import { complianceKeyword, toActivity, type ComplianceKeyword, type InboundMessage } from './parse.js';
import type { TwilioParams } from './verify.js';

/**
 * Runs one verified inbound message (after Twilio has its 200): finds or starts the customer's conversation (keyed by
 * their address, `+1555…` or `whatsapp:+1555…`), handles compliance keywords, fetches media, then runs the turn with
 * replies sent through the Messages API. A redelivered `MessageSid` is a duplicate: nothing is sent again.
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
  const receipt = await store.receiveInbound(activity);
  if (receipt.duplicate) return;
  await store.appendMessage(activity);
  if (keyword === 'opt_out') {
    await store.setOptOut(TWILIO_CHANNEL, address, true);
    logger.info({ conversationId: activity.conversationId }, 'twilio recipient opted out');
    await store.completeInbound(receipt.inboxId, 'done');
    return;
  }
  if (keyword === 'opt_in') await store.setOptOut(TWILIO_CHANNEL, address, false);
  const reply: Activity = {
    id: newId('act'),
    type: 'message',
    channel: TWILIO_CHANNEL,
    conversationId: activity.conversationId,
    from: { id: 'parley', role: 'bot' },
    text: keyword === 'opt_in' ? (options.optInText ?? DEFAULT_OPT_IN_TEXT) : (options.helpText ?? DEFAULT_HELP_TEXT),
    timestamp: new Date().toISOString(),
    action: 'answer',
    sources: [],
    replyToId: activity.id,
  };
  const outbox = await store.enqueueOutbound({ inboxId: receipt.inboxId, activity: reply });
  await store.appendMessage(reply);
  try {
    await adapter.sendTo(address, reply);
    await store.markOutbound(outbox.id, 'sent');
  } catch (error) {
    logger.warn({ err: error, outboxId: outbox.id }, 'twilio keyword reply not delivered');
    await store.markOutbound(outbox.id, 'failed', asParleyError(error).message);
  }
  await store.completeInbound(receipt.inboxId, 'done');
}
