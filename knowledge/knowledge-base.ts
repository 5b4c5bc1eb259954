import type { QuarantinedTicket, QuarantineReason, Store, TicketRecord } from '../bot/core/index.js';
import { ParleyError } from '../bot/core/index.js';
import type { Embedder } from './embeddings/embedder.js';
import { prepareTickets, type PrepareOptions } from './ingest/prepare.js';
import { screenTickets, type ScreenOptions } from './ingest/screen.js';
import { LsaEmbedder } from './embeddings/lsa.js';
import { memoryGenerations, type IndexGenerations } from './indexes/generations.js';
import type { VectorIndex } from './indexes/vector-index.js';
import type { KnowledgeSignal } from './live/signal.js';
import { KnowledgeUpdates, type KnowledgeStatus } from './model/updates.js';
import { AnswerClusters, type AnswerClustersOptions } from './clusters/answer-clusters.js';
import type { Hit, Retrieval, Retriever, RetrieverOptions, SearchOptions } from './retrieval/retriever.js';

export type { KnowledgeStatus } from './model/updates.js';

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

/** Options of {@link KnowledgeBase}: where vectors live, how questions are embedded, and how changes arrive. */
export interface KnowledgeBaseOptions {
  /**
   * Where the index generations (one per knowledge model version) live; default: in-process memory indexes
   * ({@link memoryGenerations}), or `index` when given.
   */
  generations?: IndexGenerations;
  /**
   * One index for every generation (kept for callers that pass a single index): a refit clears and refills it, so
   * prefer `generations`.
   */
  index?: VectorIndex;
  /** Default: {@link LsaEmbedder} learned from the tickets. */
  embedder?: Embedder;
  /** Further retriever settings (label field, out-of-scope label, label model). */
  retriever?: Omit<RetrieverOptions, 'index' | 'embedder'>;
  /** How tickets are screened before they are indexed (the operator's domains); default no domains. */
  screening?: ScreenOptions;
  /** Tells other processes that tickets changed, and wakes this one when they did. */
  signal?: KnowledgeSignal;
  /** How often other processes' changes are polled for (ms); default 1,000; 0 turns polling off. */
  pollMs?: number;
  /** Share of the fitted tickets that must have changed before {@link KnowledgeBase.refitIfStale} refits; default 0.1. */
  refitShare?: number;
  /**
   * Up to this many tickets every change is learned from at once (a refit takes well under a second there, and new
   * words become searchable); above it changes are encoded with the current model and refits run in the background.
   * Default 2,000.
   */
  refitUpTo?: number;
  /** Called with errors of background work (polling, refits); default: kept for {@link KnowledgeBase.status}. */
  onError?: (error: unknown) => void;
  /**
   * Keep answer clusters (tickets whose answers say the same thing, with a canonical answer CX leads review),
   * recomputed in the background after tickets change; default off (the server turns them on).
   */
  answerClusters?: AnswerClustersOptions;
}

/** An index used as every generation: opened by clearing it (a refit refills it in place). */
function singleIndexGenerations(index: VectorIndex): IndexGenerations {
  return {
    engine: index.engine,
    async open(generation) {
      await index.ensure({ dims: generation.dims, payloadKeys: generation.payloadKeys });
      return { index, fresh: true };
    },
    async publish() {},
  };
}

/**
 * The company's past tickets, persisted in the {@link Store} and searchable through hybrid retrieval. The learned
 * model and every ticket's vectors are persisted too: a start loads them instead of learning again, a change is
 * searchable at once (encoded with the current model), other processes' changes arrive through {@link refresh}, and
 * {@link refit} learns a new model version in the background and swaps it in atomically. Ingest upserts by ticket
 * id; `sync` makes the given tickets the full snapshot of their source (missing ones are removed).
 */
export class KnowledgeBase {
  private readonly updates: KnowledgeUpdates;
  private readonly screening: ScreenOptions;
  /** The answer clusters, when kept (`answerClusters` option). */
  readonly clusters: AnswerClusters | undefined;

  constructor(
    private readonly store: Store,
    options: KnowledgeBaseOptions = {},
  ) {
    this.screening = options.screening ?? {};
    const generations = options.generations ?? (options.index ? singleIndexGenerations(options.index) : memoryGenerations());
    this.updates = new KnowledgeUpdates({
      store,
      generations,
      embedder: options.embedder ?? new LsaEmbedder(),
      retriever: options.retriever ?? {},
      screen: (tickets) => this.screenStored(tickets),
      ...(options.signal ? { signal: options.signal } : {}),
      pollMs: options.pollMs ?? 1_000,
      refitShare: options.refitShare ?? 0.1,
      refitUpTo: options.refitUpTo ?? 2_000,
      ...(options.onError ? { onError: options.onError } : {}),
    });
    this.clusters = options.answerClusters ? new AnswerClusters(store, () => this.current?.tickets() ?? [], { ...(options.onError ? { onError: options.onError } : {}), ...options.answerClusters }) : undefined;
  }

