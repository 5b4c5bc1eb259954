import {
  isStoreUnavailable,
  newId,
  ParleyError,
  silentLogger,
  type Activity,
  type KeptMessageRunner,
  type Logger,
  type TurnResult,
  type TurnSink,
  type TurnSpool,
} from '../core/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { InboundJournal, journalKey } from './inbound-journal.js';
import { LOCAL_ORDER, type SpoolOrder } from './spool-order.js';

/** Conversations whose kept messages run at the same time while draining. */
const DRAIN_CONCURRENCY = 8;
/** How often a new message waiting behind another instance's kept ones looks again (ms). */
const ORDER_POLL_MS = 100;

/** How a pass over a conversation's kept messages ended: all ran, the store is still down, or earlier ones wait elsewhere. */
type PassResult = 'ran' | 'unavailable' | 'waiting';

/** What the customer reads when their message was kept while the database was unavailable. */
export const SAVED_NOTICE_TEXT = "We're having trouble on our side right now, but your message is saved. We'll answer here as soon as we can.";

/** Options of {@link InboundSpool}. */
export interface InboundSpoolOptions {
  /** Folder of the journal (`<PARLEY_HOME>/spool`). */
  dir: string;
  logger?: Logger;
  /** How often kept messages are retried while some wait (ms); default 1,000. The store's reconnection also wakes it. */
  retryIntervalMs?: number;
  /** The notice's text; default {@link SAVED_NOTICE_TEXT}. */
  noticeText?: string;
  /**
   * The order shared with other instances on the same database (a {@link RedisSpoolOrder} with `REDIS_URL`); default
   * this journal's own order ({@link LOCAL_ORDER}).
   */
  order?: SpoolOrder;
  /**
   * Longest wait of a new message behind a conversation's messages kept on another instance (ms), default 5,000;
   * then it is kept too, after them.
   */
  waitElsewhereMs?: number;
  /**
   * Checks that the store answers (`Store.ping`): a new message waits behind another instance's kept messages only
   * while it does (during the outage no instance can run them, so it is kept after them at once). Default: assumed up.
   */
  ping?: () => Promise<void>;
}

/** How the spool runs a kept message's turn and reaches its customer later; given by the server on start. */
export interface SpoolRunner {
  /** Runs a turn (the bot's `processActivity`). */
  process(activity: Activity, sink: TurnSink): Promise<TurnResult>;
  /** Where the replies of a kept message's turn go (the channel's own delivery). */
  sinkFor(activity: Activity): TurnSink;
}

/**
 * The server's {@link TurnSpool}: a message that arrives while the store is unavailable is appended to a local
 * {@link InboundJournal} (fsynced), acknowledged, and answered with a short "your message is saved" notice straight
 * through the channel (the database outbox is down too). A drainer retries every second and when the store
 * reconnects: each kept message goes through the bot like any message (durable inbox, idempotent on the channel's
 * message id, so a copy the customer re-sent meanwhile runs once) and its replies reach the customer through the
 * channel. Kept messages of a conversation run before its next message, in the order they came — across instances
 * too, with a shared {@link SpoolOrder}.
 */
export class InboundSpool implements TurnSpool {
  private readonly journal: InboundJournal;
  private readonly logger: Logger;
  private runner: SpoolRunner | undefined;
  private draining: Promise<void> | undefined;
  private readonly byConversation = new Map<string, Promise<PassResult>>();
  private readonly order: SpoolOrder;
  private readonly running = new Set<string>();
  /** Sinks of the drainer's own turns: a turn that finds the store down again stays kept (no second notice). */
  private readonly drainerSinks = new WeakSet<TurnSink>();
  private timer: NodeJS.Timeout | undefined;
  /** Channels whose kept messages run their own way (they find their conversation first). */
  private readonly channelRunners = new Map<string, KeptMessageRunner>();

  constructor(private readonly options: InboundSpoolOptions) {
    this.journal = new InboundJournal(options.dir);
    this.logger = options.logger ?? silentLogger;
    this.order = options.order ?? LOCAL_ORDER;
  }

