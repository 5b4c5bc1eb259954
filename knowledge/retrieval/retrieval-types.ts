import type { TicketRecord } from '../../bot/core/index.js';
import type { Embedder } from '../embeddings/embedder.js';
import type { WordVectors } from '../embeddings/word-vectors.js';
import type { PayloadFilter, VectorIndex } from '../indexes/vector-index.js';
import type { TicketVectors } from '../model/ticket-vectors.js';
import type { AnswerSignals } from './agreement.js';
import type { LabelModelOptions } from './label-model.js';

// What retrieval takes and gives back (the Retriever in retriever.ts does the work).

/** A retrieved ticket and how well it matches (0–1, higher is better). */
export interface Hit {
  ticket: TicketRecord;
  score: number;
  /**
   * Entity agreement of the ticket with the question (−1: its countries, products, platforms… contradict the
   * question's; 0: nothing to compare; 1: the same ones), from `rerankByEntities`; already folded into `score`.
   * A signal for confidence (the answer threshold) to use.
   */
  entityAgreement?: number;
}

/** Retrieval mode: both rankings fused, or one alone (for ablations). */
export type RetrievalMode = 'hybrid' | 'keyword' | 'dense';

/** Search options: how many hits, which payload values must match, and the retrieval mode. */
export interface SearchOptions {
  /** Number of hits; default 5. */
  k?: number;
  filter?: PayloadFilter;
  mode?: RetrievalMode;
  /** Ticket ids never returned (a ticket left out of its own question when measuring on held-out tickets). */
  exclude?: ReadonlySet<string>;
  /**
   * Tickets this conversation was already answered with: ranked as if they scored {@link ANSWERED_FACTOR} of their
   * score, so that a follow-up ("how long does that take?") gets a close runner-up instead of the same answer again,
   * while a ticket far ahead of the rest still wins. Default none.
   */
  answered?: readonly string[];
}

/** Share of its score a ticket the conversation was already answered with keeps (see {@link SearchOptions.answered}). */
export const ANSWERED_FACTOR = 0.9;

/** What retrieval found for a question, with the confidence the policy decides on. */
export interface Retrieval {
  hits: Hit[];
  /** Probability-like confidence (0–1) that the best hit answers the question. */
  confidence: number;
  /** The best hit's label and the model's probability for it, when the tickets carry labels. */
  label?: string;
  /** True when the best match is an out-of-scope example: the bot must not answer it. */
  outOfScope: boolean;
  /**
   * The answer threshold this knowledge version selected on held-out tickets for the precision target
   * ({@link RetrieverOptions.targetPrecision}); absent when too few held-out outcomes were measurable.
   */
  answerThreshold?: number;
  /** The similarity and neighbour agreement the confidence is calibrated from (absent when labels give the confidence). */
  signals?: AnswerSignals;
}

/** Options of `Retriever.build`. */
export interface RetrieverOptions {
  index: VectorIndex;
  embedder: Embedder;
  /** Pre-trained word vectors the label models read beside the tickets' words (none: the tickets' words alone). */
  wordVectors?: WordVectors | undefined;
  /** Metadata field holding a ticket's label (intent, category); default: the first of `intent`, `label`, `category` present. */
  labelField?: string;
  /** Label of out-of-scope examples, which are never answers; default `oos`. */
  outOfScopeLabel?: string;
  /** Fit confidence calibration on held-out folds when labelled tickets are at most this many; default 30,000. */
  calibrateUpTo?: number;
  labelModel?: LabelModelOptions;
  /** Upsert batch size; default 512. */
  batchSize?: number;
  /**
   * Share of answers that must be right (0–1): the answer threshold is selected on held-out tickets so that answers
   * reach it; default {@link DEFAULT_TARGET_PRECISION}.
   */
  targetPrecision?: number;
}

/** Precision target of selective answering when none is configured. */
export const DEFAULT_TARGET_PRECISION = 0.9;

/** A ticket and its vectors, as `Retriever.apply` takes them. */
export interface EncodedTicketRecord {
  ticket: TicketRecord;
  vectors: TicketVectors;
}
