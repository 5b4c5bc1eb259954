import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Activity } from './activity.js';
import { markDeliveryFailed } from './delivery.js';
import { asParleyError, isStoreUnavailable, ParleyError } from './errors.js';
import { handoff } from './handoff.js';
import { recordAccepted, type RecordOptions, type RecordResult } from './record-inbound.js';
import { InProcessLock, type KeyedLock } from './locks.js';
import { silentLogger, type Logger } from './logger.js';
import { withLogContext } from './log-context.js';
import { runMiddleware, type Middleware, type TurnHandler } from './middleware.js';
import type { KeptMessageRunner, TurnSpool } from './spool.js';
import type { InboxReceipt, Store, TurnLease } from './store.js';
import { TurnContext, type TurnSink } from './turn-context.js';
import type { TurnObserver, TurnOutcome } from './turn-observer.js';

/** What a turn produced. A duplicate delivery returns the replies of the first one without running again. */
export interface TurnResult {
  duplicate: boolean;
  replies: Activity[];
  /** The turn's inbox row (its replies are the outbox rows of this id). */
  inboxId?: string;
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
  /** This process's name as a turn's lease owner; default host name, pid and a random suffix. */
  instanceId?: string;
  /** How long a turn's lease lasts without a heartbeat (ms); default 10 s. A dead process's turn is run again after it. */
  leaseMs?: number;
  /** Runs of one turn (first run and re-runs after crashes) before it is answered as failed; default 3. */
  maxTurnAttempts?: number;
  /** How long a re-sent message waits for a turn running elsewhere before giving up with `turn_busy` (ms); default 120 s. */
  waitMs?: number;
  /** Keeps messages that arrive while the store is unavailable and runs them later; default none (the error is thrown). */
  spool?: TurnSpool;
  /** Told about every finished turn and failed delivery (metrics); default none. */
  observer?: TurnObserver;
}

