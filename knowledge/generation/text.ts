/** Small text helpers shared by the composer, the grounding check and the guardrails. */
import { rememberedByText } from '../../bot/core/index.js';

/** Function words that carry no topic (English). */
export const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing
down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves hi hello hey thanks thank please also get got can't cannot dont don't im i'm ive i've id i'd youre you're
its it's let us let's one two may might must shall much many well yes ok okay sure just really still even ever every need want like know`.split(/\s+/),
);

/** Lower-cased word tokens (letters and digits, inner apostrophes kept). */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

/** Tokens that are not {@link STOPWORDS}, crudely stemmed (plural and -ing/-ed endings), so "returns" meets "return". */
export function contentWords(text: string): string[] {
  return tokens(text)
    .filter((t) => !STOPWORDS.has(t) && (t.length > 2 || /\d/.test(t)))
    .map(stemWord);
}

/** Distinct texts whose content words {@link rememberedContentWords} keeps. */
const REMEMBERED_TEXTS = 4_000;

/**
 * {@link contentWords} of a text, remembered for the most recently used distinct texts: the composer, the grounding
 * check and the guardrails look at the same tickets' answers, their sentences and the answers made of them turn after
 * turn. Shared between callers: read only.
 */
export const rememberedContentWords: (text: string) => readonly string[] = rememberedByText(REMEMBERED_TEXTS, contentWords);

/**
 * Whether some content word of `text` (as {@link contentWords} finds them, in order) satisfies `test`; stops at the
 * first that does, without tokenizing the rest of the text.
 */
export function someContentWord(text: string, test: (word: string) => boolean): boolean {
  const lower = text.toLowerCase();
  const token = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;
  for (let match = token.exec(lower); match; match = token.exec(lower)) {
    const t = match[0];
    if (!STOPWORDS.has(t) && (t.length > 2 || /\d/.test(t)) && test(stemWord(t))) return true;
  }
  return false;
}

/** A crude suffix stemmer for overlap checks (not for retrieval). */
export function stemWord(word: string): string {
  if (/\d/.test(word) || word.length <= 4) return word;
  return word.replace(/(?:ies)$/, 'y').replace(/(?:ing|ed|es|s)$/, '');
}

/** Splits a text into sentences (keeps the end punctuation). */
export function sentences(text: string): string[] {
  // Only punctuation followed by a space ends a sentence: "example.com/returns" and "5.5" stay whole.
  return text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
}

/** Numbers in a text (amounts, days, percentages), normalized ("1,000" → "1000"). */
export function numbersIn(text: string): string[] {
  return (text.match(/\d[\d,.]*\d|\d/g) ?? []).map((n) => n.replace(/,/g, '').replace(/\.$/, ''));
}
