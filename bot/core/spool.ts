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
}
