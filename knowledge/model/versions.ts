import type { KnowledgeModelRecord, Store, TicketRecord } from '../../bot/core/index.js';
import { ParleyError } from '../../bot/core/index.js';
import { reviewedClasses } from '../clusters/reviewed-classes.js';
import type { Embedder } from '../embeddings/embedder.js';
import type { IndexGenerations } from '../indexes/generations.js';
import { isSnapshotIndex } from '../indexes/memory-index.js';
import { payloadKeysOf, Retriever, type EncodedTicketRecord, type RetrieverOptions } from '../retrieval/retriever.js';
import { labelFieldOf } from '../retrieval/retriever-records.js';
import { KnowledgeModel } from './knowledge-model.js';
import { emptyStreamedVectors, pair, persistVectors, streamStoredVectors } from './vector-records.js';

/** Tickets encoded, persisted and indexed per page when a version is fitted or opened. */
const ENCODE_PAGE = 5_000;

/** Metadata fields tried, in order, as the label field when none is configured. */

/** Settings key of the change sequence an index generation holds (persistent engines). */
export const generationSeqKey = (engine: string, version: number): string => `knowledge.generation.${engine}.${version}.seq`;

/** A loaded knowledge model version: its retriever (over its index generation) and what it was fitted on. */
export interface KnowledgeVersion {
  version: number;
  retriever: Retriever;
  fittedSeq: number;
  fittedTickets: number;
  /** Distinct tickets changed since the fit, as this process applied them. */
  changedSinceFit: Set<string>;
  /** Changes since the fit made before this process loaded the version (an estimate from the stored vectors). */
  changesBeforeLoad: number;
  readyAt: string | null;
}

/** What building or opening a version needs. */
export interface VersionContext {
  store: Store;
  generations: IndexGenerations;
  embedder: Embedder;
  retriever: Omit<RetrieverOptions, 'index' | 'embedder'>;
  /** Screens tickets about to be encoded (unsafe ones are quarantined); returns those to index. */
  screen: (tickets: readonly TicketRecord[]) => Promise<TicketRecord[]>;
}

/**
 * Learns a new model version from `tickets` (the store's tickets at change sequence `seq`): fits the vocabularies and
 * embedding, encodes and persists every ticket's vectors, fills a new index generation, learns the labels and stores
 * the model. Nothing is published: the caller catches up on later changes and swaps.
 */
export async function fitVersion(context: VersionContext, tickets: readonly TicketRecord[], seq: number): Promise<KnowledgeVersion> {
  const { store, generations } = context;
  const embedder = context.embedder.unfitted?.() ?? context.embedder;
  const labelField = labelFieldOf(tickets, context.retriever.labelField);
  const model = await KnowledgeModel.fit(tickets, embedder, labelField, context.retriever.wordVectors);
  const record = await store.knowledge.createModel({ fittedSeq: seq, tickets: tickets.length });
  const { index } = await generations.open({ version: record.version, dims: model.dims, payloadKeys: payloadKeysOf(labelField) });
  // A generation of a reserved version is new: whatever an engine kept under that name is stale.
  await index.clear();
  const retriever = new Retriever(model, index, context.retriever);
  // Page by page: a page's fresh vectors are dropped once persisted and copied into the retriever and the index.
  for (let start = 0; start < tickets.length; start += ENCODE_PAGE) {
    const page = tickets.slice(start, start + ENCODE_PAGE);
    const encoded = pair(page, await model.encode(page));
    await persistVectors(store.knowledge, record.version, seq, encoded);
    await retriever.apply(encoded, []);
  }
  // The answer-cluster model (without labels, or with labels that do not name answers) learns the classes CX leads' reviews made.
  await retriever.learnLabels(context.retriever, await reviewedClasses(store, tickets));
  await store.knowledge.saveModel(record.version, retriever.model.toBytes());
  const snapshot = isSnapshotIndex(index) ? index.snapshot() : undefined;
  if (snapshot) await store.knowledge.saveIndexSnapshot(record.version, snapshot);
  return { version: record.version, retriever, fittedSeq: seq, fittedTickets: tickets.length, changedSinceFit: new Set(), changesBeforeLoad: 0, readyAt: null };
}