  /**
   * Loads the current model version and the stored vectors (learning a first model only when none is stored), and
   * starts following other processes' changes. Stored tickets without vectors that fail the screen (stored before it
   * existed, or written by another tool) are moved to the quarantine first, so nothing unsafe is ever searchable.
   */
  async load(): Promise<void> {
    await this.updates.load();
    // Tickets may have changed while this process was not running (another process wrote them).
    this.clusters?.schedule();
  }

  /** Screens stored tickets: held ones go to the quarantine unless a reviewer released the same text; returns the rest. */
  private async screenStored(tickets: readonly TicketRecord[]): Promise<TicketRecord[]> {
    const { safe, held } = screenTickets(tickets, this.screening);
    if (held.length === 0) return safe;
    const released = await this.releasedContent();
    await this.store.quarantine.quarantine(held.filter((h) => !released.has(contentKey(h.ticket))));
    const reviewed = held.filter((h) => released.has(contentKey(h.ticket))).map((h) => h.ticket);
    return [...safe, ...reviewed];
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
    await this.updates.changed();
    this.clusters?.schedule();
    this.updates.scheduleRefit();
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
   * `sync`); they are searchable when the promise resolves (encoded with the current model; the first tickets of an
   * empty knowledge base, or more than it was fitted on, are learned from at once). The one ingestion path of
   * `parley ingest`, agents' corrections and the tickets API.
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
    await this.updates.changed();
    if (counts.inserted + counts.updated + removed > 0) this.clusters?.schedule();
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

  /** Deletes tickets by id: gone from search when the promise resolves, here and (within seconds) everywhere. Returns how many existed. */
  async remove(ids: string[]): Promise<number> {
    const removed = await this.store.deleteTickets(ids);
    await this.updates.changed();
    if (removed > 0) this.clusters?.schedule();
    return removed;
  }

  /** Applies changes other processes made to the tickets (or their new model version); returns how many tickets changed. */
  refresh(): Promise<number> {
    return this.updates.refresh();
  }

  /**
   * Learns a new model version from all tickets in the background of turns, then swaps it in atomically (queries in
   * flight finish on the old one) and tells other processes, which load it on their next refresh.
   */
  refit(): Promise<void> {
    return this.updates.refit();
  }

  /** Refits when enough changed since the last fit (a share of the tickets, or labels the model does not know); true when it did. */
  refitIfStale(): Promise<boolean> {
    return this.updates.refitIfStale();
  }

  /** Starts {@link refitIfStale} in the background (corrections, releases); errors go to `onError`. */
  scheduleRefit(): void {
    this.updates.scheduleRefit();
  }

  /** Engine, model version, tickets per scope, last refit, pending changes, sequences and memory. */
  status(): Promise<KnowledgeStatus> {
    return this.updates.status();
  }

  /** Stops polling and following the signal, and waits for a running refit and for the clusters of changes made here. */
  async close(): Promise<void> {
    await this.clusters?.settled();
    await this.clusters?.close();
    await this.updates.close();
  }

  /** Retrieval for a question: ranked hits, confidence, label and out-of-scope flag. */
  async retrieve(question: string, options?: SearchOptions): Promise<Retrieval> {
    const retriever = this.current;
    return retriever ? retriever.retrieve(question, options) : { hits: [], confidence: 0, outOfScope: false };
  }

  /** The best-matching tickets for `question`, best first, scores 0–1. */
  async search(question: string, options?: SearchOptions): Promise<Hit[]> {
    return (await this.retrieve(question, options)).hits;
  }

  /** The ticket with this id, if indexed. */
  get(id: string): TicketRecord | undefined {
    return this.current?.get(id);
  }

  /** Number of searchable tickets. */
  get size(): number {
    return this.current?.size ?? 0;
  }

  /** The knowledge model version queries use (0 before the first fit). */
  get version(): number {
    return this.updates.current?.version ?? 0;
  }

  /** The current retriever (for benchmarks and diagnostics). */
  get current(): Retriever | undefined {
    return this.updates.current?.retriever;
  }
}

/** What a reviewer's release vouches for: the question and answer as stored. */
function contentKey(ticket: TicketRecord): string {
  return JSON.stringify([ticket.question, ticket.answer]);
}
