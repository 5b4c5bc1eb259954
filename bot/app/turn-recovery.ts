import type { Activity, Bot, Logger, Store, TurnSink } from '../core/index.js';

/** Runs an accepted inbound activity's turn again, delivering its replies the way its channel does. */
export type TurnResume = (activity: Activity) => Promise<void>;

/** Options of {@link TurnRecovery}. */
export interface TurnRecoveryOptions {
  bot: Bot;
  store: Store;
  logger: Logger;
  /**
   * How a channel runs an accepted message again (e.g. Twilio fetches media and handles STOP first). Channels without
   * one are run through `bot.run` with `sink(channel)` (or none: the replies stay in the outbox for the customer's
   * re-send or the outbox worker).
   */
  resume?: (channel: string) => TurnResume | undefined;
  /** Where the replies of a re-run turn go on channels without their own `resume`. */
  sink?: (channel: string) => TurnSink | undefined;
  /** How often to look for turns to run again (ms); default 5 s. */
  intervalMs?: number;
  /** An accepted message younger than this is still being started by the request that took it (ms); default 5 s. */
  acceptGraceMs?: number;
  /** Rows looked at per pass; default 200. */
  batch?: number;
}

/**
 * The recovery loop: at start and then periodically, runs again the turns a dead process left behind — inbound
 * messages accepted but never started, and turns whose lease expired (their process stopped renewing it). Turns of
 * one conversation are run in the order they were received; conversations in parallel. A turn run again records
 * only the replies the dead run had not recorded (see `Bot`), so the customer gets each reply once.
 */
export class TurnRecovery {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly options: TurnRecoveryOptions) {}

  /** Runs a first pass now and starts periodic passes. */
  start(): this {
    void this.pass();
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs ?? 5_000);
    this.timer.unref();
    return this;
  }

  /** One pass; returns how many turns were run again (or found finished meanwhile). Never throws. */
  pass(): Promise<number> {
    this.running ??= this.recover()
      .catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'turn recovery pass failed');
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async recover(): Promise<number> {
    const { store, logger } = this.options;
    const acceptedBefore = new Date(Date.now() - (this.options.acceptGraceMs ?? 5_000)).toISOString();
    const rows = await store.listRecoverableInbound({ acceptedBefore, limit: this.options.batch ?? 200 });
    if (!rows.length) return 0;
    logger.info({ turns: rows.length }, 'running unfinished turns again');
    const byConversation = new Map<string, Activity[]>();
    for (const row of rows) {
      const list = byConversation.get(row.activity.conversationId) ?? [];
      list.push(row.activity);
      byConversation.set(row.activity.conversationId, list);
    }
    let recovered = 0;
    await Promise.all(
      [...byConversation.values()].map(async (activities) => {
        for (const activity of activities) {
          try {
            await this.resume(activity);
            recovered++;
          } catch (error) {
            logger.error({ err: error, conversationId: activity.conversationId, activityId: activity.id }, 'could not run an unfinished turn again');
          }
        }
      }),
    );
    return recovered;
  }

  private async resume(activity: Activity): Promise<void> {
    const custom = this.options.resume?.(activity.channel);
    if (custom) return custom(activity);
    await this.options.bot.run(activity, this.options.sink?.(activity.channel));
  }

  /** Stops passes and waits for a running one. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