/**
 * Opens a stored model version without refitting: reads the model, streams the stored vectors page by page into the
 * retriever (never all at once), encodes (and persists) only the tickets whose vectors are missing or stale, and
 * fills the index generation — or, when a persistent engine already holds it, applies the changes since the sequence
 * recorded for it. `vectorPage`: stored vectors read per page (default 5,000).
 */
export async function openVersion(
  context: VersionContext,
  record: KnowledgeModelRecord,
  tickets: readonly TicketRecord[],
  seq: number,
  options: { vectorPage?: number } = {},
): Promise<KnowledgeVersion> {
  const { store, generations } = context;
  const bytes = await store.knowledge.loadModel(record.version);
  if (!bytes || bytes.byteLength === 0) throw new ParleyError('storage_failed', `knowledge model ${record.version} has no stored model`);
  const model = KnowledgeModel.fromBytes(bytes, context.embedder, context.retriever.wordVectors);
  const { index, fresh } = await generations.open({ version: record.version, dims: model.dims, payloadKeys: payloadKeysOf(model.labels?.field ?? model.labelField) });
  const retriever = new Retriever(model, index, context.retriever);
  const heldSeq = fresh ? undefined : await store.getSetting(generationSeqKey(generations.engine, record.version));
  const stored = emptyStreamedVectors();
  let place: (page: EncodedTicketRecord[]) => Promise<void>;
  let deleted: string[] = [];
  if (heldSeq === undefined) {
    if (!fresh) await index.clear();
    const snapshot = isSnapshotIndex(index) ? await store.knowledge.loadIndexSnapshot(record.version) : undefined;
    // Clusters of tickets unchanged since the fit still hold (asked as each ticket is placed); changed ones are placed again.
    if (snapshot && isSnapshotIndex(index)) index.restore(snapshot, (id) => stored.unchanged.has(id));
    place = (page) => retriever.apply(page, []);
  } else {
    const changes = await changedSince(store, Number(heldSeq));
    const upserted = new Set(changes.upserted);
    deleted = changes.deleted;
    place = async (page) => {
      await retriever.apply(page, [], { index: false });
      await retriever.writeIndex(
        page.filter((e) => upserted.has(e.ticket.id)),
        [],
      );
    };
  }
  await streamStoredVectors(store.knowledge, record.version, tickets, { sinceSeq: record.fittedSeq, onPage: place, ...(options.vectorPage ? { pageSize: options.vectorPage } : {}) }, stored);
  // Tickets with vectors were screened when they were encoded; the others may come from another tool.
  const missing = await context.screen(stored.missing);
  for (let start = 0; start < missing.length; start += ENCODE_PAGE) {
    const page = missing.slice(start, start + ENCODE_PAGE);
    const encoded = pair(page, await model.encode(page));
    await persistVectors(store.knowledge, record.version, seq, encoded);
    await place(encoded);
  }
  if (stored.orphans.length) await store.knowledge.deleteVectors(record.version, stored.orphans);
  if (deleted.length) await retriever.writeIndex([], deleted);
  await store.setSetting(generationSeqKey(generations.engine, record.version), String(seq));
  const unchanged = stored.found - stored.changedSince;
  return {
    version: record.version,
    retriever,
    fittedSeq: record.fittedSeq,
    fittedTickets: record.tickets,
    changedSinceFit: new Set(),
    // Tickets re-encoded now or after the fit, or gone since (whichever estimate is larger).
    changesBeforeLoad: Math.max(missing.length + stored.changedSince, record.tickets - unchanged),
    readyAt: record.readyAt,
  };
}

/** Ids of tickets upserted and deleted after `sinceSeq` (all pages). */
export async function changedSince(store: Store, sinceSeq: number): Promise<{ seq: number; upserted: string[]; deleted: string[] }> {
  const out = { seq: sinceSeq, upserted: [] as string[], deleted: [] as string[] };
  for (;;) {
    const page = await store.ticketChanges(out.seq);
    out.upserted.push(...page.upserted.map((t) => t.id));
    out.deleted.push(...page.deleted);
    if (page.seq === out.seq) return out;
    out.seq = page.seq;
  }
}
