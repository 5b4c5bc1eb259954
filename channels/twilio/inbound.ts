import { asParleyError, conversationFor, newId, type Activity, type Attachment, type ChannelHost } from '../../bot/core/index.js';
import { DEFAULT_HELP_TEXT, DEFAULT_OPT_IN_TEXT, TWILIO_CHANNEL, type TwilioAdapter, type TwilioChannelOptions } from './adapter.js';
import { collectAttachments } from './media.js';
import { complianceKeyword, toActivity, type ComplianceKeyword, type InboundMessage } from './parse.js';
import type { TwilioParams } from './verify.js';

/**
 * Stores one verified inbound message in the durable inbox before Twilio gets its 200: finds or starts the customer's
 * conversation (keyed by their address, `+1555…` or `whatsapp:+1555…`) and accepts the activity with its media as
 * references (URLs, fetched when the turn runs). A redelivered `MessageSid` is the same inbox row.
 */
export async function acceptInbound(host: ChannelHost, message: InboundMessage, raw: TwilioParams): Promise<Activity> {
  const conversation = await conversationFor(host.store, {
    channel: TWILIO_CHANNEL,
    key: message.from,
    userId: message.from,
    ref: { address: message.from, to: message.to },
  });
  const references: Attachment[] = message.media.map((item, index) => ({ contentType: item.contentType, name: `media-${index}`, url: item.url }));
  const activity = toActivity(message, conversation.id, references, raw);
  await host.bot.accept(activity);
  return activity;
}

/**
 * Runs an accepted message (after Twilio has its 200, or again after a crash): compliance keywords are handled
 * apart; otherwise the media are fetched and the turn runs with replies sent through the Messages API. A message
 * whose turn already ran sends nothing again.
 */
export async function processAccepted(host: ChannelHost, adapter: TwilioAdapter, options: TwilioChannelOptions, accepted: Activity): Promise<void> {
  const media = (accepted.attachments ?? []).flatMap((a) => (a.url ? [{ url: a.url, contentType: a.contentType }] : []));
  const keyword = media.length ? undefined : complianceKeyword(accepted.text);
  if (keyword) {
    await handleKeyword(host, adapter, options, accepted, keyword);
    return;
  }
  const attachments = await collectAttachments(
    media,
    { accountSid: options.accountSid, authToken: options.authToken, apiUrl: options.apiUrl ?? 'https://api.twilio.com', ...(options.maxMediaBytes ? { maxBytes: options.maxMediaBytes } : {}) },
    host.logger,
  );
  const { attachments: _references, ...rest } = accepted;
  const activity: Activity = attachments.length ? { ...rest, attachments } : rest;
  const address = accepted.from.id;
  const result = await host.bot.run(activity, {
    send: async (reply) => {
      await adapter.sendTo(address, reply);
    },
  });
  if (result.duplicate) host.logger.info({ messageSid: accepted.channelMessageId }, 'twilio redelivery ignored');
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
  // Accepted (inbox row and transcript entry) before Twilio's 200; a keyword's turn is this function, under the
  // same lease as any turn so that a redelivery or the recovery loop does not run it twice at once.
  const receipt = await store.acceptInbound(activity);
  if (!(await store.claimInbound(receipt.inboxId, { owner: host.bot.instanceId, ttlMs: 60_000 }))) return;
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
  const { record: outbox } = await store.recordReply({ inboxId: receipt.inboxId, index: 0, activity: reply });
  if (outbox.status === 'sent') return store.completeInbound(receipt.inboxId, 'done');
  try {
    await adapter.sendTo(address, outbox.activity);
    await store.markOutbound(outbox.id, 'sent');
  } catch (error) {
    logger.warn({ err: error, outboxId: outbox.id }, 'twilio keyword reply not delivered');
    await store.markOutbound(outbox.id, 'failed', asParleyError(error).message);
  }
  await store.completeInbound(receipt.inboxId, 'done');
}
