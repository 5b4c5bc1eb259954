import type { Store, TicketRecord } from '../bot/core/index.js';
import { TicketIndex, type Hit, type SearchOptions } from './retrieval/ticket-index.js';

/** What an ingest changed. */
export interface IngestResult {
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  total: number;
}

/**
 * The company's past tickets, persisted in the {@link Store} and searchable in memory. Ingest upserts by ticket id;
 * `sync` makes the given tickets the full snapshot of their source (missing ones are removed).
 */
export class KnowledgeBase {
  private index = new TicketIndex([]);

  constructor(private readonly store: Store) {}

  /** Loads every stored ticket into the search index. */
  async load(): Promise<void> {
    this.index = new TicketIndex(await this.store.listTickets());
  }

  /** Upserts `tickets` (all of one source when `sync`), then rebuilds the index. */
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
    return { ...counts, removed, total: this.index.size };
  }

  /** The best-matching tickets for `query`, best first, scores 0–1. */
  search(query: string, options?: SearchOptions): Hit[] {
    return this.index.search(query, options);
  }

  /** The ticket with this id, if indexed. */
  get(id: string): TicketRecord | undefined {
    return this.index.get(id);
  }

  /** Number of searchable tickets. */
  get size(): number {
    return this.index.size;
  }
}
