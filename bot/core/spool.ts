import type { Activity } from './activity.js';
import type { TurnResult } from './bot.js';
import type { TurnSink } from './turn-context.js';

/**
 * Keeps customer messages that arrive while the store is unavailable and runs their turns once it is back, so that
 * a database outage loses nothing (the server's implementation: `bot/app/inbound-spool.ts`).
 */
export interface TurnSpool {
  /** Called before each turn: turns of messages of this conversation kept earlier run first, so order holds. */
  before(activity: Activity): Promise<void>;
  /**
   * Called when the store failed with `store_unavailable` while accepting `activity`: keeps it durably, tells the
   * customer through `sink` that it is saved, and returns that notice as the turn's reply. Throws `error` when the
   * message could not be kept either.
   */
  keep(activity: Activity, sink: TurnSink | undefined, error: unknown): Promise<TurnResult>;
  /**
   * Registers how kept messages of `channel` run, instead of the bot's plain turn: for a channel that cannot find the
   * message's conversation while the store is down, so it finds or starts it (by the sender's address) when the
   * message runs. `run` throws `store_unavailable` while the store is still down (the message stays kept).
   */
  runKeptWith?(channel: string, run: KeptMessageRunner): void;
}

/** Runs one kept message of a channel once the store is back (finds its conversation, accepts it, runs its turn). */
export type KeptMessageRunner = (activity: Activity) => Promise<void>;
