import type { TicketRecord } from '../../bot/core/index.js';
import { FeatureSpace } from './feature-space.js';
import { charFeatures, wordFeatures } from './text.js';

/** A retrieved ticket and its similarity to the query (0–1, higher is better). */
export interface Hit {
  ticket: TicketRecord;
  score: number;
}

/** Search options: how many hits, and metadata fields that must equal the given values. */
export interface SearchOptions {
  /** Number of hits; default 5. */
  k?: number;
  filter?: Record<string, string | number | boolean>;
}

/**
 * How the score blends the three spaces: words and character n-grams of the ticket's question, and words of its
 * answer (which names what the ticket is about in the agent's vocabulary). Chosen on the sample evaluation set.
 */
const WEIGHTS = { questionWords: 0.35, questionChars: 0.35, answerWords: 0.3 };

/**
 * In-memory keyword index over tickets: cosine similarity in TF-IDF spaces (stemmed words with bigrams and
 * character 3–5-grams of the question, words of the answer), blended. Immutable: rebuild it when tickets change.
 */
export class TicketIndex {
  private readonly words: FeatureSpace;
  private readonly chars: FeatureSpace;
  private readonly answers: FeatureSpace;
  private readonly byId: Map<string, TicketRecord>;

  constructor(private readonly tickets: readonly TicketRecord[]) {
    this.byId = new Map(tickets.map((t) => [t.id, t]));
    this.words = new FeatureSpace(tickets.map((t) => wordFeatures(t.question)));
    this.chars = new FeatureSpace(tickets.map((t) => charFeatures(t.question)));
    this.answers = new FeatureSpace(tickets.map((t) => wordFeatures(t.answer)));
  }

  /** Number of indexed tickets. */
  get size(): number {
    return this.tickets.length;
  }

  /** The ticket with this id, if indexed. */
  get(id: string): TicketRecord | undefined {
    return this.byId.get(id);
  }

  /** The best-matching tickets for `query`, best first. */
  search(query: string, options: SearchOptions = {}): Hit[] {
    const k = options.k ?? 5;
    const scores = new Float32Array(this.tickets.length);
    const queryWords = wordFeatures(query);
    this.words.accumulate(this.words.vectorize(queryWords), scores, WEIGHTS.questionWords);
    this.chars.accumulate(this.chars.vectorize(charFeatures(query)), scores, WEIGHTS.questionChars);
    this.answers.accumulate(this.answers.vectorize(queryWords), scores, WEIGHTS.answerWords);
    const filter = options.filter ? Object.entries(options.filter) : [];
    const hits: Hit[] = [];
    scores.forEach((score, i) => {
      if (score <= 0) return;
      const ticket = this.tickets[i];
      if (!ticket || filter.some(([key, value]) => ticket.metadata[key] !== value)) return;
      hits.push({ ticket, score: Math.min(1, score) });
    });
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, k);
  }
}
