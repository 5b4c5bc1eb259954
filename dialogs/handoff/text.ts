import { stem, words } from '../../knowledge/index.js';

const CONTRACTION_BASES =
  'don|doesn|didn|isn|aren|wasn|weren|haven|hasn|hadn|can|couldn|won|wouldn|shouldn|ain|that|it|what|there|here|he|she|who|where|you|we|they|i|let';
const CONTRACTION = new RegExp(`\\b(${CONTRACTION_BASES}) (t|s|re|ve|ll|d|m)\\b`, 'g');

/**
 * Lower-cased words joined by single spaces, accents and punctuation dropped, with contractions closed up
 * ("That's not what I asked!" → "thats not what i asked"), so that trigger patterns stay readable.
 */
export function normalize(text: string): string {
  return words(text.replace(/[’`]/g, "'")).join(' ').replace(CONTRACTION, '$1$2');
}

/** Words that say little about what a question is about (question words, pronouns, generic verbs). */
const FILLER = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been am do does did have has had i me my ' +
    'we our you your it its they them this that these those there here so than too very can could would should will may might must ' +
    'just about into again then what when where why how which who whom please thanks thank hi hello hey im ive id dont doesnt didnt ' +
    'cant wont isnt arent get got take know want need tell still ok okay any some not no yes'
  ).split(' '),
);

/** The stemmed content words of a text (filler removed), for comparing two questions. */
export function contentWords(text: string): Set<string> {
  return new Set(
    normalize(text)
      .split(' ')
      .filter((word) => word && !FILLER.has(word))
      .map(stem),
  );
}
