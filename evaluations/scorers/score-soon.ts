import type { JobRunner, Logger, TurnEnded, TurnObserver } from '../../bot/core/index.js';

/** The job queue of scoring passes started by answers (each pass scores every conversation due). */
export const SCORING_QUEUE = 'evaluations.score';

/** Default wait between a turn with a bot reply and the scoring pass it asks for (ms). */
export const SCORE_SOON_DELAY_MS = 3_000;

/** Options of {@link ScoreSoon}. */
export interface ScoreSoonOptions {
  jobs: Pick<JobRunner, 'enqueue'>;
  logger?: Logger;
  /** The window answers are gathered in: one scoring pass per window, run at its end. Default {@link SCORE_SOON_DELAY_MS}. */
  delayMs?: number;
  /** The clock (ms since the epoch); default `Date.now`. */
  now?: () => number;
}

/**
 * Watches turns and, after each one that made a bot reply, asks for a scoring pass on {@link SCORING_QUEUE} at the
 * end of the current `delayMs` window (one job per window across every process: its deduplication key is the window; each process asks once per window),
 * so a conversation is scored seconds after its first answer rather than at the next maintenance pass. The pass
 * scores what the store says is due (answered and never scored, or closed since its score); the maintenance pass
 * still catches anything a lost job missed. Never throws and never blocks the turn.
 */
export class ScoreSoon implements Pick<TurnObserver, 'turnEnded'> {
  private readonly delayMs: number;
  /** The window this process last asked for: later answers in it add nothing (no write per turn). */
  private askedFor = -1;

  constructor(private readonly options: ScoreSoonOptions) {
    this.delayMs = Math.max(1, options.delayMs ?? SCORE_SOON_DELAY_MS);
  }

  turnEnded(turn: Pick<TurnEnded, 'replies'>): void {
    if (!turn.replies.some((reply) => reply.from.role === 'bot')) return;
    const window = Math.floor((this.options.now ?? Date.now)() / this.delayMs);
    if (window === this.askedFor) return;
    this.askedFor = window;
    this.options.jobs
      .enqueue(SCORING_QUEUE, {}, { key: `answered-${window}`, runAt: new Date((window + 1) * this.delayMs), attempts: 3 })
      .catch((error: unknown) => this.options.logger?.warn({ err: error }, 'could not ask for a scoring pass; the maintenance pass will score the conversation'));
  }
}

/** One observer that tells each of `observers` about every turn and failed delivery (in order; none may throw). */
export function allObservers(...observers: (Partial<TurnObserver> | undefined)[]): TurnObserver {
  const present = observers.filter((o): o is Partial<TurnObserver> => Boolean(o));
  return {
    turnEnded: (turn) => present.forEach((o) => o.turnEnded?.(turn)),
    deliveryFailed: (delivery) => present.forEach((o) => o.deliveryFailed?.(delivery)),
  };
}
