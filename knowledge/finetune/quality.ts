import { isHoldingReply } from '../ingest/conversations.js';

/** Why an example was left out of a fine-tuning dataset. */
export type QualityProblem = 'empty' | 'too_short' | 'too_long' | 'non_answer';

/** Limits of {@link qualityProblem}. */
export interface QualityLimits {
  /** Fewest words an answer needs; default 4. */
  minAnswerWords?: number;
  /** Most tokens an example may have (system + question + answer, with the chat format's overhead); default 4,096. */
  maxExampleTokens?: number;
}

/** Answers that hand the case on instead of answering it ("I've escalated this to our billing team"). */
const HAND_ON = /\b(i'?ve|i have|we'?ve|we have|has been|have been|i'?m|i am|i will|i'?ll|we'?ll|we will)\s+(now\s+)?(escalat|forward|pass|rais|transferr?|assign)\w*\b/i;
/** Ticket-system boilerplate with no answer in it. */
const BOILERPLATE = /^(this (ticket|case|request) (has been|was|is being) (closed|solved|resolved|merged)|(closing|closed) (this|the) (ticket|case)|(ticket|case) (closed|merged)|(see|refer to) (the )?(previous|other|linked) (ticket|case|email))\b/i;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The reason a question/answer pair makes a poor training example, or undefined when it is fine: an empty side, an
 * answer too short to teach anything, an example over the token limit, or an answer that answers nothing (greetings,
 * apologies, "let me check", requests for details — see the ingest's holding-reply detection — hand-ons such as
 * "I've escalated this", and ticket-system boilerplate).
 */
export function qualityProblem(question: string, answer: string, exampleTokens: number, limits: QualityLimits = {}): QualityProblem | undefined {
  if (!question.trim() || !answer.trim()) return 'empty';
  if ((answer.match(WORD)?.length ?? 0) < (limits.minAnswerWords ?? 4)) return 'too_short';
  if (exampleTokens > (limits.maxExampleTokens ?? 4096)) return 'too_long';
  if (isHoldingReply(answer) || handsOnOnly(answer) || BOILERPLATE.test(answer.trim())) return 'non_answer';
  return undefined;
}

/** Someone will follow up later ("they will be in touch", "we'll get back to you"). */
const FOLLOW_UP = /\b(will|'ll|shall)\s+(be in touch|get back|contact|reach out|follow up|update|email|e-mail|call)\b/i;

/** True when the answer hands the case on and says nothing else (every sentence is a hand-on, a follow-up promise or a pleasantry). */
function handsOnOnly(answer: string): boolean {
  const sentences = answer.replace(/[’‘]/g, "'").split(/(?<=[.!?…])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
  return sentences.some((s) => HAND_ON.test(s)) && sentences.every((s) => HAND_ON.test(s) || FOLLOW_UP.test(s) || isHoldingReply(s));
}
