import { extractEntities } from './entities.js';
import { contentWords } from './text.js';
import type { ChatTurn } from './types.js';

/** The query retrieval should use for a message, and whether it was rewritten from the conversation. */
export interface RewrittenQuery {
  query: string;
  rewritten: boolean;
}

const FOLLOW_UP_START = /^(?:and|also|or|but|what about|how about|same (?:for|with)|what if|then|so|ok(?:ay)?,? (?:and|what|how))\b/i;
const ANAPHORA = /\b(?:that|this|it|those|these|them|they|one|there)\b/i;
const STANDALONE_MIN_WORDS = 5;

/**
 * Rewrites a follow-up ("and for shoes?", "how long does that take?") into a standalone query from the customer's
 * previous message, so that retrieval sees the topic: a follow-up starts like one or is short and points back
 * ("that", "it"). A new garment in the follow-up replaces the old one ("return a sweater" + "and shoes?" →
 * "return shoes"). Anything else is returned as is. Pure.
 */
export function rewriteQuery(question: string, history: readonly ChatTurn[]): RewrittenQuery {
  const text = question.trim();
  const previous = [...history].reverse().find((turn) => turn.role === 'customer' && contentWords(turn.text).length > 0)?.text;
  if (!previous) return { query: text, rewritten: false };
  const words = contentWords(text);
  const followUp = FOLLOW_UP_START.test(text) || (words.length < STANDALONE_MIN_WORDS && ANAPHORA.test(text)) || words.length <= 1;
  if (!followUp) return { query: text, rewritten: false };
  let base = previous.trim();
  const now = extractEntities(text).productType;
  const before = extractEntities(previous);
  if (now && before.productType && now !== before.productType) {
    base = base.replace(new RegExp(`\\b${before.productType}e?s?\\b`, 'i'), now);
  }
  const rest = text.replace(FOLLOW_UP_START, '').replace(/^[\s,]+/, '');
  return { query: `${base} ${rest}`.trim(), rewritten: true };
}

const PART_BREAK = /\?\s+|[,;]?\s+(?:and also|also|and|plus|as well as)\s+(?=(?:how|what|when|where|why|which|who|do|does|did|can|could|is|are|will|would|should|may)\b)/i;

/**
 * The parts of a question that asks several things ("How long do refunds take, and do you ship to Canada?" → two
 * parts), each with at least one content word; a single-topic question is one part. Pure.
 */
export function splitQuestion(question: string): string[] {
  const parts = question.split(new RegExp(PART_BREAK.source, 'gi')).map((p) => p.trim()).filter(Boolean);
  const useful = parts.filter((p) => contentWords(p).length >= 1);
  return useful.length >= 2 ? useful : [question.trim()];
}
