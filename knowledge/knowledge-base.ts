import type { Store, TicketRecord } from '../bot/core/index.js';
import type { Embedder } from './embeddings/embedder.js';
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

  /** Upserts `tickets` (all of one source when `sync`), then rebuilds retrieval. */
  async ingest(tickets: TicketRecord[], options: { sync?: boolean } = {}): Promise<IngestResult> {
    const counts = await this.store.upsertTickets(tickets);
    let removed = 0;
    if (options.sync) {
      const keep = new Set(tickets.map((t) => t.id));
      for (const source of new Set(tickets.map((t) => t.source))) {
        const stale = (await this.store.listTickets({ source })).filter((t) => !keep.has(t.id)).map((t) => t.id);
        removed += await this.store.deleteTickets(stale);
      }
    }
    await this.load();
    return { ...counts, removed, total: this.size };
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
