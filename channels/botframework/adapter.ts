import { ActivityTypes, TurnContext, type Activity as BfActivity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import {
  asParleyError,
  conversationFor,
  endpointScope,
  ParleyError,
  type Activity,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChannelHost,
  type TurnSink,
} from '../../bot/core/index.js';
import type { AuthenticatedRequest } from './auth.js';
import { formatReply, type FormattedReply } from './format.js';
import { BOTFRAMEWORK_CHANNEL, toParleyActivity, type InboundMessage } from './parse.js';

/** Options of {@link BotFrameworkAdapter}. */
export interface BotFrameworkAdapterOptions {
  /** The bot's Microsoft App ID; unset when authentication is off. */
  appId?: string | undefined;
  /** Public origin of this server, for relative image URLs in replies. */
  publicUrl?: string | undefined;
}

/** What the Bot Framework channel can do (see {@link ChannelCapabilities}). */
export const BOTFRAMEWORK_CAPABILITIES: Readonly<ChannelCapabilities> = { typing: true, quickReplies: true, images: true, streaming: false, proactive: true };

/**
 * The Bot Framework channel adapter (Teams, Direct Line, Web Chat, Emulator) over botbuilder's `CloudAdapter`. Inbound
 * turns run in the background after the HTTP ack, in arrival order per conversation; replies go to the activity's
 * `serviceUrl`; `send` delivers proactively through the conversation reference stored with the conversation's link.
 */
export class BotFrameworkAdapter implements ChannelAdapter {
  readonly channel = BOTFRAMEWORK_CHANNEL;
  readonly capabilities = BOTFRAMEWORK_CAPABILITIES;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly host: ChannelHost,
    /** The SDK adapter; exposed for advanced use (middleware, `onTurnError`). */
    readonly cloud: CloudAdapter,
    private readonly options: BotFrameworkAdapterOptions = {},
  ) {}

  /**
   * Queues the turn of an authenticated inbound message (call it after acknowledging the request). Failures are
   * logged, never thrown: the channel's retry of the same activity is answered by the durable inbox.
   */
  dispatch(request: AuthenticatedRequest, incoming: BfActivity, message: InboundMessage): void {
    const previous = this.queues.get(message.key) ?? Promise.resolve();
    const run: Promise<void> = previous
      .then(() => this.runTurn(request, incoming, message))
      .catch((error: unknown) => {
        const err = asParleyError(error);
        this.host.logger.error({ err, code: err.code, conversation: message.key }, 'Bot Framework turn failed');
      })
      .finally(() => {
        if (this.queues.get(message.key) === run) this.queues.delete(message.key);
        this.inFlight.delete(run);
      });
    this.queues.set(message.key, run);
    this.inFlight.add(run);
  }

  /** Resolves once every dispatched turn has finished (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Delivers a bot or agent activity proactively to the Bot Framework conversation linked to
   * `activity.conversationId` (`continueConversationAsync` with the stored reference → send-to-conversation).
   * Throws `not_found` without a link, `internal` when the connector service refuses it.
   */
  async send(activity: Activity): Promise<void> {
    const links = (await this.host.store.listConversationRefs(activity.conversationId)).filter((link) => link.channel === BOTFRAMEWORK_CHANNEL);
    const link = links[links.length - 1];
    if (!link) throw new ParleyError('not_found', `conversation ${activity.conversationId} has no Bot Framework link`);
    const reference = asReference(link.ref);
    const formatted = this.format(activity, reference);
    try {
      await this.cloud.continueConversationAsync(this.options.appId ?? '', reference, async (context) => {
        // The continuation activity has a random id the SDK would reply to; a proactive message starts a new thread entry.
        context.onSendActivities(async (_ctx, activities, next) => {
          for (const sent of activities) delete sent.replyToId;
          return next();
        });
        await context.sendActivity(formatted.activity);
      });
    } catch (error) {
      this.host.logger.warn({ err: error, conversationId: activity.conversationId }, 'Bot Framework proactive delivery failed');
      throw new ParleyError('internal', `Bot Framework delivery failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private async runTurn(request: AuthenticatedRequest, incoming: BfActivity, message: InboundMessage): Promise<void> {
    const { store } = this.host;
    const reference = { ...TurnContext.getConversationReference(incoming) } as Record<string, unknown>;
    // The bot (app id) written to decides the knowledge scope of a new conversation (PARLEY_SCOPES "botframework:<app id>").
    const recipient = incoming.recipient?.id?.replace(/^\d+:/, '');
    const scope = endpointScope(this.host.endpointScopes, 'botframework', this.options.appId, recipient);
    const conversation = await conversationFor(store, { channel: BOTFRAMEWORK_CHANNEL, key: message.key, userId: message.from.id, ref: reference, scope });
    // Keep the latest reference: the service URL of a conversation can change between messages.
    await store.updateConversationRef(BOTFRAMEWORK_CHANNEL, message.key, reference);
    const activity = toParleyActivity(message, conversation.id, incoming);
    await this.cloud.processActivityDirect(request, incoming, async (context) => {
      await this.host.bot.processActivity(activity, this.sinkFor(context, asReference(reference)));
    });
  }

  /** Replies of a turn go back through the SDK's turn context, i.e. to the activity's `serviceUrl` as replies to it. */
  private sinkFor(context: TurnContext, reference: Partial<ConversationReference>): TurnSink {
    return {
      send: async (reply) => {
        await context.sendActivity(this.format(reply, reference).activity);
      },
      typing: async (on) => {
        if (!on) return; // Bot Framework typing indicators expire by themselves.
        try {
          await context.sendActivity({ type: ActivityTypes.Typing });
        } catch (error) {
          this.host.logger.warn({ err: error }, 'Bot Framework typing indicator failed');
        }
      },
    };
  }

  private format(reply: Activity, reference: Partial<ConversationReference>): FormattedReply {
    const formatted = formatReply(reply, { publicUrl: this.options.publicUrl, userId: reference.user?.id });
    if (formatted.skippedImages.length) {
      this.host.logger.warn({ images: formatted.skippedImages.length }, 'Bot Framework reply images with relative URLs skipped: set PUBLIC_URL');
    }
    return formatted;
  }
}

/** A stored conversation reference, checked enough to send with. */
function asReference(ref: Record<string, unknown>): Partial<ConversationReference> {
  const reference = ref as Partial<ConversationReference>;
  if (typeof reference.serviceUrl !== 'string' || typeof reference.conversation?.id !== 'string' || typeof reference.channelId !== 'string') {
    throw new ParleyError('internal', 'stored Bot Framework conversation reference lacks serviceUrl, channelId or conversation.id');
  }
  return reference;
}
