import type { Hit } from '../knowledge/index.js';

/** Confidence thresholds of the answer / clarify / hand-off decision (0–1). */
export interface PolicyThresholds {
  /** Answer when the best match scores at least this. */
  answer: number;
  /** Ask a clarifying question when the best match scores at least this (and below `answer`). */
  clarify: number;
}

/** What the bot should do with a question, and why. */
export type Decision =
  | { action: 'answer'; hit: Hit; confidence: number }
  | { action: 'clarify'; options: Hit[]; confidence: number }
  | { action: 'handoff'; reason: 'low_confidence' | 'no_match'; confidence: number };

/** Most options a clarifying question offers. */
const MAX_OPTIONS = 3;

/**
 * Decides from retrieval hits (best first): answer with the best ticket, offer the distinct candidate answers as a
 * clarifying question, or hand off. Pure.
 */
export function decide(hits: readonly Hit[], thresholds: PolicyThresholds): Decision {
  const best = hits[0];
  if (!best) return { action: 'handoff', reason: 'no_match', confidence: 0 };
  if (best.score >= thresholds.answer) return { action: 'answer', hit: best, confidence: best.score };
  if (best.score >= thresholds.clarify) {
    const seen = new Set<string>();
    const options = hits.filter((hit) => {
      if (hit.score < thresholds.clarify || seen.has(hit.ticket.answer)) return false;
      seen.add(hit.ticket.answer);
      return true;
    });
    return { action: 'clarify', options: options.slice(0, MAX_OPTIONS), confidence: best.score };
  }
  return { action: 'handoff', reason: 'low_confidence', confidence: best.score };
}
