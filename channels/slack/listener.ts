import type { App } from '@slack/bolt';
import { asParleyError, conversationFor, endpointScope, MAX_TEXT_CHARS, type ChannelHost, type TurnResult } from '../../bot/core/index.js';
import type { SlackAdapter, SlackConversationRef, SlackTarget } from './adapter.js';
import { QUICK_REPLY_ACTION_PREFIX } from './format.js';
import { classifyEvent, classifyInteraction, readEventEnvelope, SLACK_CHANNEL, toActivity, type SlackClassification, type SlackInbound } from './parse.js';

/** Told to a customer whose Slack message is longer than Parley processes. */
export const TOO_LONG_NOTICE = `Sorry, that message is longer than ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters. Could you shorten it?`;

/** Told to a customer whose message was only files, none of which Parley could take (foreign, too large, not an image). */
export const FILE_REFUSED_NOTICE = 'Sorry, I could not open that file. Please send a photo (JPEG, PNG, GIF or WebP) of at most 5 MB.';

const refOf = (inbound: SlackInbound): SlackConversationRef => {
  const [, , threadTs] = inbound.key.split(':');
  return { teamId: inbound.teamId, channel: inbound.channelId, ...(threadTs ? { threadTs } : {}) };
};

/**
 * Runs one classified Slack delivery through the bot: finds or links the conversation (`team:channel:thread_ts`),
 * then `host.bot.processActivity`, posting each reply in the same thread. Ignored deliveries, replies in threads the
 * app does not follow and redeliveries (same `event_id`: the inbox returns `duplicate`) post nothing, notices
 * (message too long, files refused) included: those go through the inbox too.
 */
export async function runSlackTurn(host: ChannelHost, adapter: SlackAdapter, classification: SlackClassification): Promise<TurnResult | undefined> {
  if ('ignored' in classification) return undefined;
  const { inbound } = classification;
  if (inbound.kind === 'thread_reply' && !(await host.store.findConversationRef(SLACK_CHANNEL, inbound.key))) return undefined;
  const target: SlackTarget = { channel: inbound.channelId, threadTs: inbound.replyThreadTs, key: inbound.key };
  const tooLong = inbound.text.length > MAX_TEXT_CHARS;
  // Shared files are fetched here, at the edge (after the ack), so the turn sees their bytes as attachments.
  const attachments = tooLong ? [] : await adapter.downloadFiles(inbound.files);
  const conversation = await conversationFor(host.store, {
    channel: SLACK_CHANNEL,
    key: inbound.key,
    userId: inbound.userId,
    ref: { ...refOf(inbound) },
    metadata: { slack: { teamId: inbound.teamId, channel: inbound.channelId } },
    // The workspace decides the knowledge scope of a new conversation (PARLEY_SCOPES "slack:<team id>").
    scope: endpointScope(host.endpointScopes, 'slack', inbound.teamId),
  });
  if (tooLong || (!inbound.text && !attachments.length)) {
    // A notice instead of a turn, recorded in the durable inbox under the event id: a Slack retry
    // (X-Slack-Retry-Num, same event_id) is a duplicate and posts nothing new.
    const text = tooLong ? `${inbound.text.slice(0, MAX_TEXT_CHARS - 1)}…` : inbound.text;
    const activity = toActivity({ ...inbound, text }, conversation.id);
    const notice = tooLong ? TOO_LONG_NOTICE : FILE_REFUSED_NOTICE;
    const { duplicate } = await host.bot.record(activity, { notice, sink: { send: async (reply) => void (await adapter.postText(target, reply.text)) } });
    if (duplicate) host.logger.info({ channelMessageId: inbound.channelMessageId }, 'duplicate Slack delivery dropped (notice already posted)');
    return undefined;
  }
  const result = await host.bot.processActivity(toActivity(inbound, conversation.id, attachments), {
    send: async (reply) => {
      await adapter.post(target, reply);
    },
  });
  // The first delivery posted the replies; a redelivery must not post them again.
  if (result.duplicate) host.logger.info({ channelMessageId: inbound.channelMessageId, conversationId: conversation.id }, 'duplicate Slack delivery dropped');
  return result;
}

/** Bolt's context after `authorize`: the app's own ids, when `auth.test` has told them. */
const identityFrom = (context: { botUserId?: string; botId?: string }) => ({ botUserId: context.botUserId, botId: context.botId });

/**
 * Registers Parley's Bolt listeners: `message` (direct messages and thread replies) and `app_mention` events, and
 * clicks on quick-reply buttons (`block_actions`). Each acks first, then runs the turn; failures are logged, never
 * thrown back into Bolt.
 */
export function attachSlackListeners(app: App, host: ChannelHost, adapter: SlackAdapter, ignoreChannels: readonly string[] = []): void {
  const run = async (classify: () => SlackClassification): Promise<void> => {
    try {
      // Bodies are checked here too: in Socket Mode they come straight from Slack, not through the HTTP receiver.
      const classification = classify();
      // The agent desk's escalation channel has its own listeners.
      if ('inbound' in classification && ignoreChannels.includes(classification.inbound.channelId)) return;
      // Channel chatter and bot traffic are the common case: only the unusual reasons are worth a log line.
      if ('ignored' in classification && !/^(top-level|bot message|own message|message subtype)/.test(classification.ignored)) {
        host.logger.info({ reason: classification.ignored }, 'Slack delivery ignored');
      }
      await runSlackTurn(host, adapter, classification);
    } catch (error) {
      const err = asParleyError(error);
      if (err.isClientError) host.logger.warn({ code: err.code, reason: err.message }, 'Slack delivery rejected');
      else host.logger.error({ err: error }, 'Slack turn failed');
    }
  };
  app.event('message', async ({ body, context }) => run(() => classifyEvent(readEventEnvelope(body), identityFrom(context))));
  app.event('app_mention', async ({ body, context }) => run(() => classifyEvent(readEventEnvelope(body), identityFrom(context))));
  app.action({ type: 'block_actions', action_id: new RegExp(`^${QUICK_REPLY_ACTION_PREFIX}\\d+$`) }, async ({ ack, body }) => {
    await ack();
    await run(() => classifyInteraction(body));
  });
}
