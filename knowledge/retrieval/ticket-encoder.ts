import { ParleyError, type TicketRecord } from '../../bot/core/index.js';
import type { SparseVec } from '../indexes/vector-index.js';
import type { WordVectors } from '../embeddings/word-vectors.js';
import type { ArtefactReader, ArtefactWriter } from '../model/artefact.js';
import { runSteps, runStepsInBackground, type Steps } from '../steps.js';
import { CharFeatureIds, DocumentFrequencies, FeatureInterner, StemTable, WordFeatureIds } from './feature-ids.js';
import { concatSparse, pack, sparseDot, Vocabulary, type PackedSparse } from './vocabulary.js';

/**
 * How similarity blends the three TF-IDF spaces: words and character n-grams of the ticket's question, and words of
 * its answer (which names what the ticket is about in the agent's words). Chosen on the sample evaluation set.
 */
export const SIMILARITY_WEIGHTS = { questionWords: 0.35, questionChars: 0.35, answerWords: 0.3 } as const;

/** Corpus size above which singleton word bigrams are pruned. */
const LARGE_CORPUS = 20_000;

/**
 * Above this many tickets the vocabularies are learned from an even sample of this many: a million tickets' distinct
 * word bigrams overflow a JavaScript Map (2^24 entries) and the feature offsets below, and features absent from such a
 * sample are too rare to rank by. Smaller corpora are learned in full.
 */
export const FIT_SAMPLE = 200_000;

/** Every ticket when there are at most `size`, else `size` tickets evenly spread over the corpus. */
export function fitSample<T>(items: readonly T[], size = FIT_SAMPLE): readonly T[] {
  if (items.length <= size) return items;
  const step = items.length / size;
  return Array.from({ length: size }, (_, i) => items[Math.floor(i * step)] as T);
}

/**
 * A resolver of `vocabulary`'s ids, made outside the fit: a closure made inside it would share the fit's scope and keep
 * its interners (every feature name seen, millions of strings on a large corpus) alive as long as the encoder.
 */
function resolverOf(vocabulary: Vocabulary): (feature: string) => number {
  return (feature) => vocabulary.idOf(feature);
}

/** Offset of the answer-word features in the combined sparse space sent to indexes. */
const ANSWER_OFFSET = 1 << 24;

/** Offset of character n-gram features in the label model's feature space. */
const CHAR_OFFSET = 1 << 24;

/** Offset of the word-vector mean in the label model's feature space (after the character n-grams). */
const MEANING_OFFSET = 1 << 25;

/**
 * Weight of the word-vector mean beside the question's words and character n-grams (√½ each) in the label model's
 * features: the best of 0.5, 1, 1.5, 2 and 3 for the SVMs' first label on CLINC150 val (see docs/answers.md).
 */
export const MEANING_WEIGHT = 1.5;

/** A question's vectors in each space, computed once per query; `meaning` when the encoder has word vectors. */
export interface EncodedQuery {
  words: SparseVec;
  chars: SparseVec;
  answerWords: SparseVec;
  meaning?: PackedSparse;
}

/** A ticket's vectors in each space, computed once at build time and kept packed for reranking. */
export interface EncodedTicket {
  words: PackedSparse;
  chars: PackedSparse;
  answerWords: PackedSparse;
  meaning?: PackedSparse;
}

/**
 * {@link TicketEncoder.similarity} from a query's cosines with a ticket in the three spaces (question words, question
 * character n-grams, answer words), 0–1.
 */
export function similarityOfCosines(words: number, chars: number, answerWords: number): number {
  return Math.min(1, SIMILARITY_WEIGHTS.questionWords * words + SIMILARITY_WEIGHTS.questionChars * chars + SIMILARITY_WEIGHTS.answerWords * answerWords);
}

/**
 * The TF-IDF vocabularies learned from a ticket corpus, and the vectors built from them: the keyword vector each
 * ticket gets in an index, the exact similarity used to rerank candidates, and the label model's features.
 */
export class TicketEncoder {
  private readonly stems: StemTable;
  private readonly questionWordIds: WordFeatureIds;
  private readonly questionCharIds: CharFeatureIds;
  private readonly answerWordIds: WordFeatureIds;

