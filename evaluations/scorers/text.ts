import { rememberedByText } from '../../bot/core/index.js';
import { stem, words } from '../../knowledge/index.js';

/** Function words ignored when comparing an answer with its sources or its question. */
const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being am do does did doing have has had ' +
    'i me my we our you your he she it its they them their this that these those there here so than too very can could would ' +
    'should will shall may might must just about into over under again then once hi hello hey please thanks thank us also ' +
    'not no yes any all some what which who whom how when where why get got let lets one'
  ).split(' '),
);

/** Stemmed content words of `text` (no function words), in order, with repeats. */
export function contentWords(text: string): string[] {
  return words(text)
    .filter((w) => !STOPWORDS.has(w))
    .map(stem);
}

/** The content words of a text counted (first occurrence first), and the Euclidean norm of those counts. */
interface WordCounts {
  counts: ReadonlyMap<string, number>;
  norm: number;
}

/** Distinct texts whose {@link WordCounts} are remembered (see {@link wordCounts}). */
const REMEMBERED_TEXTS = 4_000;

/**
 * The {@link WordCounts} of a text, remembered for the most recently used distinct texts: a scoring pass compares
 * every answer with the questions and answers of the tickets it cites, and scores an open conversation again as it
 * goes on, so the same ticket texts and messages were split, stemmed and counted on every pass.
 */
const wordCounts = rememberedByText(REMEMBERED_TEXTS, (text): WordCounts => {
  const counts = new Map<string, number>();
  for (const w of contentWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return { counts, norm: Math.sqrt([...counts.values()].reduce((s, n) => s + n * n, 0)) };
});

/** Cosine similarity (0–1) of the content-word count vectors of two texts; 0 when either has none. */
export function cosine(a: string, b: string): number {
  const x = wordCounts(a);
  const y = wordCounts(b);
  let dot = 0;
  for (const [w, n] of x.counts) dot += n * (y.counts.get(w) ?? 0);
  const denominator = x.norm * y.norm;
  return denominator === 0 ? 0 : dot / denominator;
}

/**
 * Share (0–1) of the distinct content words of `claim` that appear in `evidence`; numbers count double, since an
 * invented figure (a price, a number of days) is the costliest kind of ungrounded claim. 1 when the claim has no
 * content words. Evidence given in parts (each cited ticket's question and answer) counts as those parts joined by
 * line breaks (no word spans a line break), and each part's words are remembered apart (see {@link wordCounts}).
 */
export function support(claim: string, evidence: string | readonly string[]): number {
  const parts = (typeof evidence === 'string' ? [evidence] : evidence).map((part) => wordCounts(part).counts);
  const distinct = wordCounts(claim).counts;
  if (distinct.size === 0) return 1;
  let total = 0;
  let found = 0;
  for (const w of distinct.keys()) {
    const weight = /\d/.test(w) ? 2 : 1;
    total += weight;
    if (parts.some((known) => known.has(w))) found += weight;
  }
  return found / total;
}

/** Rounds to `digits` decimals (scores are stored and shown rounded). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Mean of the numbers, or null for none. */
export function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : null;
}
