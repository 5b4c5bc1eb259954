import type { WebClient } from '@slack/web-api';
import { ParleyError, type Activity, type Attachment, type ChannelAdapter, type ChannelCapabilities, type Logger, type Store } from '../../bot/core/index.js';
import { fetchSlackFiles, type SlackFileOptions, type SlackFileRef } from './files.js';
import { escapeSlack, formatReply, type SlackMessageContent } from './format.js';
import { SLACK_CHANNEL, type SlackIdentity } from './parse.js';

/** Where a Slack message goes: a channel, optionally a thread, and the conversation key its buttons answer in. */
export interface SlackTarget {
  channel: string;
  /** Parent message `ts` of the thread; undefined posts at the top level (direct messages). */
  threadTs?: string | undefined;
  key: string;
}

/** What Parley keeps on a Slack conversation link (`ConversationRef.ref`) to post to it later. */
export interface SlackConversationRef {
  teamId: string;
  channel: string;
  threadTs?: string;
}

/** Options of {@link SlackAdapter}. */
export interface SlackAdapterOptions {
  /** A Web API client with the bot token and `slackApiUrl`. */
  client: WebClient;
  store: Store;
  logger: Logger;
  /** Origin for relative image URLs (`PUBLIC_URL`); without it relative images are left out. */
  publicUrl?: string | undefined;
  /** Bot token and API URL to download files customers share; without it shared files are left out. */
  files?: SlackFileOptions | undefined;
}

/** chat.postMessage errors caused by the blocks alone: the reply is sent again as text so it is not lost. */
const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format', 'downloading_image_failed', 'invalid_attachments']);

const slackError = (error: unknown): string | undefined => {
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
};

/** What the Slack channel can do (see {@link ChannelCapabilities}). */
export const SLACK_CAPABILITIES: Readonly<ChannelCapabilities> = { typing: false, quickReplies: true, images: true, streaming: false, proactive: true };

/**
 * The Slack channel adapter: posts bot and agent activities with chat.postMessage (Block Kit: sections, image
 * blocks, quick-reply buttons, sources), in the conversation's thread. `send` delivers proactively through the
 * conversation's stored Slack link; `post` answers a turn at a known target.
 */
export class SlackAdapter implements ChannelAdapter {
  readonly channel = SLACK_CHANNEL;
  readonly capabilities = SLACK_CAPABILITIES;
  private identityPromise: Promise<SlackIdentity> | undefined;

  constructor(private readonly options: SlackAdapterOptions) {}

  /** Delivers an activity to the Slack thread or direct message linked to its conversation (`not_found` when none). */
  async send(activity: Activity): Promise<void> {
    const links = (await this.options.store.listConversationRefs(activity.conversationId)).filter((link) => link.channel === SLACK_CHANNEL);
    const link = links.at(-1);
    const ref = link?.ref as Partial<SlackConversationRef> | undefined;
    if (!link || typeof ref?.channel !== 'string') throw new ParleyError('not_found', `conversation ${activity.conversationId} has no Slack thread`);
    await this.post({ channel: ref.channel, threadTs: typeof ref.threadTs === 'string' ? ref.threadTs : undefined, key: link.key }, activity);
  }

  /**
   * Posts a reply at `target`; returns the message `ts`. When Slack rejects only the blocks (e.g. an image it cannot
   * fetch), the reply is posted again as text. Other failures throw (code `internal`, with the Slack error as cause).
   */
  async post(target: SlackTarget, activity: Activity): Promise<string> {
    const content = formatReply(activity, { publicUrl: this.options.publicUrl, conversationKey: target.key });
    try {
      return await this.postMessage(target, content);
    } catch (error) {
      const code = slackError(error);
      if (code && BLOCK_ERRORS.has(code)) {
        this.options.logger.warn({ err: error, slackError: code, channel: target.channel }, 'Slack rejected the blocks; posting the reply as text');
        const options = activity.quickReplies?.length ? `\n${activity.quickReplies.map((q) => `• ${escapeSlack(q)}`).join('\n')}` : '';
        return this.postMessage(target, { text: `${content.text}${options}`, blocks: [] }).catch((retryError: unknown) => {
          throw this.failure(retryError);
        });
      }
      throw this.failure(error);
    }
  }

  /** Posts plain text at `target` (notices outside a turn, e.g. a message too long to process). */
  async postText(target: SlackTarget, text: string): Promise<string> {
    try {
      return await this.postMessage(target, { text: escapeSlack(text), blocks: [] });
    } catch (error) {
      throw this.failure(error);
    }
  }

  /**
   * Opens (or finds) the direct message channel with Slack user `userId` (`conversations.open`, scope `im:write`) for
   * a message the user did not ask for (a campaign); returns the link to keep on the conversation. Throws
   * `not_found` for an unknown or deactivated user, `internal` for other Slack errors.
   */
  async openDirectMessage(userId: string): Promise<SlackConversationRef> {
    let channel: string | undefined;
    try {
      channel = (await this.options.client.conversations.open({ users: userId })).channel?.id;
    } catch (error) {
      const code = slackError(error);
      if (code === 'user_not_found' || code === 'user_disabled' || code === 'cannot_dm_bot') throw new ParleyError('not_found', `Slack cannot open a direct message with ${userId}: ${code}`, { cause: error });
      throw new ParleyError('internal', `Slack conversations.open failed: ${code ?? (error as Error).message}`, { cause: error });
    }
    if (!channel) throw new ParleyError('internal', 'Slack conversations.open answered without a channel id');
    const teamId = (await this.identity()).teamId;
    if (!teamId) throw new ParleyError('internal', 'Slack auth.test failed: the workspace of the direct message is unknown');
    return { teamId, channel };
  }

  /**
   * Downloads the image files a customer shared (see `fetchSlackFile`: Slack's file host only, images only, 5 MB at
   * most); refused or failed files are logged and left out. None without the `files` option.
   */
  async downloadFiles(files: readonly SlackFileRef[]): Promise<Attachment[]> {
    if (!files.length) return [];
    if (!this.options.files) {
      this.options.logger.warn({ files: files.length }, 'Slack files left out: no bot token to download them');
      return [];
    }
    return fetchSlackFiles(files, this.options.files, this.options.logger);
  }

  /** The app's bot user and bot ids from `auth.test`, cached once known; `{}` (and a retry next time) on failure. */
  async identity(): Promise<SlackIdentity> {
    this.identityPromise ??= this.options.client.auth.test().then(
      (result) => ({ botUserId: result.user_id, botId: result.bot_id, teamId: result.team_id }),
      (error: unknown) => {
        this.options.logger.warn({ err: error }, 'Slack auth.test failed; own messages are recognised by the event alone');
        this.identityPromise = undefined;
        return {};
      },
    );
    return this.identityPromise;
  }

  private async postMessage(target: SlackTarget, content: SlackMessageContent): Promise<string> {
    const result = await this.options.client.chat.postMessage({
      channel: target.channel,
      text: content.text,
      ...(content.blocks.length ? { blocks: content.blocks } : {}),
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    return result.ts ?? '';
  }

  private failure(error: unknown): ParleyError {
    const code = slackError(error);
    return new ParleyError('internal', `Slack chat.postMessage failed: ${code ?? (error as Error).message ?? String(error)}`, { cause: error });
  }
}
