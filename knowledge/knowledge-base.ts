import type { Store, TicketRecord } from '../bot/core/index.js';
import type { Embedder } from './embeddings/embedder.js';
import { prepareTickets, type PrepareOptions } from './ingest/prepare.js';
import { LsaEmbedder } from './embeddings/lsa.js';
import { MemoryIndex } from './indexes/memory-index.js';
import type { VectorIndex } from './indexes/vector-index.js';
import { Retriever, type Hit, type Retrieval, type RetrieverOptions, type SearchOptions } from './retrieval/retriever.js';

/** What an ingest changed. */
export interface IngestResult {
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Tickets in which personal data was replaced by placeholders. */
  redacted: number;
  /** Near-duplicate tickets dropped from the input. */
  duplicates: number;
  total: number;
}

/** Options of {@link KnowledgeBase}: where vectors live and how questions are embedded. */
export interface KnowledgeBaseOptions {
  /** Default: the embedded {@link MemoryIndex}. */
  index?: VectorIndex;
  /** Default: {@link LsaEmbedder} learned from the tickets. */
  embedder?: Embedder;
  /** Further retriever settings (label field, out-of-scope label, label model). */
  retriever?: Omit<RetrieverOptions, 'index' | 'embedder'>;
}

/**
 * The company's past tickets, persisted in the {@link Store} and searchable through hybrid retrieval. Ingest upserts
 * by ticket id; `sync` makes the given tickets the full snapshot of their source (missing ones are removed).
 */
export class KnowledgeBase {
  private retriever: Retriever | undefined;
  private readonly retrieverOptions: RetrieverOptions;

  constructor(
    private readonly store: Store,
    options: KnowledgeBaseOptions = {},
  ) {
    this.retrieverOptions = { ...options.retriever, index: options.index ?? new MemoryIndex(), embedder: options.embedder ?? new LsaEmbedder() };
  }

  /** Loads every stored ticket and rebuilds retrieval (vocabularies, embeddings, index, label model). */
  async load(): Promise<void> {
    this.retriever = await Retriever.build(await this.store.listTickets(), this.retrieverOptions);
  }

  /**
   * Redacts personal data and drops near-duplicates, upserts the tickets (all of one source when `sync`), then
   * rebuilds retrieval.
   */
  async ingest(input: TicketRecord[], options: { sync?: boolean } & PrepareOptions = {}): Promise<IngestResult> {
    const prepared = prepareTickets(input, options);
    const tickets = prepared.tickets;
    const counts = await this.store.upsertTickets(tickets);
    let removed = 0;
    if (options.sync) {
      // Near-duplicates dropped from the snapshot still belong to it: only ids absent from the input are stale.
      const keep = new Set(input.map((t) => t.id));
      for (const source of new Set(input.map((t) => t.source))) {
        const stale = (await this.store.listTickets({ source })).filter((t) => !keep.has(t.id)).map((t) => t.id);
        removed += await this.store.deleteTickets(stale);
      }
    }
    await this.load();
    return { ...counts, removed, redacted: prepared.redacted, duplicates: prepared.duplicates.length, total: this.size };
  }

  /** Retrieval for a question: ranked hits, confidence, label and out-of-scope flag. */
  async retrieve(question: string, options?: SearchOptions): Promise<Retrieval> {
    return this.retriever ? this.retriever.retrieve(question, options) : { hits: [], confidence: 0, outOfScope: false };
  }

  /** The best-matching tickets for `question`, best first, scores 0–1. */
  async search(question: string, options?: SearchOptions): Promise<Hit[]> {
    return (await this.retrieve(question, options)).hits;
  }

  /** The ticket with this id, if indexed. */
  get(id: string): TicketRecord | undefined {
    return this.retriever?.get(id);
  }

  /** Number of searchable tickets. */
  get size(): number {
    return this.retriever?.size ?? 0;
  }

  /** The current retriever (for benchmarks and diagnostics). */
  get current(): Retriever | undefined {
    return this.retriever;
  }
}
