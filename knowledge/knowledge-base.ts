import type { QuarantinedTicket, QuarantineReason, Store, TicketRecord } from '../bot/core/index.js';
import { ParleyError } from '../bot/core/index.js';
import type { Embedder } from './embeddings/embedder.js';
import { prepareTickets, type PrepareOptions } from './ingest/prepare.js';
import { screenTickets, type ScreenOptions } from './ingest/screen.js';
import { LsaEmbedder } from './embeddings/lsa.js';
import { MemoryIndex } from './indexes/memory-index.js';
import type { VectorIndex } from './indexes/vector-index.js';
import type { KnowledgeSignal } from './live/signal.js';
import { readTicketSeq } from './live/ticket-seq.js';
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
  /** Change notification across processes: tickets written elsewhere become searchable here; default none. */
  signal?: KnowledgeSignal;
}

/**
 * The company's past tickets, persisted in the {@link Store} and searchable through hybrid retrieval. Ingest upserts
 * by ticket id; `sync` makes the given tickets the full snapshot of their source (missing ones are removed).
 */
export class KnowledgeBase {
  private retriever: Retriever | undefined;
  private readonly retrieverOptions: RetrieverOptions;
  private readonly screening: ScreenOptions;
  private readonly signal: KnowledgeSignal | undefined;
  /** The store's ticket counter the current retriever was built from (tracked with a signal only). */
  private loadedSeq: number | undefined;
  /** Loads run one at a time (a retriever build may clear a shared index): each waits for the one before. */
  private loadChain: Promise<void> = Promise.resolve();
  /** A reload queued by the signal and not started yet; later signals join it. */
  private queuedReload: { done: Promise<void>; seq: number | undefined } | undefined;

  constructor(
    private readonly store: Store,
    options: KnowledgeBaseOptions = {},
  ) {
    this.retrieverOptions = { ...options.retriever, index: options.index ?? new MemoryIndex(), embedder: options.embedder ?? new LsaEmbedder() };
    this.screening = options.screening ?? {};
    this.signal = options.signal;
    this.signal?.subscribe((seq) => this.reloadOnSignal(seq));
  }

  /**
   * Loads every stored ticket and rebuilds retrieval (vocabularies, embeddings, index, label model). Stored tickets that
   * fail the screen (stored before it existed, or written by another tool) are moved to the quarantine first, so that
   * nothing unsafe is ever searchable.
   */
  load(): Promise<void> {
    return this.exclusive(() => this.loadNow());
  }

  private async loadNow(): Promise<void> {
    const seq = this.signal ? await readTicketSeq(this.store) : undefined;
    const { safe, held } = screenTickets(await this.store.listTickets(), this.screening);
    const released = held.length ? await this.releasedContent() : new Set<string>();
    await this.store.quarantine.quarantine(held.filter((h) => !released.has(contentKey(h.ticket))));
    const reviewed = held.filter((h) => released.has(contentKey(h.ticket))).map((h) => h.ticket);
    this.retriever = await Retriever.build(reviewed.length ? [...safe, ...reviewed] : safe, this.retrieverOptions);
    this.loadedSeq = seq;
  }

  /** Runs `work` after every load queued before it. */
  private exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.loadChain.then(work);
    this.loadChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Another process (or this one) changed tickets: reload once the running load is done, unless the retriever was
   * built at that very counter by then. Signals arriving before the queued reload starts join it.
   */
  private reloadOnSignal(seq: number | undefined): Promise<void> {
    if (seq !== undefined && seq === this.loadedSeq) return Promise.resolve();
    const queued = this.queuedReload;
    if (queued) {
      if (queued.seq !== seq) queued.seq = undefined;
      return queued.done;
    }
    const reload: { done: Promise<void>; seq: number | undefined } = { done: Promise.resolve(), seq };
    reload.done = this.exclusive(async () => {
      this.queuedReload = undefined;
      if (reload.seq !== undefined && reload.seq === this.loadedSeq) return;
      await this.loadNow();
    });
    this.queuedReload = reload;
    return reload.done;
  }

  /**
   * Rebuilds retrieval after this process wrote tickets and, at the same time, tells the other processes (no-op
   * without a signal): they start on the change while this one rebuilds, not after.
   */
  private async reloadAndAnnounce(): Promise<void> {
    const reloaded = this.load();
    const announced = this.signal ? readTicketSeq(this.store).then((seq) => this.signal?.notify(seq)) : undefined;
    await Promise.all([reloaded, announced]);
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
    await this.reloadAndAnnounce();
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
    await this.reloadAndAnnounce();
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