  /** Messages kept and not yet run. */
  get size(): number {
    return this.journal.entries().length;
  }

  /** Loads what an earlier process kept and starts draining through `runner`. */
  async start(runner: SpoolRunner): Promise<this> {
    await this.journal.load();
    await this.order.start();
    // Kept before a restart: their places in the shared order stay (or are taken now, when Redis lost them).
    for (const entry of this.journal.entries()) await this.order.kept(this.orderKeyOf(entry.activity), entry.key);
    this.runner = runner;
    if (this.size) this.logger.info({ kept: this.size }, 'messages kept while the database was unavailable will run now');
    this.timer = setInterval(() => void this.drain(), this.options.retryIntervalMs ?? 1_000);
    this.timer.unref();
    void this.drain();
    return this;
  }

  /** Stops draining (a running pass finishes) and closes the journal. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.runner = undefined;
    await this.draining;
    await this.journal.close();
    await this.order.stop();
  }

  async before(activity: Activity): Promise<void> {
    // The drainer running this very message, or a copy the customer re-sent meanwhile (the inbox runs it once).
    if (this.running.has(journalKey(activity))) return;
    const deadline = Date.now() + (this.options.waitElsewhereMs ?? 5_000);
    for (;;) {
      const earlier = await this.runEarlier(activity);
      // Still waiting (the store is down again): this message waits behind them.
      if (earlier === 'unavailable') throw new ParleyError('store_unavailable', 'earlier messages of this conversation wait for the database');
      if (earlier === 'ran' && !(await this.order.earlierElsewhere(this.orderKeyOf(activity)))) return;
      // Another instance runs its kept messages of this conversation first; if that takes too long, or cannot happen
      // yet (the store is still down), this one is kept after them.
      if (Date.now() >= deadline || !(await this.storeAnswers())) throw new ParleyError('store_unavailable', 'earlier messages of this conversation wait on another instance');
      await sleep(ORDER_POLL_MS);
    }
  }

  /**
   * Runs this journal's kept messages of `activity`'s conversation; so the sender's kept on a channel that finds its
   * conversation when they run (kept before it could be looked up, they are not under this conversation's id yet).
   */
  private async runEarlier(activity: Activity): Promise<PassResult> {
    const ownRunner = this.channelRunners.has(activity.channel);
    const earlier = new Set(
      this.journal
        .entries()
        .filter(({ activity: kept }) => kept.conversationId === activity.conversationId || (ownRunner && kept.channel === activity.channel && kept.from.id === activity.from.id))
        .map(({ activity: kept }) => kept.conversationId),
    );
    let result: PassResult = 'ran';
    for (const conversationId of earlier) {
      const pass = await this.drainConversation(conversationId);
      if (pass === 'unavailable') return pass;
      if (pass === 'waiting') result = pass;
    }
    return result;
  }

  private async storeAnswers(): Promise<boolean> {
    const { ping } = this.options;
    return ping ? ping().then(() => true, () => false) : true;
  }

  /** The key of `activity`'s place in the shared order: its sender on channels that find the conversation later. */
  private orderKeyOf(activity: Activity): string {
    return this.channelRunners.has(activity.channel) ? `sender:${activity.channel}:${activity.from.id}` : `conversation:${activity.conversationId}`;
  }

  runKeptWith(channel: string, run: KeptMessageRunner): void {
    this.channelRunners.set(channel, run);
  }

