import type { TicketRecord } from '../../bot/core/index.js';
import { ParleyError } from '../../bot/core/index.js';
import type { KnowledgeSignal } from '../live/signal.js';
import { reviewedClasses } from '../clusters/reviewed-classes.js';
import { sameAliases } from '../retrieval/answer-clusters.js';
import type { Retriever } from '../retrieval/retriever.js';
import type { AnswerSelectionStatus } from '../retrieval/answer-selection.js';
import { listAllTickets, pair, matchStoredVectors, persistVectors } from './vector-records.js';
import { fitVersion, generationSeqKey, openVersion, type KnowledgeVersion, type VersionContext } from './versions.js';


/** What `parley knowledge status` reports. */
export interface KnowledgeStatus {
  /** Index engine (`memory`, `qdrant`). */
  engine: string;
  /** Current knowledge model version (0 before the first fit). */
  version: number;
  /** Searchable tickets. */
  tickets: number;
  /** Tickets per scope; shared tickets (no scope) under `*`. */
  byScope: Record<string, number>;
  /** When the current version was published (null when unknown or none). */
  lastRefitAt: string | null;
  /** Tickets changed since the current model was fitted (folded in with fixed vocabularies). */
  pendingChanges: number;
  /** The ticket change sequence applied here. */
  appliedSeq: number;
  /** The store's ticket change sequence. */
  storeSeq: number;
  /** Resident memory of this process (MB). */
  rssMb: number;
  /**
   * The answer threshold the current version selected for the precision target (`PARLEY_TARGET_PRECISION`) on
   * held-out tickets; null when it could not select one and the configured threshold applies (see
   * `Retriever.answerSelection`).
   */
  answerSelection: AnswerSelectionStatus | null;
  /** The last error of background work (polling, refits), if any. */
  lastError?: string;
}

/** Options of {@link KnowledgeUpdates}. */
export interface UpdatesOptions extends VersionContext {
  signal?: KnowledgeSignal;
  pollMs: number;
  refitShare: number;
  refitUpTo: number;
  onError?: (error: unknown) => void;
}

const SHARED_SCOPE = '*';

/**
 * The live state of a knowledge base: the current model version, the change sequence applied to it, and how it
 * moves — changes applied in order (one at a time), refits built aside and swapped in, other processes followed by
 * polling and the signal.
 */
export class KnowledgeUpdates {
  /** The version queries use; replaced as a whole (never mutated half-way for a query to see). */
  current: KnowledgeVersion | undefined;
  private appliedSeq = 0;
  private serial: Promise<unknown> = Promise.resolve();
  private refitting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private polling = false;
  private lastError: string | undefined;

  /** The version and cluster stamp {@link reviewsChanged} last compared (nothing changed for that pair). */
  private checkedReviews: { version: KnowledgeVersion; stamp: string } | undefined;

  constructor(private readonly options: UpdatesOptions) {}

  /** Runs `work` after every earlier change application (they never interleave). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private report(error: unknown): void {
    this.lastError = error instanceof Error ? error.message : String(error);
    this.options.onError?.(error);
  }

  /** Loads the current version (fitting the first one when none is stored) and starts following changes. */
  async load(): Promise<void> {
    const { store } = this.options;
    const opened = await this.exclusive(async () => {
      const seq = await store.ticketSeq();
      const record = await store.knowledge.currentModel();
      if (!record) return false;
      try {
        this.current = await openVersion(this.options, record, await listAllTickets(store), seq);
        this.appliedSeq = seq;
        return true;
      } catch (error) {
        // A model this build cannot read (another format, another embedder) is learned again.
        if (error instanceof ParleyError && error.code === 'storage_failed') return false;
        throw error;
      }
    });
    if (!opened && (await store.countTickets()) > 0) await this.refit();
    await this.refresh();
    this.follow();
  }

