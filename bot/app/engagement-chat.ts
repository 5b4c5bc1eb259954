import { BOTFRAMEWORK_CHANNEL } from '../../channels/botframework/index.js';
import { conversationKey, SLACK_CHANNEL, type SlackAdapter } from '../../channels/slack/index.js';
import { WEBCHAT_CHANNEL, type WebchatSockets } from '../../channels/webchat/index.js';
import type { EngagementChannel } from '../../engagement/index.js';
import { conversationFor, ParleyError, VERIFIED_USER_ID, type ChannelAdapter, type ConversationRecord, type Store } from '../core/index.js';

/** The newest of `userId`'s Bot Framework conversations with a stored conversation reference. */
async function latestTeamsConversation(store: Store, userId: string): Promise<ConversationRecord | undefined> {
  const conversations = (await store.listConversationsByUser(userId)).filter((c) => c.channel === BOTFRAMEWORK_CHANNEL).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const conversation of conversations) {
    if ((await store.listConversationRefs(conversation.id)).some((link) => link.channel === BOTFRAMEWORK_CHANNEL)) return conversation;
  }
  return undefined;
}

/**
 * The newest web chat conversation of signed-in user `userId`: only one the operator's site verified
 * (`PARLEY_IDENTITY_SECRET`), since any visitor may claim any unsigned user id.
 */
async function latestWebchatConversation(store: Store, userId: string): Promise<ConversationRecord | undefined> {
  return (await store.listConversationsByUser(userId))
    .filter((c) => c.channel === WEBCHAT_CHANNEL && c.metadata[VERIFIED_USER_ID] === userId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/**
 * Web chat as engagement uses it: the signed-in customer's (verified web chat user id's) latest conversation; a user
 * id never verified is not reachable. A campaign message goes to
 * their open socket; with none open (or no sockets in this process: the CLI) it is held in the outbox and shown in
 * the history the next time they connect (a signed-in customer without their conversation is brought back to it).
 */
export function webchatEngagementChannel(store: Store, sockets: Pick<WebchatSockets, 'deliverOrHold'> | undefined): EngagementChannel {
  return {
    channel: WEBCHAT_CHANNEL,
    confirmsDelivery: true,
    reachable: async (address) => Boolean(await latestWebchatConversation(store, address)),
    async conversationFor({ address }) {
      const conversation = await latestWebchatConversation(store, address);
      if (!conversation) throw new ParleyError('not_found', `web chat user ${address} has no conversation to write to`);
      return conversation.id;
    },
    isOptedOut: (address) => store.isOptedOut(WEBCHAT_CHANNEL, address),
    async deliver(activity) {
      return sockets && (await sockets.deliverOrHold(activity)) ? [activity.id] : 'held';
    },
  };
}

/**
 * Slack as engagement uses it: a direct message to the customer's Slack user id (`conversations.open`), linked to a
 * conversation so that their answer continues it.
 */
export function slackEngagementChannel(store: Store, adapter: SlackAdapter): EngagementChannel {
  return {
    channel: SLACK_CHANNEL,
    confirmsDelivery: true,
    async conversationFor({ customer, address }) {
      const ref = await adapter.openDirectMessage(address);
      const conversation = await conversationFor(store, { channel: SLACK_CHANNEL, key: conversationKey(ref.teamId, ref.channel), userId: address, ref: { ...ref }, scope: customer.scope ?? undefined });
      return conversation.id;
    },
    isOptedOut: (address) => store.isOptedOut(SLACK_CHANNEL, address),
    async deliver(activity) {
      await adapter.send(activity);
      return [];
    },
  };
}

/**
 * Teams (Bot Framework) as engagement uses it: a proactive message through the conversation reference stored with the
 * customer's (Teams user id's) latest Bot Framework conversation; a customer who never wrote to the bot is not
 * reachable (Bot Framework needs that reference). Without an adapter in this process (the CLI) the message is held in
 * the outbox: the server's delivery retries send it.
 */
export function teamsEngagementChannel(store: Store, adapter: Pick<ChannelAdapter, 'send'> | undefined): EngagementChannel {
  return {
    channel: BOTFRAMEWORK_CHANNEL,
    confirmsDelivery: true,
    reachable: async (address) => Boolean(await latestTeamsConversation(store, address)),
    async conversationFor({ address }) {
      const conversation = await latestTeamsConversation(store, address);
      if (!conversation) throw new ParleyError('not_found', `Teams user ${address} has no conversation reference to write to`);
      return conversation.id;
    },
    isOptedOut: (address) => store.isOptedOut(BOTFRAMEWORK_CHANNEL, address),
    async deliver(activity) {
      if (!adapter) return 'held';
      await adapter.send(activity);
      return [];
    },
  };
}
