import type { TicketRecord } from './store.js';

/** Why a ticket was held back at ingest: a code (`asks_card_data`, `external_link`, …) and a line for reviewers. */
export interface QuarantineReason {
  code: string;
  message: string;
}

/** A ticket held back at ingest for review: kept in the store, never indexed nor answered from. */
export interface QuarantinedTicket {
  ticket: TicketRecord;
  reasons: QuarantineReason[];
  quarantinedAt: string;
  /** When a reviewer released it (it is then searchable, and the same text is not held again); null while held. */
  releasedAt: string | null;
  releasedBy: string | null;
}

/**
 * Tickets held for review (migration 11). A ticket is either searchable (in the tickets table) or quarantined, never
 * both: quarantining removes it from the tickets in the same transaction.
 */
export interface QuarantineStore {
  /** Holds the tickets back (replacing earlier quarantined versions) and removes them from the searchable tickets. */
  quarantine(entries: readonly { ticket: TicketRecord; reasons: QuarantineReason[] }[]): Promise<number>;
  /** Tickets held for review, oldest first; of one source with `source`; released ones too with `includeReleased`. */
  list(filter?: { source?: string; includeReleased?: boolean }): Promise<QuarantinedTicket[]>;
  get(id: string): Promise<QuarantinedTicket | undefined>;
  /**
   * Marks a held ticket as released by a reviewer and returns it (the caller makes it searchable); undefined when no
   * ticket with this id is held.
   */
  release(id: string, by: string): Promise<QuarantinedTicket | undefined>;
  /** Deletes quarantined tickets (released or rejected ones); returns how many there were. */
  remove(ids: readonly string[]): Promise<number>;
}
