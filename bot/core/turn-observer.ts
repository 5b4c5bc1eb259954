import type { Activity } from './activity.js';

/** How a turn ended: `done`, or `failed` (the customer got the error reply and a person was asked to help). */
export type TurnOutcome = 'done' | 'failed';

/** One chat-model call made during a turn, with its tokens and price. */
export interface ModelCall {
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** One finished turn, as {@link TurnObserver.turnEnded} sees it. */
export interface TurnEnded {
  channel: string;
  outcome: TurnOutcome;
  /** Wall-clock time of the turn (from its lease to its completion), milliseconds. */
  durationMs: number;
  /** The replies the turn made (their `action` says answer, clarify, handoff…). */
  replies: readonly Activity[];
  /** Milliseconds spent in each named stage of the pipeline (see `TurnContext.timed`). */
  stages: ReadonlyMap<string, number>;
  /** Chat-model calls made during the turn (none when the composer answered). */
  modelCalls: readonly ModelCall[];
}

/**
 * Watches turns for metrics and tracing; the bot calls it after each turn and when a reply could not be delivered.
 * Implementations must not throw and must not block (they run on the turn's path).
 */
export interface TurnObserver {
  turnEnded(turn: TurnEnded): void;
  /** A reply's delivery through `channel` failed; `status` is what the outbox row became (`failed`, `dropped`). */
  deliveryFailed(delivery: { channel: string; status: string }): void;
}
