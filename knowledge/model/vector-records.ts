import type { KnowledgeStore, TicketRecord } from '../../bot/core/index.js';
import type { EncodedTicketRecord } from '../retrieval/retriever.js';
import { contentHash, decodeTicketVectors, encodeTicketVectors, storedHash, type TicketVectors } from './ticket-vectors.js';

/** Vectors written per store transaction. */
const WRITE_BATCH = 1_000;
/** Vectors read per page. */
const READ_PAGE = 5_000;

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
  /** Tickets whose usable vectors were written after `sinceSeq` (changed since the model was fitted). */
  changedSince: number;
  /** Ids of tickets whose usable vectors were written at or before `sinceSeq` (unchanged since the fit). */
  unchanged: Set<string>;
}

/** Matches stored vectors of `version` (by content hash) with `tickets`: all pages when `ids` is omitted. */
export async function matchStoredVectors(
  store: KnowledgeStore,
  version: number,
  tickets: readonly TicketRecord[],
  options: { sinceSeq?: number; all?: boolean } = {},
): Promise<StoredVectors> {
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const result: StoredVectors = { found: [], missing: [], orphans: [], changedSince: 0, unchanged: new Set() };
  const seen = new Set<string>();
  const take = (record: { ticketId: string; seq: number; vectors: Uint8Array }) => {
    const ticket = byId.get(record.ticketId);
    if (!ticket) {
      result.orphans.push(record.ticketId);
      return;
    }
    const [a, b] = storedHash(record.vectors);
    const [x, y] = contentHash(ticket);
    if (a !== x || b !== y) return;
    seen.add(ticket.id);
    result.found.push({ ticket, vectors: decodeTicketVectors(record.vectors) });
    if (options.sinceSeq !== undefined && record.seq > options.sinceSeq) result.changedSince++;
    else result.unchanged.add(ticket.id);
  };
  if (options.all) {
    let afterId: string | undefined;
    for (;;) {
      const page = await store.listVectors(version, { ...(afterId === undefined ? {} : { afterId }), limit: READ_PAGE });
      page.forEach(take);
      if (page.length < READ_PAGE) break;
      afterId = page[page.length - 1]?.ticketId;
    }
  } else {
    (await store.getVectors(version, [...byId.keys()])).forEach(take);
  }
  result.missing = tickets.filter((t) => !seen.has(t.id));
  return result;
}

/** Pairs tickets with freshly encoded vectors. */
export function pair(tickets: readonly TicketRecord[], vectors: readonly TicketVectors[]): EncodedTicketRecord[] {
  return tickets.map((ticket, i) => ({ ticket, vectors: vectors[i] as TicketVectors }));
}