const DEFAULT_ERROR_TEXT = "Sorry, something went wrong on our side. I've asked a person from our team to take a look and reply here.";
/** How often a caller waiting for a turn that runs elsewhere looks at its inbox row (ms). */
const WAIT_POLL_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs turns: durable inbox (idempotent, written before the channel is acknowledged) → per-conversation lock → lease
 * on the inbox row → middleware → handler, with one error boundary that answers the customer politely, hands the
 * conversation to a person and logs the fault.
 *
 * Channels call {@link accept} before they acknowledge a message and {@link run} after ({@link processActivity} does
 * both). A turn holds a lease on its inbox row, renewed while it runs; a turn whose process died is run again by
 * whoever finds its lease expired (the server's recovery loop, or the same message re-sent).
 */
export class Bot {
  /** This process's lease owner id. */
  readonly instanceId: string;
  private readonly middleware: Middleware[];
  private readonly lock: KeyedLock;
  private readonly logger: Logger;
  private readonly leaseMs: number;
  /** Turns this process is running now (see {@link drain}). */
  private readonly running = new Set<Promise<unknown>>();
  /** Receipts of messages claimed as {@link accept} stored them, and when (performance clock): {@link run} uses the claim. */
  private readonly claimedAtAccept = new WeakMap<InboxReceipt, number>();

  constructor(private readonly options: BotOptions) {
    this.middleware = [...(options.middleware ?? [])];
    this.lock = options.lock ?? new InProcessLock();
    this.logger = options.logger ?? silentLogger;
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.leaseMs = options.leaseMs ?? 10_000;
  }

  /** Adds middleware to the end of the chain. */
  use(...middleware: Middleware[]): this {
    this.middleware.push(...middleware);
    return this;
  }

  /**
   * Processes one inbound customer activity: {@link accept}, then {@link run}. Its conversation must exist
   * (`conversation_not_found` otherwise). Replies are stored in the outbox and transcript, then passed to `sink`.
   */
  async processActivity(activity: Activity, sink?: TurnSink): Promise<TurnResult> {
    try {
      return await this.run(activity, sink, await this.accept(activity, { claim: true }));
    } catch (error) {
      // Accepted or not, a message whose turn the store's outage cut short is kept and answered once it is back.
      return this.keepWhileUnavailable(activity, sink, error);
    }
  }

  /**
   * When `error` says the store is unavailable and a spool is configured: keeps `activity` in the spool, tells the
   * customer through `sink` that it is saved, and returns that notice (its answer follows once the store is back).
   * Any other error, or no spool, is thrown again. For channels that call {@link accept} and {@link run} themselves.
   */
  async keepWhileUnavailable(activity: Activity, sink: TurnSink | undefined, error: unknown): Promise<TurnResult> {
    const { spool } = this.options;
    if (!spool || !isStoreUnavailable(error)) throw error;
    return spool.keep(activity, sink, error);
  }

  /**
   * Registers how the spool runs kept messages of `channel` (see {@link TurnSpool.runKeptWith}); nothing without a
   * spool. For channels whose conversation is found by the sender's address, which needs the store.
   */
  runKeptWith(channel: string, run: KeptMessageRunner): void {
    this.options.spool?.runKeptWith?.(channel, run);
  }

  /**
   * Stores an inbound customer activity durably (inbox row and transcript entry, atomically): call it before the
   * channel acknowledges the message. Idempotent on (channel, channelMessageId). `options.claim` (default false): the
   * caller passes the receipt to {@link run} right away, so the message is claimed for this process in the same write
   * when nothing else of its conversation is unfinished (one write fewer per turn; see `Store.acceptInbound`).
   */
  async accept(activity: Activity, options: { claim?: boolean } = {}): Promise<InboxReceipt> {
    // Messages of this conversation kept while the store was unavailable run first, so order holds.
    await this.options.spool?.before(activity);
    // The store refuses a message of a conversation that does not exist (`conversation_not_found`).
    if (!options.claim) return this.options.store.acceptInbound(activity);
    const receipt = await this.options.store.acceptInbound(activity, this.lease());
    if (receipt.claimedAttempts !== undefined) this.claimedAtAccept.set(receipt, performance.now());
    return receipt;
  }

  /**
   * The claim {@link accept} took for `receipt`, once: as it is while less than half the lease has passed since, else
   * renewed (undefined when that fails: the lease expired and the usual claim decides).
   */
  private async claimTakenAtAccept(receipt: InboxReceipt): Promise<{ attempts: number } | undefined> {
    const at = this.claimedAtAccept.get(receipt);
    if (at === undefined || receipt.claimedAttempts === undefined) return undefined;
    this.claimedAtAccept.delete(receipt);
    const claim = { attempts: receipt.claimedAttempts };
    if (performance.now() - at < this.leaseMs / 2) return claim;
    return (await this.options.store.renewInboundLease(receipt.inboxId, this.lease())) ? claim : undefined;
  }

  /**
   * Records an inbound activity that starts no turn — a compliance keyword (STOP, HELP), an automated e-mail, a
   * message the channel answers with a fixed notice — with the same bookkeeping as a turn: {@link accept} (inbox row
   * and transcript entry, idempotent on (channel, channelMessageId), kept messages of the conversation first), then,
   * under the conversation lock and an inbox lease, `onFirstDelivery`, the `notice` (outbox and transcript, then
   * `sink`), and the inbox row ended as done. The pipeline (middleware, handler) does not run. A redelivery records,
   * runs and sends nothing again and returns the notice stored the first time with `duplicate: true`.
   */
  async record(activity: Activity, options: RecordOptions = {}): Promise<RecordResult> {
    const recorded: Activity = { ...activity, recordOnly: true };
    const receipt = await this.accept(recorded);
    return recordAccepted({ store: this.options.store, lock: this.lock, logger: this.logger, instanceId: this.instanceId }, recorded, receipt, options);
  }

  /**
   * Runs the turn of an accepted activity (`accepted`: what {@link accept} returned; looked up, or accepted now, when
   * left out), or, when its turn already ran (a re-sent message), returns the stored replies with `duplicate: true`
   * without calling `sink`. A turn still running elsewhere (another process, or a dead one whose lease has not
   * expired yet) is waited for; when its lease expires, this call runs it again.
   */
  async run(activity: Activity, sink?: TurnSink, accepted?: InboxReceipt): Promise<TurnResult> {
    // A message stored by `record` (found unfinished after a crash) is recorded again, never answered by a turn.
    if (activity.recordOnly) return this.record(activity);
    const { store } = this.options;
    const channelMessageId = activity.channelMessageId ?? activity.id;
    const deadline = Date.now() + (this.options.waitMs ?? 120_000);
    for (;;) {
      const result = await this.lock.run(activity.conversationId, async (): Promise<TurnResult | undefined> => {
        const receipt = accepted ?? (accepted = await store.acceptInbound(activity));
        const claim = (await this.claimTakenAtAccept(receipt)) ?? (await store.claimInbound(receipt.inboxId, this.lease()));
        if (claim) {
          // A re-sent message runs as the activity first stored (its transcript entry), so replies point at it.
          const first = receipt.activityId && receipt.activityId !== activity.id ? { ...activity, id: receipt.activityId } : activity;
          return this.runLeased(first, receipt.inboxId, claim.attempts, sink);
        }
        const state = await store.getInbound(receipt.inboxId);
        if (!state) throw new ParleyError('conversation_not_found', `conversation ${activity.conversationId} was deleted`);
        if (state.status === 'done' || state.status === 'failed') return this.storedReplies(receipt.inboxId);
        return undefined;
      });
      if (result) return result;
      // Leased by someone else: wait outside the conversation lock, so other work of this process is not held up.
      if (Date.now() > deadline) {
        throw new ParleyError('turn_busy', `the turn of message ${channelMessageId} is still running elsewhere; send it again later`);
      }
      await sleep(WAIT_POLL_MS);
    }
  }

  /**
   * Waits until no turn runs in this process (turns that start meanwhile are waited for too), at most `timeoutMs`;
   * true when all finished. For graceful shutdown: a turn cut short is run again by the next process (its lease
   * expires), so the timeout only costs a later answer, never a lost one.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.running]), new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
    return true;
  }

  /**
   * Ends the turn fenced by this run's claim (a run whose lease another process took over does not end it), in one
   * transaction with its last writes: the replies delivered during the turn marked sent, and its dialog state.
   */
  private async complete(ctx: TurnContext, inboxId: string, attempts: number, sent: readonly string[], status: 'done' | 'failed', error?: string): Promise<void> {
    const dialogState = ctx.dialogStateToSave ? { conversationId: ctx.conversation.id, state: ctx.dialogStateToSave.state } : undefined;
    const fence = { owner: this.instanceId, attempts };
    const ended = await this.options.store.finishTurn({ inboxId, status, fence, sent, ...(error === undefined ? {} : { error }), ...(dialogState ? { dialogState } : {}) });
    if (!ended) this.logger.warn({ inboxId, attempts }, 'turn lease was taken over by another run: this run does not end the turn');
  }

  private lease(): TurnLease {
    return { owner: this.instanceId, ttlMs: this.leaseMs };
  }

  private async storedReplies(inboxId: string): Promise<TurnResult> {
    const outbound = await this.options.store.listOutboundFor(inboxId);
    return { duplicate: true, replies: outbound.map((o) => o.activity), inboxId };
  }

  /** Runs a turn whose lease this process holds, renewing the lease until it ends. */
  private async runLeased(activity: Activity, inboxId: string, attempts: number, sink: TurnSink | undefined): Promise<TurnResult> {
    const heartbeat = setInterval(() => {
      this.options.store.renewInboundLease(inboxId, this.lease()).then(
        (held) => {
          if (!held) this.logger.warn({ inboxId }, 'turn lease lost to another process; its replies are not recorded twice');
        },
        (error: unknown) => this.logger.warn({ err: error, inboxId }, 'turn lease renewal failed'),
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    // Every log entry of the turn names it (see withLogContext).
    const turn = withLogContext({ turnId: inboxId, conversationId: activity.conversationId, channel: activity.channel }, () => this.runTurn(activity, inboxId, attempts, sink));
    this.running.add(turn);
    try {
      return await turn;
    } finally {
      this.running.delete(turn);
      clearInterval(heartbeat);
    }
  }

  private async runTurn(activity: Activity, inboxId: string, attempts: number, sink: TurnSink | undefined): Promise<TurnResult> {
    const { store } = this.options;
    let conversation = await store.getConversation(activity.conversationId);
    if (!conversation) throw new ParleyError('conversation_not_found', `conversation ${activity.conversationId} does not exist`);
    if (conversation.status === 'closed') conversation = await store.updateConversation(conversation.id, { status: 'open' });

    // Replies are numbered within their turn and recorded (outbox row + transcript entry) in one transaction,
    // idempotent on (inbox id, number). A turn run again after a crash therefore reproduces its replies by position:
    // one already recorded by the dead run is not stored again, and is sent only if it was never delivered. We chose
    // this over committing all replies with the inbox completion because replies go out as soon as they are made
    // (a handoff notice, then an answer; streamed text), and a crash after a send but before the commit would then
    // send the reply twice.
    //
    // A delivered reply is marked sent with the turn's completion (one transaction at the end, see `complete`): a
    // crash in between sends it again, under the same id, as a crash between sending and marking always could.
    let index = 0;
    const sent: string[] = [];
    const deliver = async (reply: Activity): Promise<void> => {
      const { record, duplicate } = await store.recordReply({ inboxId, index: index++, activity: reply });
      if (duplicate) ctx.replies[ctx.replies.indexOf(reply)] = record.activity;
      if (!sink || record.status === 'sent') return;
      try {
        await sink.send(record.activity);
        sent.push(record.id);
      } catch (error) {
        // The reply stays in the outbox for a later delivery attempt (unless it may never go out, e.g. the customer
        // opted out: then it is dropped for good); the turn itself succeeded.
        const status = await markDeliveryFailed(store, record.id, error);
        this.logger.warn({ err: error, outboxId: record.id, status }, 'reply delivery failed');
        this.options.observer?.deliveryFailed({ channel: record.channel, status });
      }
    };
    const ctx = new TurnContext(activity, conversation, store, deliver, sink);
    const maxAttempts = this.options.maxTurnAttempts ?? 3;
    const started = performance.now();
    let outcome: TurnOutcome = 'done';
    let typingOff = false;
    try {
      // A turn that took its process down this many times is not tried again: the customer is told and a person helps.
      if (attempts > maxAttempts) throw new ParleyError('internal', `the turn was started ${attempts - 1} times without finishing`);
      await runMiddleware(this.middleware, ctx, this.options.handler);
      // The typing indicator goes off right after the last reply, not after the turn's last commit.
      typingOff = true;
      await ctx.typing(false).catch(() => undefined);
      await this.complete(ctx, inboxId, attempts, sent, 'done');
    } catch (error) {
      // Not the turn's fault: the spool keeps the message and runs the turn again when the store is back.
      if (isStoreUnavailable(error)) throw error;
      const err = asParleyError(error);
      this.logger.error({ err, code: err.code, conversationId: activity.conversationId }, 'turn failed');
      outcome = 'failed';
      await this.answerAfterFailure(ctx);
      await this.complete(ctx, inboxId, attempts, sent, 'failed', err.message);
    } finally {
      if (!typingOff) await ctx.typing(false).catch(() => undefined);
    }
    // No CPU time per turn: turns interleave at every await, so the process's CPU during one turn counts the others'
    // too (CPU per turn is the process's CPU over the turns run, see docs/operations.md).
    this.options.observer?.turnEnded({
      channel: activity.channel,
      outcome,
      durationMs: performance.now() - started,
      replies: ctx.replies,
      stages: ctx.stageMs,
      modelCalls: ctx.modelCalls,
    });
    return { duplicate: false, replies: ctx.replies, inboxId };
  }

  private async answerAfterFailure(ctx: TurnContext): Promise<void> {
    try {
      await handoff.request(ctx, 'error', { reply: { text: this.options.errorText ?? DEFAULT_ERROR_TEXT } });
    } catch (error) {
      this.logger.error({ err: error }, 'could not answer after a failed turn');
    }
  }
}
