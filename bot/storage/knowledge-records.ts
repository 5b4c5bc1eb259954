import type { KnowledgeModelRecord, KnowledgeModelStatus, KnowledgeStore, TicketChanges, TicketRecord, TicketVectorRecord } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { now, str, type Row } from './rows.js';

/** A binary column as bytes (drivers return Buffers, a subclass of Uint8Array). */
const bytes = (value: unknown): Uint8Array => (value instanceof Uint8Array ? value : Buffer.from(String(value)));

/** Bytes as a driver parameter. */
const param = (value: Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

function toModel(row: Row): KnowledgeModelRecord {
  return {
    version: Number(row.version),
    status: str(row.status) as KnowledgeModelStatus,
    fittedSeq: Number(row.fitted_seq),
    tickets: Number(row.tickets),
    createdAt: str(row.created_at),
    readyAt: row.ready_at == null ? null : str(row.ready_at),
  };
}

function toVector(row: Row): TicketVectorRecord {
  return { ticketId: str(row.ticket_id), seq: Number(row.seq), vectors: bytes(row.vectors) };
}

/** The current ticket change sequence (migration 13, bumped by triggers on `tickets`). */
export async function ticketSeq(db: SqlDriver): Promise<number> {
  const rows = await db.query('SELECT seq FROM ticket_seq WHERE id = 1');
  return Number(rows[0]?.seq ?? 0);
}

/** Tickets changed after `sinceSeq` (one snapshot: the change rows joined with the tickets), `toTicket` maps a row. */
export async function ticketChanges(db: SqlDriver, sinceSeq: number, limit: number, toTicket: (row: Row) => TicketRecord): Promise<TicketChanges> {
  const rows = await db.query(
    `SELECT t.*, c.ticket_id AS change_ticket_id, c.seq AS change_seq, c.deleted AS change_deleted
     FROM ticket_changes c LEFT JOIN tickets t ON t.id = c.ticket_id WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
    [sinceSeq, limit],
  );
  const changes: TicketChanges = { seq: sinceSeq, upserted: [], deleted: [] };
  for (const row of rows) {
    changes.seq = Math.max(changes.seq, Number(row.change_seq));
    // A ticket deleted without a tombstone row yet cannot happen: the trigger writes both in one statement.
    if (Number(row.change_deleted) === 1 || row.id == null) changes.deleted.push(str(row.change_ticket_id));
    else changes.upserted.push(toTicket(row));
  }
  return changes;
}

/** {@link KnowledgeStore} over SQL (migration 13, tables `knowledge_models` and `ticket_vectors`). */
export class SqlKnowledgeRecords implements KnowledgeStore {
  constructor(private readonly db: SqlDriver) {}

  async createModel(input: { fittedSeq: number; tickets: number; model?: Uint8Array }): Promise<KnowledgeModelRecord> {
    const rows = await this.db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.query('LOCK TABLE knowledge_models IN SHARE ROW EXCLUSIVE MODE');
      return tx.query(
        `INSERT INTO knowledge_models (version, status, fitted_seq, tickets, model, created_at)
         SELECT COALESCE(MAX(version), 0) + 1, 'building', $1, $2, $3, $4 FROM knowledge_models
         RETURNING version, status, fitted_seq, tickets, created_at, ready_at`,
        [input.fittedSeq, input.tickets, param(input.model ?? new Uint8Array(0)), now()],
      );
    });
    return toModel(rows[0] as Row);
  }

  async saveModel(version: number, model: Uint8Array): Promise<void> {
    await this.db.run('UPDATE knowledge_models SET model = $2 WHERE version = $1', [version, param(model)]);
  }

  async publishModel(version: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run("UPDATE knowledge_models SET status = 'retired' WHERE status = 'ready' AND version < $1", [version]);
      await tx.run("UPDATE knowledge_models SET status = 'ready', ready_at = $2 WHERE version = $1", [version, now()]);
    });
  }

  async saveIndexSnapshot(version: number, snapshot: Uint8Array): Promise<void> {
    await this.db.run('UPDATE knowledge_models SET index_snapshot = $2 WHERE version = $1', [version, param(snapshot)]);
  }

  async loadIndexSnapshot(version: number): Promise<Uint8Array | undefined> {
    const rows = await this.db.query('SELECT index_snapshot FROM knowledge_models WHERE version = $1', [version]);
    return rows[0]?.index_snapshot == null ? undefined : bytes(rows[0].index_snapshot);
  }

  async currentModel(): Promise<KnowledgeModelRecord | undefined> {
    const rows = await this.db.query(
      "SELECT version, status, fitted_seq, tickets, created_at, ready_at FROM knowledge_models WHERE status = 'ready' ORDER BY version DESC LIMIT 1",
    );
    return rows[0] ? toModel(rows[0]) : undefined;
  }

  async loadModel(version: number): Promise<Uint8Array | undefined> {
    const rows = await this.db.query('SELECT model FROM knowledge_models WHERE version = $1', [version]);
    return rows[0] ? bytes(rows[0].model) : undefined;
  }

  async putVectors(version: number, vectors: readonly TicketVectorRecord[]): Promise<void> {
    if (vectors.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const v of vectors) {
        await tx.run(
          `INSERT INTO ticket_vectors (version, ticket_id, seq, vectors) VALUES ($1, $2, $3, $4)
           ON CONFLICT (version, ticket_id) DO UPDATE SET seq = excluded.seq, vectors = excluded.vectors`,
          [version, v.ticketId, v.seq, param(v.vectors)],
        );
      }
    });
  }

  async listVectors(version: number, page: { afterId?: string; limit?: number } = {}): Promise<TicketVectorRecord[]> {
    const rows = await this.db.query('SELECT ticket_id, seq, vectors FROM ticket_vectors WHERE version = $1 AND ticket_id > $2 ORDER BY ticket_id LIMIT $3', [
      version,
      page.afterId ?? '',
      page.limit ?? 5_000,
    ]);
    return rows.map(toVector);
  }

  async getVectors(version: number, ticketIds: readonly string[]): Promise<TicketVectorRecord[]> {
    const found: TicketVectorRecord[] = [];
    for (let start = 0; start < ticketIds.length; start += 500) {
      const ids = ticketIds.slice(start, start + 500);
      const placeholders = ids.map((_, i) => `$${i + 2}`).join(', ');
      const rows = await this.db.query(`SELECT ticket_id, seq, vectors FROM ticket_vectors WHERE version = $1 AND ticket_id IN (${placeholders})`, [version, ...ids]);
      found.push(...rows.map(toVector));
    }
    return found;
  }

  async deleteVectors(version: number, ticketIds: readonly string[]): Promise<number> {
    if (ticketIds.length === 0) return 0;
    let deleted = 0;
    await this.db.transaction(async (tx) => {
      for (const id of ticketIds) deleted += await tx.run('DELETE FROM ticket_vectors WHERE version = $1 AND ticket_id = $2', [version, id]);
    });
    return deleted;
  }

  async pruneModels(olderThan: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM ticket_vectors WHERE version < $1', [olderThan]);
      return tx.run('DELETE FROM knowledge_models WHERE version < $1', [olderThan]);
    });
  }
}
