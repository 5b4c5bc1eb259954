import { contentWords, numbersIn, rememberedContentWords as wordsOf, sentences } from './text.js';

/** Options of {@link checkGrounding}. */
export interface GroundingOptions {
  /** A sentence is supported when at least this share of its content words appear in the sources; default 0.5. */
  sentenceSupport?: number;
  /** The answer is grounded when at least this share of its (content-bearing) sentences are supported; default 0.75. */
  answerSupport?: number;
}

/** The verdict of {@link checkGrounding}. */
export interface Groundedness {
  grounded: boolean;
  /** Share of the answer's content-bearing sentences the sources support (1 for an answer without any). */
  support: number;
  /** Sentences the sources do not support. */
  unsupportedSentences: string[];
  /** Numbers (amounts, days, percentages) in the answer found neither in the sources nor in the customer's words. */
  unsupportedNumbers: string[];
  /** Capitalised names (products, places, brands) found neither in the sources nor in the customer's words. */
  unsupportedEntities: string[];
  /** Whether the answer cites at least one source (an `[n]` marker, or sources given with it). */
  cited: boolean;
}

const MARKER = /\s*\[(\d{1,2})\]/g;
/** Words that may start a sentence capitalised without being a name. */
const COMMON_CAPITALS = new Set(['I', 'We', 'You', 'Your', 'Our', 'The', 'This', 'That', 'It', 'If', 'Once', 'Also', 'Hi', 'Hello', 'Yes', 'No', 'Please', 'Sorry', 'Unfortunately', 'To', 'For', 'In', 'On', 'At', 'When', 'After', 'Before', 'Then', 'Just', 'Thanks', 'Thank', 'A', 'An', 'And', 'But', 'Or', 'So', 'As']);

/** Capitalised words that are not the first word of their sentence (likely names of products, places, brands). */
function properNames(text: string): string[] {
  const out: string[] = [];
  for (const sentence of sentences(text)) {
    const words = sentence.match(/[\p{L}][\p{L}'’-]*/gu) ?? [];
    words.slice(1).forEach((word) => {
      if (/^\p{Lu}/u.test(word) && !COMMON_CAPITALS.has(word) && word !== word.toUpperCase()) out.push(word);
    });
  }
  return out;
}

/**
 * Compares an answer with the texts of its sources (pure): each sentence needs enough of its content words in the
 * sources; every number and capitalised name must appear in the sources or in what the customer wrote (their order
 * number, their name); `[n]` markers must point at a given source. Sentences without content words (greetings) are
 * neutral.
 */
export function checkGrounding(answer: string, sources: readonly string[], customerText = '', options: GroundingOptions = {}): Groundedness {
  const { sentenceSupport = 0.5, answerSupport = 0.75 } = options;
  const markers = [...answer.matchAll(MARKER)].map((m) => Number(m[1]));
  const badMarker = markers.some((n) => n < 1 || n > sources.length);
  const plain = answer.replace(MARKER, '');
  const known = `${sources.join('\n')}\n${customerText}`;
  // Claims need the sources; only the customer's own details (name, order number) may come from what they wrote.
  // Content words never span a line break, so those of the joined sources are those of each source.
  const knownWords = new Set<string>();
  for (const source of sources) for (const word of wordsOf(source)) knownWords.add(word);
  const knownNumbers = new Set(numbersIn(known));
  const knownLower = known.toLowerCase();
  const unsupportedSentences: string[] = [];
  let counted = 0;
  for (const sentence of sentences(plain)) {
    const words = wordsOf(sentence);
    if (words.length < 2) continue;
    counted++;
    const supported = words.filter((w) => knownWords.has(w)).length / words.length;
    if (supported < sentenceSupport) unsupportedSentences.push(sentence);
  }
  const support = counted === 0 ? 1 : (counted - unsupportedSentences.length) / counted;
  const unsupportedNumbers = [...new Set(numbersIn(plain).filter((n) => !knownNumbers.has(n)))];
  const unsupportedEntities = [...new Set(properNames(plain).filter((name) => !knownLower.includes(name.toLowerCase())))];
  const cited = sources.length > 0 && !badMarker;
  const grounded = cited && support >= answerSupport && unsupportedNumbers.length === 0 && unsupportedEntities.length === 0 && (counted > 0 || contentWords(plain).length > 0);
  return { grounded, support: Number(support.toFixed(4)), unsupportedSentences, unsupportedNumbers, unsupportedEntities, cited };
}

/** The answer without its `[n]` citation markers (for channels that show sources separately, and for scoring). */
export function stripMarkers(answer: string): string {
  return answer.replace(MARKER, '').trim();
}
