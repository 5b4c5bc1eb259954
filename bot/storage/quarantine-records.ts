import type { QuarantinedTicket, QuarantineReason, QuarantineStore, TicketRecord } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { json, now, scopeField, str, type Row } from './rows.js';

function toQuarantined(row: Row): QuarantinedTicket {
  return {
    ticket: { id: str(row.id), question: str(row.question), answer: str(row.answer), source: str(row.source), ...scopeField(row.scope), metadata: json(row.metadata), updatedAt: str(row.updated_at) },
    reasons: json(row.reasons),
    quarantinedAt: str(row.quarantined_at),
    releasedAt: row.released_at == null ? null : str(row.released_at),
    releasedBy: row.released_by == null ? null : str(row.released_by),
  };
}

/** {@link QuarantineStore} over SQL (migration 11, table `quarantined_tickets`). */
export class SqlQuarantineRecords implements QuarantineStore {
  constructor(private readonly db: SqlDriver) {}

  async quarantine(entries: readonly { ticket: TicketRecord; reasons: QuarantineReason[] }[]): Promise<number> {
    if (entries.length === 0) return 0;
    const at = now();
    await this.db.transaction(async (tx) => {
      for (const { ticket, reasons } of entries) {
        await tx.run(
          `INSERT INTO quarantined_tickets (id, question, answer, source, metadata, reasons, updated_at, quarantined_at, scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (id) DO UPDATE SET question = excluded.question, answer = excluded.answer, source = excluded.source, scope = excluded.scope,
             metadata = excluded.metadata, reasons = excluded.reasons, updated_at = excluded.updated_at, quarantined_at = excluded.quarantined_at,
             released_at = NULL, released_by = NULL`,
          [ticket.id, ticket.question, ticket.answer, ticket.source, JSON.stringify(ticket.metadata), JSON.stringify(reasons), ticket.updatedAt ?? at, at, ticket.scope ?? null],
        );
        // A ticket that changed into something unsafe stops being searchable at once.
        await tx.run('DELETE FROM tickets WHERE id = $1', [ticket.id]);
      }
    });
    return entries.length;
  }

  async list(filter: { source?: string; includeReleased?: boolean } = {}): Promise<QuarantinedTicket[]> {
    const held = filter.includeReleased ? '' : ' AND released_at IS NULL';
    const rows = filter.source
      ? await this.db.query(`SELECT * FROM quarantined_tickets WHERE source = $1${held} ORDER BY quarantined_at, id`, [filter.source])
      : await this.db.query(`SELECT * FROM quarantined_tickets WHERE 1 = 1${held} ORDER BY quarantined_at, id`);
    return rows.map(toQuarantined);
  }

  async release(id: string, by: string): Promise<QuarantinedTicket | undefined> {
    const rows = await this.db.query('UPDATE quarantined_tickets SET released_at = $2, released_by = $3 WHERE id = $1 AND released_at IS NULL RETURNING *', [id, now(), by]);
    return rows[0] ? toQuarantined(rows[0]) : undefined;
  }

  async get(id: string): Promise<QuarantinedTicket | undefined> {
    const rows = await this.db.query('SELECT * FROM quarantined_tickets WHERE id = $1', [id]);
    return rows[0] ? toQuarantined(rows[0]) : undefined;
  }

  async remove(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    let removed = 0;
    await this.db.transaction(async (tx) => {
      for (const id of ids) removed += await tx.run('DELETE FROM quarantined_tickets WHERE id = $1', [id]);
    });
    return removed;
  }
}