  private follow(): void {
    if (this.closed) return;
    if (this.options.pollMs > 0 && !this.timer) {
      this.timer = setInterval(() => void this.poll(), this.options.pollMs);
      this.timer.unref();
    }
    this.unsubscribe ??= this.options.signal?.subscribe(() => void this.poll());
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      await this.refresh();
    } catch (error) {
      this.report(error);
    } finally {
      this.polling = false;
    }
  }

  /** Applies changes made since the applied sequence (and a newer model version another process published). */
  refresh(): Promise<number> {
    return this.exclusive(async () => {
      if (this.closed) return 0;
      const { store } = this.options;
      const record = await store.knowledge.currentModel();
      if (record && record.version > (this.current?.version ?? 0) && !this.refitting) {
        const seq = await store.ticketSeq();
        this.current = await openVersion(this.options, record, await listAllTickets(store), seq);
        this.appliedSeq = seq;
      }
      if (!this.current) return 0;
      const { seq, count } = await this.applyChanges(this.current, this.appliedSeq);
      this.appliedSeq = seq;
      return count;
    });
  }

  /** Applies ticket changes after `fromSeq` to `target` (vectors from the store, else encoded and persisted). */
  private async applyChanges(target: KnowledgeVersion, fromSeq: number): Promise<{ seq: number; count: number }> {
    const { store } = this.options;
    let seq = fromSeq;
    let count = 0;
    for (;;) {
      const page = await store.ticketChanges(seq);
      if (page.seq === seq) return { seq, count };
      const stored = await matchStoredVectors(store.knowledge, target.version, page.upserted);
      const missing = await this.options.screen(stored.missing);
      const encoded = pair(missing, await target.retriever.model.encode(missing));
      await persistVectors(store.knowledge, target.version, page.seq, encoded);
      const held = stored.missing.filter((t) => !missing.includes(t)).map((t) => t.id);
      await target.retriever.apply([...stored.found, ...encoded], [...page.deleted, ...held]);
      if (page.deleted.length) await store.knowledge.deleteVectors(target.version, page.deleted);
      for (const id of [...page.upserted.map((t) => t.id), ...page.deleted]) target.changedSinceFit.add(id);
      count += page.upserted.length + page.deleted.length;
      seq = page.seq;
    }
  }

  /**
   * After this process wrote tickets: applies the changes (searchable on return), and tells other processes. A model
   * is learned first when there is none, when the changes outnumber the tickets it was fitted on, or when the
   * knowledge base is small enough (`refitUpTo`) for learning to cost less than a fixed vocabulary would.
   */
  async changed(): Promise<void> {
    const { store, signal } = this.options;
    const storeSeq = await store.ticketSeq();
    const current = this.current;
    const incoming = storeSeq - this.appliedSeq;
    // A write that changed no ticket (all skipped, unchanged or held) has nothing to learn or apply.
    if (incoming === 0 && current && current.fittedTickets > 0) return;
    const small = current !== undefined && current.retriever.size + incoming <= this.options.refitUpTo;
    if (!current || current.fittedTickets === 0 || small || this.pending(current) + incoming > current.fittedTickets) await this.refit();
    else await this.refresh();
    await this.notify(signal);
  }

  /** Tells other processes (a signal outage must not fail a write that is done: they poll too). */
  private async notify(signal: KnowledgeSignal | undefined): Promise<void> {
    if (!signal) return;
    try {
      await signal.notify(await this.options.store.ticketSeq());
    } catch (error) {
      this.report(error);
    }
  }

  private pending(version: KnowledgeVersion): number {
    return version.changesBeforeLoad + version.changedSinceFit.size;
  }

  /** Learns a new version aside, catches up on changes made meanwhile, then publishes and swaps it in. */
  refit(): Promise<void> {
    this.refitting ??= this.runRefit().finally(() => {
      this.refitting = undefined;
    });
    return this.refitting;
  }

  private async runRefit(): Promise<void> {
    const { store, generations, signal } = this.options;
    const seq = await store.ticketSeq();
    const tickets = await this.options.screen(await listAllTickets(store));
    if (tickets.length === 0) {
      // Nothing to learn from: the current version (if any) only needs the deletions applied.
      await this.refresh();
      return;
    }
    const next = await fitVersion(this.options, tickets, seq);
    await this.exclusive(async () => {
      const caughtUp = await this.applyChanges(next, seq);
      await store.knowledge.publishModel(next.version);
      await generations.publish(next.version);
      await store.setSetting(generationSeqKey(generations.engine, next.version), String(caughtUp.seq));
      next.readyAt = new Date().toISOString();
      this.current = next;
      this.appliedSeq = caughtUp.seq;
      await store.knowledge.pruneModels(next.version - 1);
    });
    await this.notify(signal);
  }

  /**
   * Refits when enough changed since the fit, tickets carry labels the model does not know, or CX leads' reviews of
   * the answer clusters changed the classes the answer-cluster model learned; true when it did.
   */
  async refitIfStale(): Promise<boolean> {
    if (this.refitting || this.closed) return false;
    const current = this.current;
    if (!current) {
      if ((await this.options.store.countTickets()) === 0) return false;
    } else {
      const share = this.pending(current) / Math.max(1, current.fittedTickets);
      if (share < this.options.refitShare && current.retriever.unknownLabels().length === 0 && !(await this.reviewsChanged(current))) return false;
    }
    await this.refit();
    return true;
  }

  /**
   * True when the reviewed answer classes differ from those `version`'s answer-cluster model learned (only a model
   * with one: without labels). The clusters are read again only when their stamp moved since the last check.
   */
  private async reviewsChanged(version: KnowledgeVersion): Promise<boolean> {
    const model = version.retriever.model;
    if (!model.clusters) return false;
    const stamp = await this.options.store.clusters.stamp();
    if (this.checkedReviews?.version === version && this.checkedReviews.stamp === stamp) return false;
    const changed = !sameAliases(await reviewedClasses(this.options.store, [...version.retriever.tickets()]), model.clusterAliases);
    if (!changed) this.checkedReviews = { version, stamp };
    return changed;
  }

  /** Starts {@link refitIfStale} without waiting; errors are reported. */
  scheduleRefit(): void {
    this.refitIfStale().catch((error: unknown) => this.report(error));
  }

  /** See {@link KnowledgeStatus}. */
  async status(): Promise<KnowledgeStatus> {
    const retriever: Retriever | undefined = this.current?.retriever;
    const byScope: Record<string, number> = {};
    for (const ticket of retriever?.tickets() ?? []) {
      const scope = scopeOf(ticket);
      byScope[scope] = (byScope[scope] ?? 0) + 1;
    }
    return {
      engine: this.options.generations.engine,
      version: this.current?.version ?? 0,
      tickets: retriever?.size ?? 0,
      byScope,
      lastRefitAt: this.current?.readyAt ?? null,
      pendingChanges: this.current ? this.pending(this.current) : 0,
      appliedSeq: this.appliedSeq,
      storeSeq: await this.options.store.ticketSeq(),
      rssMb: Math.round(process.memoryUsage().rss / 1_048_576),
      answerSelection: retriever?.answerSelection() ?? null,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Stops following changes and waits for running work. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    await this.refitting?.catch(() => undefined);
    await this.serial;
  }
}

/** A ticket's scope (shared tickets have none). */
function scopeOf(ticket: TicketRecord): string {
  const scope = (ticket as TicketRecord & { scope?: unknown }).scope;
  return typeof scope === 'string' && scope ? scope : SHARED_SCOPE;
}
