import { createHash } from 'node:crypto';
import type { Store } from '../../bot/core/index.js';

/** A store that may keep a ticket change counter (`Store.ticketSeq`, added with migration 13). */
type MaybeCountingStore = Store & { ticketSeq?: () => Promise<number> };

/**
 * The store's ticket change counter: `store.ticketSeq()` (one indexed read) where the store keeps one. A store
 * without the counter gets a fingerprint of its tickets instead (a 48-bit hash of every ticket, read in full, so
 * only for small stores): it changes whenever a ticket is added, edited or removed, which is all a signal needs.
 */
export async function readTicketSeq(store: Store): Promise<number> {
  const counting = store as MaybeCountingStore;
  if (typeof counting.ticketSeq === 'function') return counting.ticketSeq();
  const hash = createHash('sha256');
  const tickets = (await store.listTickets()).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const ticket of tickets) hash.update(JSON.stringify(ticket)).update('\n');
  return hash.digest().readUIntBE(0, 6);
}
