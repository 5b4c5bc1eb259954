import type { Activity } from './activity.js';
import { asParleyError, isStoreUnavailable, ParleyError } from './errors.js';
import { InProcessLock, type KeyedLock } from './locks.js';
import { silentLogger, type Logger } from './logger.js';
import { runMiddleware, type Middleware, type TurnHandler } from './middleware.js';
import type { TurnSpool } from './spool.js';
import type { Store } from './store.js';
import { TurnContext, type TurnSink } from './turn-context.js';

/** What a turn produced. A duplicate delivery returns the replies of the first one without running again. */
export interface TurnResult {
  duplicate: boolean;
  replies: Activity[];
}

/** Options of {@link Bot}. */
export interface BotOptions {
  store: Store;
  /** The last step of every turn (dialog engine / support router). */
  handler: TurnHandler;
  middleware?: Middleware[];
  /** Per-conversation lock; default in-process. */
  lock?: KeyedLock;
  logger?: Logger;
  /** Text sent when a turn fails; default apologises and says a person will help. */
  errorText?: string;
  /** Keeps messages that arrive while the store is unavailable and runs them later; default none (the error is thrown). */
  spool?: TurnSpool;
}

const DEFAULT_ERROR_TEXT = "Sorry, something went wrong on our side. I've asked a person from our team to take a look and reply here.";

/**
 * Runs turns: durable inbox (idempotent) → per-conversation lock → transcript → middleware → handler, with one
 * error boundary that answers the customer politely, hands the conversation to a person and logs the fault.
 */
export class Bot {
  private readonly middleware: Middleware[];
  private readonly lock: KeyedLock;
  private readonly logger: Logger;

  constructor(private readonly options: BotOptions) {
    this.middleware = [...(options.middleware ?? [])];
    this.lock = options.lock ?? new InProcessLock();
    this.logger = options.logger ?? silentLogger;
  }

  /** Adds middleware to the end of the chain. */
  use(...middleware: Middleware[]): this {
    this.middleware.push(...middleware);
    return this;
  }

  /**
   * Processes one inbound customer activity. Its conversation must exist (`conversation_not_found` otherwise).
   * Replies are stored in the outbox and transcript, then passed to `sink` when given.
   */
  async processActivity(activity: Activity, sink?: TurnSink): Promise<TurnResult> {
    const { spool } = this.options;
    if (!spool) return this.accept(activity, sink);
    try {
      await spool.before(activity);
      return await this.accept(activity, sink);
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      return spool.keep(activity, sink, error);
    }
  }

  private async accept(activity: Activity, sink?: TurnSink): Promise<TurnResult> {
    const { store } = this.options;
    const conversation = await store.getConversation(activity.conversationId);
    if (!conversation) throw new ParleyError('conversation_not_found', `conversation ${activity.conversationId} does not exist`);
    // Receive under the lock: a redelivery must queue behind the first delivery's turn, even when its own inbox
    // write returns first, so that it answers with what the first delivery produced.
    return this.lock.run(activity.conversationId, async () => {
      const receipt = await store.receiveInbound(activity);
      if (!receipt.duplicate) return this.runTurn(activity, receipt.inboxId, sink);
      const outbound = await store.listOutboundFor(receipt.inboxId);
      // Under the lock no turn of this conversation runs: one still "processing" ended without finishing (the store
      // went away mid-turn). Without replies it runs again; with some, they are its answer and reach the transcript.
      if (receipt.status === 'processing') {
        if (outbound.length === 0) return this.runTurn(activity, receipt.inboxId, sink);
        for (const record of outbound) await store.appendMessage(record.activity);
        await store.completeInbound(receipt.inboxId, 'done');
      }
      return { duplicate: true, replies: outbound.map((o) => o.activity) };
    });
  }

  private async runTurn(activity: Activity, inboxId: string, sink: TurnSink | undefined): Promise<TurnResult> {
    const { store } = this.options;
    let conversation = await store.getConversation(activity.conversationId);
    if (!conversation) throw new ParleyError('conversation_not_found', `conversation ${activity.conversationId} does not exist`);
    if (conversation.status === 'closed') conversation = await store.updateConversation(conversation.id, { status: 'open' });
    await store.appendMessage(activity);

    const deliver = async (reply: Activity): Promise<void> => {
      const outbox = await store.enqueueOutbound({ inboxId, activity: reply });
      await store.appendMessage(reply);
      if (!sink) return;
      try {
        await sink.send(reply);
        await store.markOutbound(outbox.id, 'sent');
      } catch (error) {
        // The reply stays in the outbox for a later delivery attempt; the turn itself succeeded.
        this.logger.warn({ err: error, outboxId: outbox.id }, 'reply delivery failed');
        await store.markOutbound(outbox.id, 'failed', asParleyError(error).message);
      }
    };
    const ctx = new TurnContext(activity, conversation, store, deliver, sink);
    try {
      await runMiddleware(this.middleware, ctx, this.options.handler);
      await store.completeInbound(inboxId, 'done');
    } catch (error) {
      // Not the turn's fault: the spool keeps the message and runs the turn again when the store is back.
      if (isStoreUnavailable(error)) throw error;
      const err = asParleyError(error);
      this.logger.error({ err, code: err.code, conversationId: activity.conversationId }, 'turn failed');
      await this.answerAfterFailure(ctx);
      await store.completeInbound(inboxId, 'failed', err.message);
    } finally {
      await ctx.typing(false).catch(() => undefined);
    }
    return { duplicate: false, replies: ctx.replies };
  }

  private async answerAfterFailure(ctx: TurnContext): Promise<void> {
    try {
      await ctx.requestHuman('error');
      await ctx.send({ text: this.options.errorText ?? DEFAULT_ERROR_TEXT, action: 'handoff', handoff: { reason: 'error' } });
    } catch (error) {
      this.logger.error({ err: error }, 'could not answer after a failed turn');
    }
  }
}
