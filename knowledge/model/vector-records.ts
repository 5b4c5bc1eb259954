import type { KnowledgeStore, Store, TicketRecord } from '../../bot/core/index.js';
import type { EncodedTicketRecord } from '../retrieval/retriever.js';
import { contentHash, decodeTicketVectors, encodeTicketVectors, storedHash, type TicketVectors } from './ticket-vectors.js';

/** Vectors written per store transaction. */
const WRITE_BATCH = 1_000;
/** Vectors read per page by default. */
const READ_PAGE = 5_000;

/** Tickets read per page by {@link listAllTickets}. */
const TICKET_PAGE = 20_000;

/**
 * Every ticket of the store, read page by page in id order: the store's rows of one page at a time are in memory
 * beside the tickets (reading a million rows at once held them all twice).
 */
export async function listAllTickets(store: Pick<Store, 'listTickets'>, pageSize = TICKET_PAGE): Promise<TicketRecord[]> {
  const tickets: TicketRecord[] = [];
  for (;;) {
    const afterId = tickets[tickets.length - 1]?.id;
    const page = await store.listTickets({ limit: pageSize, ...(afterId === undefined ? {} : { afterId }) });
    for (const ticket of page) tickets.push(ticket);
    if (page.length < pageSize) return tickets;
  }
}

/** Persists tickets' vectors for a model version, encoded at change sequence `seq`. */
export async function persistVectors(store: KnowledgeStore, version: number, seq: number, encoded: readonly EncodedTicketRecord[]): Promise<void> {
  for (let start = 0; start < encoded.length; start += WRITE_BATCH) {
    const batch = encoded.slice(start, start + WRITE_BATCH);
    await store.putVectors(
      version,
      batch.map(({ ticket, vectors }) => ({ ticketId: ticket.id, seq, vectors: encodeTicketVectors(vectors, contentHash(ticket)) })),
    );
  }
}

/** What stored vectors say about a set of tickets: the usable vectors, the tickets to encode again, stale ids. */
export interface StoredVectors {
  found: EncodedTicketRecord[];
  missing: TicketRecord[];
  /** Ids of stored vectors whose ticket is gone. */
  orphans: string[];
}

/** A stored vector record as the store returns it. */
type VectorRecord = { ticketId: string; seq: number; vectors: Uint8Array };

/** The usable vectors of `record` for its ticket in `byId` (same content hash), or why not: `orphan` or `stale`. */
function matchRecord(record: VectorRecord, byId: ReadonlyMap<string, TicketRecord>): EncodedTicketRecord | 'orphan' | 'stale' {
  const ticket = byId.get(record.ticketId);
  if (!ticket) return 'orphan';
  const [a, b] = storedHash(record.vectors);
  const [x, y] = contentHash(ticket);
  if (a !== x || b !== y) return 'stale';
  return { ticket, vectors: decodeTicketVectors(record.vectors) };
}

function byIdOf(tickets: readonly TicketRecord[]): Map<string, TicketRecord> {
  const byId = new Map<string, TicketRecord>();
  for (const ticket of tickets) byId.set(ticket.id, ticket);
  return byId;
}

/** Matches the stored vectors of `version` for these tickets (by content hash): a page of changed tickets. */
export async function matchStoredVectors(store: KnowledgeStore, version: number, tickets: readonly TicketRecord[]): Promise<StoredVectors> {
  const byId = byIdOf(tickets);
  const result: StoredVectors = { found: [], missing: [], orphans: [] };
  const seen = new Set<string>();
  for (const record of await store.getVectors(version, [...byId.keys()])) {
    const match = matchRecord(record, byId);
    if (match === 'orphan') result.orphans.push(record.ticketId);
    else if (match !== 'stale') {
      seen.add(record.ticketId);
      result.found.push(match);
    }
  }
  result.missing = tickets.filter((t) => !seen.has(t.id));
  return result;
}

/** What {@link streamStoredVectors} found, filled as the pages are read. */
export interface StreamedVectors {
  /** Tickets without usable stored vectors (to encode again), known once every page is read. */
  missing: TicketRecord[];
  /** Ids of stored vectors whose ticket is gone. */
  orphans: string[];
  /** Tickets whose usable vectors were found. */
  found: number;
  /** Of those, the tickets whose vectors were written after `sinceSeq` (changed since the model was fitted). */
  changedSince: number;
  /** Ids of tickets whose usable vectors were written at or before `sinceSeq` (unchanged since the fit), so far. */
  unchanged: Set<string>;
}

/** An empty {@link StreamedVectors}, for a caller that reads `unchanged` while the pages arrive. */
export function emptyStreamedVectors(): StreamedVectors {
  return { missing: [], orphans: [], found: 0, changedSince: 0, unchanged: new Set() };
}

/**
 * Reads every stored vector of `version` page by page — never all at once: a million tickets' vectors would hold
 * millions of small arrays — matches each with `tickets` by content hash, and hands each page's usable vectors to
 * `onPage` (which copies what it keeps) before reading the next. Fills and returns `into`.
 */
export async function streamStoredVectors(
  store: KnowledgeStore,
  version: number,
  tickets: readonly TicketRecord[],
  options: { sinceSeq: number; onPage: (found: EncodedTicketRecord[]) => Promise<void>; pageSize?: number },
  into: StreamedVectors = emptyStreamedVectors(),
): Promise<StreamedVectors> {
  const byId = byIdOf(tickets);
  const seen = new Set<string>();
  const limit = options.pageSize ?? READ_PAGE;
  let afterId: string | undefined;
  for (;;) {
    const page = await store.listVectors(version, { ...(afterId === undefined ? {} : { afterId }), limit });
    const found: EncodedTicketRecord[] = [];
    for (const record of page) {
      const match = matchRecord(record, byId);
      if (match === 'orphan') into.orphans.push(record.ticketId);
      if (typeof match === 'string') continue;
      seen.add(record.ticketId);
      found.push(match);
      into.found++;
      if (record.seq > options.sinceSeq) into.changedSince++;
      else into.unchanged.add(record.ticketId);
    }
    if (found.length) await options.onPage(found);
    if (page.length < limit) break;
    afterId = page[page.length - 1]?.ticketId;
  }
  into.missing = tickets.filter((t) => !seen.has(t.id));
  return into;
}

/** Pairs tickets with freshly encoded vectors. */
export function pair(tickets: readonly TicketRecord[], vectors: readonly TicketVectors[]): EncodedTicketRecord[] {
  return tickets.map((ticket, i) => ({ ticket, vectors: vectors[i] as TicketVectors }));
}
