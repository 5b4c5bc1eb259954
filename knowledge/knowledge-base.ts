import type { QuarantinedTicket, QuarantineReason, Store, TicketRecord } from '../bot/core/index.js';
import { ParleyError } from '../bot/core/index.js';
import type { Embedder } from './embeddings/embedder.js';
import { prepareTickets, type PrepareOptions } from './ingest/prepare.js';
import { screenTickets, type ScreenOptions } from './ingest/screen.js';
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
  /** Tickets held back for review (not indexed, not answerable; `parley tickets quarantine`). */
  quarantined: number;
  /** The held tickets' ids and why each was held. */
  quarantinedTickets: { id: string; reasons: QuarantineReason[] }[];
  total: number;
}

/** What `parley knowledge status` reports: the engine, the index version and what it holds, and memory in use. */
export interface KnowledgeStatus {
  /** The vector index engine (`memory`, `qdrant`). */
  engine: string;
  /** The knowledge model version the index was built from (0 until versions are persisted). */
  version: number;
  /** Searchable tickets. */
  tickets: number;
  /** Searchable tickets per scope; tickets without a scope (shared by all) under `'*'`. */
  byScope: Record<string, number>;
  /** When the learned parts were last refitted (ISO 8601), or null. */
  lastRefitAt: string | null;
  /** Ticket changes not yet applied to the index. */
  pendingChanges: number;
  /** The last store change applied to the index. */
  appliedSeq: number;
  /** The store's latest ticket change. */
  storeSeq: number;
  /** Resident memory of this process (MB). */
  rssMb: number;
}

/** Options of {@link KnowledgeBase}: where vectors live and how questions are embedded. */
export interface KnowledgeBaseOptions {
  /** Default: the embedded {@link MemoryIndex}. */
  index?: VectorIndex;
  /** Default: {@link LsaEmbedder} learned from the tickets. */
  embedder?: Embedder;
  /** Further retriever settings (label field, out-of-scope label, label model). */
  retriever?: Omit<RetrieverOptions, 'index' | 'embedder'>;
  /** How tickets are screened before they are indexed (the operator's domains); default no domains. */
  screening?: ScreenOptions;
}

/**
 * The company's past tickets, persisted in the {@link Store} and searchable through hybrid retrieval. Ingest upserts
 * by ticket id; `sync` makes the given tickets the full snapshot of their source (missing ones are removed).
 */
export class KnowledgeBase {
  private retriever: Retriever | undefined;
  private readonly retrieverOptions: RetrieverOptions;
  private readonly screening: ScreenOptions;

  constructor(
    private readonly store: Store,
    options: KnowledgeBaseOptions = {},
  ) {
    this.retrieverOptions = { ...options.retriever, index: options.index ?? new MemoryIndex(), embedder: options.embedder ?? new LsaEmbedder() };
    this.screening = options.screening ?? {};
  }

  /**
   * Loads every stored ticket and rebuilds retrieval (vocabularies, embeddings, index, label model). Stored tickets that
   * fail the screen (stored before it existed, or written by another tool) are moved to the quarantine first, so that
   * nothing unsafe is ever searchable.
   */
  async load(): Promise<void> {
    const { safe, held } = screenTickets(await this.store.listTickets(), this.screening);
    const released = held.length ? await this.releasedContent() : new Set<string>();
    await this.store.quarantine.quarantine(held.filter((h) => !released.has(contentKey(h.ticket))));
    const reviewed = held.filter((h) => released.has(contentKey(h.ticket))).map((h) => h.ticket);
    this.retriever = await Retriever.build(reviewed.length ? [...safe, ...reviewed] : safe, this.retrieverOptions);
  }

  /** Keys of the ticket texts reviewers released: the same text is not held again. */
  private async releasedContent(): Promise<Set<string>> {
    const all = await this.store.quarantine.list({ includeReleased: true });
    return new Set(all.filter((q) => q.releasedAt).map((q) => contentKey(q.ticket)));
  }

  /** Tickets held for review, oldest first. */
  quarantined(filter: { source?: string } = {}): Promise<QuarantinedTicket[]> {
    return this.store.quarantine.list(filter);
  }