  private constructor(
    private readonly questionWords: Vocabulary,
    private readonly questionChars: Vocabulary,
    private readonly answerWords: Vocabulary,
    /** Pre-trained word vectors whose mean over a question joins the label model's features (none: words alone). */
    private readonly wordVectors: WordVectors | undefined,
    /** The caches of the fit, remapped to the vocabularies' ids (none when read from an artefact). */
    fitted?: { stems: StemTable; questionWords: WordFeatureIds; questionChars: CharFeatureIds; answerWords: WordFeatureIds },
  ) {
    this.stems = fitted?.stems ?? new StemTable();
    this.questionWordIds = fitted?.questionWords ?? new WordFeatureIds(this.stems, (f) => questionWords.idOf(f));
    this.questionCharIds = fitted?.questionChars ?? new CharFeatureIds((f) => questionChars.idOf(f));
    this.answerWordIds = fitted?.answerWords ?? new WordFeatureIds(this.stems, (f) => answerWords.idOf(f));
  }

  /**
   * Learns the vocabularies from `tickets`. On large corpora, word bigrams seen in one ticket only are dropped: they
   * cannot rank one ticket above another and would dominate memory.
   */
  static fit(tickets: readonly TicketRecord[], wordVectors?: WordVectors): TicketEncoder {
    return runSteps(TicketEncoder.fitSteps(tickets, wordVectors));
  }

  /** {@link fit} in a running server: pauses between slices of the work (a refit while turns are answered). */
  static fitInBackground(tickets: readonly TicketRecord[], wordVectors?: WordVectors): Promise<TicketEncoder> {
    return runStepsInBackground(TicketEncoder.fitSteps(tickets, wordVectors));
  }

  /** Fitting as steps: features of each ticket interned in first-seen order (the ids `Vocabulary.fit` gives). */
  private static *fitSteps(corpus: readonly TicketRecord[], wordVectors: WordVectors | undefined): Steps<TicketEncoder> {
    const tickets = fitSample(corpus);
    const stems = new StemTable();
    const spaces = [new FeatureInterner(), new FeatureInterner(), new FeatureInterner()] as const;
    const counts = [new DocumentFrequencies(), new DocumentFrequencies(), new DocumentFrequencies()] as const;
    const questionWords = new WordFeatureIds(stems, spaces[0].intern);
    const questionChars = new CharFeatureIds(spaces[1].intern);
    const answerWords = new WordFeatureIds(stems, spaces[2].intern);
    for (let i = 0; i < tickets.length; i++) {
      const ticket = tickets[i] as TicketRecord;
      const question = stems.tokenize(ticket.question);
      counts[0].add(questionWords.ids(question));
      counts[1].add(questionChars.ids(question));
      counts[2].add(answerWords.ids(stems.tokenize(ticket.answer)));
      if (i % 100 === 99) yield;
    }
    const words = { minBigramDf: corpus.length > LARGE_CORPUS ? 2 : 1 };
    const vocabulary = (space: 0 | 1 | 2, options = {}) => Vocabulary.fromCounts(spaces[space].names, (id) => counts[space].of(id), tickets.length, options);
    const [qw, qc, aw] = [vocabulary(0, words), vocabulary(1), vocabulary(2, words)];
    return new TicketEncoder(qw.vocabulary, qc.vocabulary, aw.vocabulary, wordVectors, {
      stems,
      questionWords: questionWords.remapped(qw.remap, resolverOf(qw.vocabulary)),
      questionChars: questionChars.remapped(qc.remap, resolverOf(qc.vocabulary)),
      answerWords: answerWords.remapped(aw.remap, resolverOf(aw.vocabulary)),
    });
  }

  /** Writes the three vocabularies into a model artefact. */
  write(writer: ArtefactWriter): void {
    this.questionWords.write(writer, 'encoder.questionWords');
    this.questionChars.write(writer, 'encoder.questionChars');
    this.answerWords.write(writer, 'encoder.answerWords');
    writer.fact('encoder.wordVectors', this.wordVectors?.name ?? null);
  }

  /**
   * Reads an encoder written by {@link write}: it encodes exactly as the one written. `wordVectors` are the configured
   * ones; an encoder written with other vectors (or without, or with them when none are configured) cannot be read
   * (`storage_failed`: the model is learned anew).
   */
  static read(reader: ArtefactReader, wordVectors?: WordVectors): TicketEncoder {
    const written = reader.fact<string | null>('encoder.wordVectors') ?? null;
    if (written !== (wordVectors?.name ?? null)) {
      throw new ParleyError('storage_failed', `the knowledge model was learned with word vectors ${written ?? 'none'}, not ${wordVectors?.name ?? 'none'}`);
    }
    return new TicketEncoder(
      Vocabulary.read(reader, 'encoder.questionWords'),
      Vocabulary.read(reader, 'encoder.questionChars'),
      Vocabulary.read(reader, 'encoder.answerWords'),
      wordVectors,
    );
  }