  async keep(activity: Activity, sink: TurnSink | undefined, error: unknown): Promise<TurnResult> {
    if (sink && this.drainerSinks.has(sink)) throw error;
    // A copy redelivered while the store is still down is kept once and not told twice.
    const again = this.journal.entries().some((entry) => entry.key === journalKey(activity));
    try {
      await this.journal.keep(activity);
    } catch (journalError) {
      this.logger.error({ err: journalError, conversationId: activity.conversationId }, 'could not keep a message while the database was unavailable');
      throw error;
    }
    if (!again) await this.order.kept(this.orderKeyOf(activity), journalKey(activity));
    this.logger.warn({ conversationId: activity.conversationId, channel: activity.channel, kept: this.size }, 'database unavailable; message kept in the local journal');
    const notice: Activity = {
      id: newId('act'),
      type: 'message',
      channel: activity.channel,
      conversationId: activity.conversationId,
      from: { id: 'parley', role: 'bot' },
      text: this.options.noticeText ?? SAVED_NOTICE_TEXT,
      timestamp: new Date().toISOString(),
      action: 'answer',
      replyToId: activity.id,
      pending: true,
    };
    if (!again) await sink?.send(notice).catch((sendError: unknown) => this.logger.warn({ err: sendError }, 'could not send the "message saved" notice'));
    return { duplicate: false, replies: [notice] };
  }

  /** Runs kept messages, each conversation's in order, until the store is found unavailable; one pass at a time. */
  drain(): Promise<void> {
    if (!this.runner || !this.size) return Promise.resolve();
    // A failing pass (the journal's disk) is logged and retried on the next tick; it never rejects into a timer.
    this.draining ??= this.drainAll()
      .catch((error: unknown) => this.logger.error({ err: error }, 'draining kept messages failed'))
      .finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainAll(): Promise<void> {
    const before = this.size;
    const conversations = [...new Set(this.journal.entries().map((entry) => entry.activity.conversationId))];
    const workers = Array.from({ length: Math.min(DRAIN_CONCURRENCY, conversations.length) }, async () => {
      for (let next = conversations.shift(); next !== undefined; next = conversations.shift()) {
        if ((await this.drainConversation(next)) === 'unavailable') return;
      }
    });
    await Promise.all(workers);
    const ran = before - this.size;
    if (ran > 0) this.logger.info({ ran, left: this.size }, 'messages kept while the database was unavailable have run');
  }

  /**
   * Runs one conversation's kept messages in order, each once no earlier one waits on another instance; stops at the
   * first that must wait, or when the store is still unavailable. One pass per conversation at a time.
   */
  private drainConversation(conversationId: string): Promise<PassResult> {
    let pass = this.byConversation.get(conversationId);
    if (!pass) {
      pass = this.runConversation(conversationId).finally(() => this.byConversation.delete(conversationId));
      this.byConversation.set(conversationId, pass);
    }
    return pass;
  }

  private async deliver(replies: Activity[], sink: TurnSink): Promise<void> {
    for (const reply of replies) {
      await sink.send(reply).catch((error: unknown) => this.logger.warn({ err: error, conversationId: reply.conversationId }, 'a kept message\'s reply could not be delivered'));
    }
  }

  private async runTurn(activity: Activity, runner: SpoolRunner): Promise<void> {
    const sink = runner.sinkFor(activity);
    this.drainerSinks.add(sink);
    const result = await runner.process(activity, sink);
    // Replies stored before the store went away mid-turn come back as a duplicate's: they still go out.
    if (result.duplicate) await this.deliver(result.replies, sink);
  }

  private async runConversation(conversationId: string): Promise<PassResult> {
    for (const entry of this.journal.entries().filter((e) => e.activity.conversationId === conversationId)) {
      const runner = this.runner;
      if (!runner) return 'unavailable';
      const orderKey = this.orderKeyOf(entry.activity);
      if (await this.order.earlierElsewhere(orderKey, entry.key)) return 'waiting';
      this.running.add(entry.key);
      try {
        const own = this.channelRunners.get(entry.activity.channel);
        if (own) await own(entry.activity);
        else await this.runTurn(entry.activity, runner);
      } catch (error) {
        if (isStoreUnavailable(error)) return 'unavailable';
        // Not something waiting can fix (the conversation was erased, a fault): logged, not retried forever.
        this.logger.error({ err: error, conversationId }, 'a kept message could not be run; dropped');
      } finally {
        this.running.delete(entry.key);
      }
      await this.journal.done(entry.key);
      await this.order.done(orderKey, entry.key);
    }
    return 'ran';
  }
}