  /** Releases a held ticket after review: it becomes searchable at once. `not_found` when no such ticket is held. */
  async release(id: string, by: string): Promise<QuarantinedTicket> {
    const released = await this.store.quarantine.release(id, by);
    if (!released) throw new ParleyError('not_found', `no quarantined ticket ${id}`);
    await this.store.upsertTickets([released.ticket]);
    await this.load();
    return released;
  }

  /** Deletes a held ticket for good (a rejected one). `not_found` when no such ticket is held. */
  async reject(id: string): Promise<QuarantinedTicket> {
    const held = await this.store.quarantine.get(id);
    if (!held || held.releasedAt) throw new ParleyError('not_found', `no quarantined ticket ${id}`);
    await this.store.quarantine.remove([id]);
    return held;
  }

  /**
   * Screens the tickets (those that would phish customers are quarantined for review, unless a reviewer released the
   * same text before), redacts personal data and drops near-duplicates, upserts the rest (all of one source when
   * `sync`), then rebuilds retrieval. The one ingestion path of `parley ingest`, agents' corrections and the tickets API.
   */
  async ingest(input: TicketRecord[], options: { sync?: boolean } & PrepareOptions = {}): Promise<IngestResult> {
    const prepared = prepareTickets(input, { ...options, screen: options.screen ?? this.screening });
    const released = prepared.quarantined.length ? await this.releasedContent() : new Set<string>();
    const quarantined = prepared.quarantined.filter((q) => !released.has(contentKey(q.ticket)));
    const tickets = [...prepared.tickets, ...prepared.quarantined.filter((q) => released.has(contentKey(q.ticket))).map((q) => q.ticket)];
    await this.store.quarantine.quarantine(quarantined);
    const counts = await this.store.upsertTickets(tickets);
    // A clean version of a held ticket replaces it (released ones keep their release).
    await this.store.quarantine.remove(prepared.tickets.map((t) => t.id));
    let removed = 0;
    if (options.sync) {
      // Near-duplicates dropped from the snapshot still belong to it: only ids absent from the input are stale.
      const keep = new Set(input.map((t) => t.id));
      for (const source of new Set(input.map((t) => t.source))) {
        const stale = (await this.store.listTickets({ source })).filter((t) => !keep.has(t.id)).map((t) => t.id);
        removed += await this.store.deleteTickets(stale);
        const staleHeld = (await this.store.quarantine.list({ source, includeReleased: true })).filter((q) => !keep.has(q.ticket.id)).map((q) => q.ticket.id);
        await this.store.quarantine.remove(staleHeld);
      }
    }
    await this.load();
    return {
      ...counts,
      removed,
      redacted: prepared.redacted,
      duplicates: prepared.duplicates.length,
      quarantined: quarantined.length,
      quarantinedTickets: quarantined.map((q) => ({ id: q.ticket.id, reasons: q.reasons })),
      total: this.size,
    };
  }

  /**
   * Deletes tickets by id from the store, then reloads retrieval; resolves to how many existed. Unknown ids are
   * ignored (a held ticket is not touched: see {@link reject}).
   */
  async remove(ids: string[]): Promise<number> {
    const removed = await this.store.deleteTickets(ids);
    if (removed > 0) await this.load();
    return removed;
  }

  /** Engine, version, tickets per scope (shared ones under `'*'`) and memory; see {@link KnowledgeStatus}. */
  async status(): Promise<KnowledgeStatus> {
    const byScope: Record<string, number> = {};
    for (const ticket of await this.store.listTickets()) {
      if (!this.retriever?.get(ticket.id)) continue;
      const scope = (ticket as TicketRecord & { scope?: string }).scope || '*';
      byScope[scope] = (byScope[scope] ?? 0) + 1;
    }
    return {
      engine: this.retrieverOptions.index.engine,
      version: 0,
      tickets: this.size,
      byScope,
      lastRefitAt: null,
      pendingChanges: 0,
      appliedSeq: 0,
      storeSeq: 0,
      rssMb: Math.round(process.memoryUsage().rss / 1_048_576),
    };
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

/** What a reviewer's release vouches for: the question and answer as stored. */
function contentKey(ticket: TicketRecord): string {
  return JSON.stringify([ticket.question, ticket.answer]);
}
