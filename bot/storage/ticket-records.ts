import { createHash } from 'node:crypto';
import { scopeKey, type TicketChanges, type TicketRecord } from '../core/index.js';
import { ticketChanges, ticketSeq } from './knowledge-records.js';
import type { SqlDriver } from './sql-driver.js';
import { StoredReadCache } from './stored-read-cache.js';
import { json, now, type Row, scopeField, str } from './rows.js';

/** Most tickets of one source kept in memory between reads (see {@link SqlTicketRecords.list}). */
export const KEPT_SOURCE_TICKETS = 1_000;

function toTicket(row: Row): TicketRecord {
  return {
    id: str(row.id),
    question: str(row.question),
    answer: str(row.answer),
    source: str(row.source),
    ...scopeField(row.scope),
    metadata: json(row.metadata),
    updatedAt: str(row.updated_at),
  };
}

function ticketHash(ticket: TicketRecord): string {
  // A shared ticket hashes as before scopes existed, so re-ingesting an unchanged file stays a no-op.
  const fields = ticket.scope ? [ticket.question, ticket.answer, ticket.source, ticket.metadata, ticket.scope] : [ticket.question, ticket.answer, ticket.source, ticket.metadata];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** The knowledge's tickets over SQL (table `tickets`; its change sequence in `ticket_seq` and `ticket_changes`). */
export class SqlTicketRecords {
  /**
   * The tickets of one source, read whole (agents' corrections, on every answer): from memory while `tickets` is
   * unchanged, up to {@link KEPT_SOURCE_TICKETS} of them (a whole ingested source, listed by `ingest --sync`, is not kept).
   */
  readonly #bySource: StoredReadCache<readonly TicketRecord[]>;

  constructor(private readonly db: SqlDriver) {
    this.#bySource = new StoredReadCache(db, ['tickets'], (tickets) => tickets.length <= KEPT_SOURCE_TICKETS);
  }

  /** Inserts or updates `tickets` in one transaction; a ticket whose content hash is unchanged is left alone. */
  async upsert(tickets: readonly TicketRecord[]): Promise<{ inserted: number; updated: number; unchanged: number }> {
    const counts = { inserted: 0, updated: 0, unchanged: 0 };
    const at = now();
    await this.db.transaction(async (tx) => {
      for (const ticket of tickets) {
        const hash = ticketHash(ticket);
        const existing = await tx.query('SELECT content_hash FROM tickets WHERE id = $1', [ticket.id]);
        if (existing[0]?.content_hash === hash) {
          counts.unchanged++;
          continue;
        }
        await tx.run(
          `INSERT INTO tickets (id, question, answer, source, metadata, content_hash, updated_at, scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (id) DO UPDATE SET question = excluded.question, answer = excluded.answer, source = excluded.source,
           metadata = excluded.metadata, content_hash = excluded.content_hash, updated_at = excluded.updated_at, scope = excluded.scope`,
          [ticket.id, ticket.question, ticket.answer, ticket.source, JSON.stringify(ticket.metadata), hash, ticket.updatedAt ?? at, ticket.scope ?? null],
        );
        if (existing[0]) counts.updated++;
        else counts.inserted++;
      }
    });
    return counts;
  }

  /** Deletes the tickets with these ids in one transaction; how many there were. */
  async delete(ids: readonly string[]): Promise<number> {
    let deleted = 0;
    await this.db.transaction(async (tx) => {
      for (const id of ids) deleted += await tx.run('DELETE FROM tickets WHERE id = $1', [id]);
    });
    return deleted;
  }

  /** Tickets by id, of one source and/or after an id, up to a limit; a whole source's listing is handed out as copies. */
  async list(filter: { source?: string; afterId?: string; limit?: number } = {}): Promise<TicketRecord[]> {
    const { source } = filter;
    if (source === undefined || filter.afterId !== undefined || filter.limit !== undefined) return this.read(filter);
    const tickets = await this.#bySource.get(source, () => this.read({ source }));
    return tickets.map((ticket) => ({ ...ticket, metadata: structuredClone(ticket.metadata) }));
  }

  private async read(filter: { source?: string; afterId?: string; limit?: number }): Promise<TicketRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.source) where.push(`source = $${params.push(filter.source)}`);
    if (filter.afterId !== undefined) where.push(`id > $${params.push(filter.afterId)}`);
    const limit = filter.limit === undefined ? '' : ` LIMIT $${params.push(filter.limit)}`;
    const rows = await this.db.query(`SELECT * FROM tickets${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id${limit}`, params);
    return rows.map(toTicket);
  }

  /** The current ticket change sequence. */
  seq(): Promise<number> {
    return ticketSeq(this.db);
  }

  /** Tickets changed after `sinceSeq`. */
  changes(sinceSeq: number, limit = 10_000): Promise<TicketChanges> {
    return ticketChanges(this.db, sinceSeq, limit, toTicket);
  }

  /** How many tickets there are. */
  async count(): Promise<number> {
    const rows = await this.db.query('SELECT COUNT(*) AS n FROM tickets');
    return Number(rows[0]?.n ?? 0);
  }

  /** How many tickets each scope has (shared tickets under the shared scope's key). */
  async countByScope(): Promise<Record<string, number>> {
    const rows = await this.db.query('SELECT scope, COUNT(*) AS n FROM tickets GROUP BY scope');
    return Object.fromEntries(rows.map((row) => [scopeKey(row.scope == null ? null : str(row.scope)), Number(row.n)]));
  }
}
