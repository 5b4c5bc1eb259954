import type { Hit, Retrieval } from '../knowledge/index.js';

/** Confidence thresholds of the answer / clarify / hand-off decision (0–1). */
export interface PolicyThresholds {
  /** Answer when the best match scores at least this. */
  answer: number;
  /** Ask a clarifying question when the best match scores at least this (and below `answer`). */
  clarify: number;
  /**
   * True: `answer` applies as given. Otherwise the threshold the knowledge version selected for the precision target
   * ({@link Retrieval.answerThreshold}) applies when it has one, and the clarify band ends there. Default false.
   */
  fixed?: boolean;
}

/** What the bot should do with a question, and why. */
export type Decision =
  | { action: 'answer'; hit: Hit; confidence: number }
  | { action: 'clarify'; options: Hit[]; confidence: number }
  | { action: 'handoff'; reason: 'low_confidence' | 'no_match' | 'out_of_scope'; confidence: number };

/** Most options a clarifying question offers. */
const MAX_OPTIONS = 3;

/**
 * Decides from a retrieval: hand off out-of-scope questions, answer with the best ticket when confident enough,
 * offer the distinct candidate answers as a clarifying question in the middle band, hand off below it. The answer
 * threshold is the one selected for the precision target on held-out tickets unless `thresholds.fixed`. Pure.
 */
export function decide(retrieval: Retrieval, thresholds: PolicyThresholds): Decision {
  const { hits, confidence } = retrieval;
  const best = hits[0];
  if (!best) return { action: 'handoff', reason: 'no_match', confidence: 0 };
  if (retrieval.outOfScope) return { action: 'handoff', reason: 'out_of_scope', confidence };
  const answerAt = !thresholds.fixed && retrieval.answerThreshold !== undefined ? retrieval.answerThreshold : thresholds.answer;
  if (confidence >= answerAt) return { action: 'answer', hit: best, confidence };
  if (confidence >= Math.min(thresholds.clarify, answerAt)) {
    const seen = new Set<string>();
    const options = hits.filter((hit) => {
      if (seen.has(hit.ticket.answer)) return false;
      seen.add(hit.ticket.answer);
      return true;
    });
    return { action: 'clarify', options: options.slice(0, MAX_OPTIONS), confidence };
  }
  return { action: 'handoff', reason: 'low_confidence', confidence };
}