  /** Number of features of each vocabulary (for status and logs). */
  get sizes(): { questionWords: number; questionChars: number; answerWords: number } {
    return { questionWords: this.questionWords.size, questionChars: this.questionChars.size, answerWords: this.answerWords.size };
  }

  /** Vectors of a customer question. */
  encodeQuery(text: string): EncodedQuery {
    const tokens = this.stems.tokenize(text);
    return {
      words: this.questionWords.vectorizeIds(this.questionWordIds.ids(tokens)),
      chars: this.questionChars.vectorizeIds(this.questionCharIds.ids(tokens)),
      answerWords: this.answerWords.vectorizeIds(this.answerWordIds.ids(tokens)),
      ...this.meaningOf(text),
    };
  }

  /** A ticket's vectors, computed once. Features the vocabularies do not know are ignored. */
  encodeTicket(ticket: TicketRecord): EncodedTicket {
    const question = this.stems.tokenize(ticket.question);
    return {
      words: pack(this.questionWords.vectorizeIds(this.questionWordIds.ids(question))),
      chars: pack(this.questionChars.vectorizeIds(this.questionCharIds.ids(question))),
      answerWords: pack(this.answerWords.vectorizeIds(this.answerWordIds.ids(this.stems.tokenize(ticket.answer)))),
    };
  }

  /**
   * The mean word vector of a question, in packed form, for {@link labelFeatures} (nothing without word vectors). Not
   * part of {@link encodeTicket}: stored ticket vectors do not carry it, their holder adds it from the question.
   */
  meaningOf(text: string): { meaning?: PackedSparse } {
    const mean = this.wordVectors?.meanOf(text);
    return mean ? { meaning: { indices: Uint32Array.from(mean.keys()), values: mean } } : {};
  }

  /** The keyword vector a ticket is indexed with: its question and answer words, weighted as in the similarity. */
  indexVector(ticket: EncodedTicket): SparseVec {
    return concatSparse([
      { vector: ticket.words, weight: Math.sqrt(SIMILARITY_WEIGHTS.questionWords), offset: 0 },
      { vector: ticket.answerWords, weight: Math.sqrt(SIMILARITY_WEIGHTS.answerWords), offset: ANSWER_OFFSET },
    ]);
  }

  /** The keyword vector of a query, in the same space as {@link indexVector}. */
  queryVector(query: EncodedQuery): SparseVec {
    return concatSparse([
      { vector: query.words, weight: Math.sqrt(SIMILARITY_WEIGHTS.questionWords), offset: 0 },
      { vector: query.answerWords, weight: Math.sqrt(SIMILARITY_WEIGHTS.answerWords), offset: ANSWER_OFFSET },
    ]);
  }

  /** Similarity of a query with a ticket, 0–1: the weighted cosine similarities in the three spaces. */
  similarity(query: EncodedQuery, ticket: EncodedTicket): number {
    return similarityOfCosines(sparseDot(query.words, ticket.words), sparseDot(query.chars, ticket.chars), sparseDot(query.answerWords, ticket.answerWords));
  }

  /**
   * Features for the label model: question words and character n-grams, equally weighted, and the mean word vector
   * when the encoder has word vectors.
   */
  labelFeatures(query: { words: SparseVec | PackedSparse; chars: SparseVec | PackedSparse; meaning?: PackedSparse | undefined }): SparseVec {
    return concatSparse([
      { vector: query.words, weight: Math.SQRT1_2, offset: 0 },
      { vector: query.chars, weight: Math.SQRT1_2, offset: CHAR_OFFSET },
      ...(query.meaning ? [{ vector: query.meaning, weight: MEANING_WEIGHT, offset: MEANING_OFFSET }] : []),
    ]);
  }
}


/**
 * A ticket's words and character n-grams without its mean word vector: the features of the label models the vectors
 * did not help, measured with and without them (docs/answers.md): over answer classes of tickets without labels, the
 * tweets' best coverage at precision 0.8 fell 0.2324 → 0.2229. A model learned without the vector ignores a question's:
 * it knows none of those features.
 */
export function withoutMeaning(encoded: EncodedTicket): Pick<EncodedTicket, 'words' | 'chars'> {
  return { words: encoded.words, chars: encoded.chars };
}
