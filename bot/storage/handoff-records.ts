import {
  newId,
  type CorrectionRecord,
  type HandoffJob,
  type HandoffPatch,
  type HandoffRecord,
  type HandoffStatus,
  type HandoffStore,
} from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { now, type Row } from './rows.js';

const parse = <T>(row: Row | undefined): T | undefined => (row ? (JSON.parse(String(row.record)) as T) : undefined);

/**
 * {@link HandoffStore} over SQL (migration 4): each record is kept whole as JSON, with the columns it is looked up by
 * (status, desk thread, ticket) beside it.
 */
export class SqlHandoffRecords implements HandoffStore {
  constructor(private readonly db: SqlDriver) {}

  async createHandoff(input: { conversationId: string; reason: string; status?: HandoffStatus; escalatedAt?: string }): Promise<HandoffRecord> {
    const at = input.escalatedAt ?? now();
    const record: HandoffRecord = {
      id: newId('hof'),
      conversationId: input.conversationId,
      status: input.status ?? 'waiting',
      reason: input.reason,
      escalatedAt: at,
      desk: null,
      deskThread: null,
      claimedBy: null,
      claimedByName: null,
      claimedAt: null,
      reminders: 0,
      lastReminderAt: null,
      followUp: null,
      ticket: null,
      closedAt: null,
      updatedAt: now(),
    };
    await this.db.run(
      `INSERT INTO handoffs (id, conversation_id, status, desk_thread, ticket_system, ticket_id, record, updated_at)
       VALUES ($1, $2, $3, NULL, NULL, NULL, $4, $5)`,
      [record.id, record.conversationId, record.status, JSON.stringify(record), record.updatedAt],
    );
    return record;
  }

  async getHandoff(id: string): Promise<HandoffRecord | undefined> {
    return parse((await this.db.query('SELECT record FROM handoffs WHERE id = $1', [id]))[0]);
  }

  async activeHandoff(conversationId: string): Promise<HandoffRecord | undefined> {
    const rows = await this.db.query(
      "SELECT record FROM handoffs WHERE conversation_id = $1 AND status IN ('waiting', 'claimed') ORDER BY seq DESC LIMIT 1",
      [conversationId],
    );
    return parse(rows[0]);
  }

  async findHandoffByThread(deskThread: string): Promise<HandoffRecord | undefined> {
    return parse((await this.db.query('SELECT record FROM handoffs WHERE desk_thread = $1 ORDER BY seq DESC LIMIT 1', [deskThread]))[0]);
  }

  async findHandoffByTicket(system: string, id: string): Promise<HandoffRecord | undefined> {
    const rows = await this.db.query('SELECT record FROM handoffs WHERE ticket_system = $1 AND ticket_id = $2 ORDER BY seq DESC LIMIT 1', [system, id]);
    return parse(rows[0]);
  }

  async listActiveHandoffs(): Promise<HandoffRecord[]> {
    const rows = await this.db.query("SELECT record FROM handoffs WHERE status IN ('waiting', 'claimed') ORDER BY seq");
    return rows.map((row) => parse<HandoffRecord>(row) as HandoffRecord);
  }

  async listHandoffs(conversationId: string): Promise<HandoffRecord[]> {
    const rows = await this.db.query('SELECT record FROM handoffs WHERE conversation_id = $1 ORDER BY seq', [conversationId]);
    return rows.map((row) => parse<HandoffRecord>(row) as HandoffRecord);
  }

  async updateHandoff(id: string, patch: HandoffPatch, expectStatus?: readonly HandoffStatus[]): Promise<HandoffRecord | undefined> {
    return this.db.transaction(async (tx) => {
      // FOR UPDATE on PostgreSQL makes the compare-and-set safe between servers; SQLite transactions are serial.
      const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
      const current = parse<HandoffRecord>((await tx.query(`SELECT record FROM handoffs WHERE id = $1${lock}`, [id]))[0]);
      if (!current) return undefined;
      if (expectStatus && !expectStatus.includes(current.status)) return undefined;
      const next: HandoffRecord = { ...current, ...patch, updatedAt: now() };
      await tx.run('UPDATE handoffs SET status = $2, desk_thread = $3, ticket_system = $4, ticket_id = $5, record = $6, updated_at = $7 WHERE id = $1', [
        id,
        next.status,
        next.deskThread,
        next.ticket?.system ?? null,
        next.ticket?.id ?? null,
        JSON.stringify(next),
        next.updatedAt,
      ]);
      return next;
    });
  }

  async addCorrection(input: Omit<CorrectionRecord, 'id' | 'createdAt' | 'revertedAt' | 'revertedBy'>): Promise<CorrectionRecord> {
    const record: CorrectionRecord = { ...input, id: newId('corr'), createdAt: now(), revertedAt: null, revertedBy: null };
    await this.db.run('INSERT INTO corrections (id, reverted_at, record, created_at) VALUES ($1, NULL, $2, $3)', [record.id, JSON.stringify(record), record.createdAt]);
    return record;
  }

  async getCorrection(id: string): Promise<CorrectionRecord | undefined> {
    return parse((await this.db.query('SELECT record FROM corrections WHERE id = $1', [id]))[0]);
  }

  async listCorrections(options: { includeReverted?: boolean } = {}): Promise<CorrectionRecord[]> {
    const where = options.includeReverted ? '' : ' WHERE reverted_at IS NULL';
    const rows = await this.db.query(`SELECT record FROM corrections${where} ORDER BY seq DESC`);
    return rows.map((row) => parse<CorrectionRecord>(row) as CorrectionRecord);
  }

  async revertCorrection(id: string, by: string): Promise<CorrectionRecord | undefined> {
    return this.db.transaction(async (tx) => {
      const current = parse<CorrectionRecord>((await tx.query('SELECT record FROM corrections WHERE id = $1', [id]))[0]);
      if (!current || current.revertedAt) return undefined;
      const next: CorrectionRecord = { ...current, revertedAt: now(), revertedBy: by };
      const changed = await tx.run('UPDATE corrections SET reverted_at = $2, record = $3 WHERE id = $1 AND reverted_at IS NULL', [id, next.revertedAt, JSON.stringify(next)]);
      return changed ? next : undefined;
    });
  }

  async enqueueHandoffJob(input: { kind: string; payload: Record<string, unknown>; at?: string }): Promise<HandoffJob> {
    const at = input.at ?? now();
    const job: HandoffJob = { id: newId('job'), kind: input.kind, payload: input.payload, status: 'pending', attempts: 0, nextAttemptAt: at, lastError: null, createdAt: at };
    await this.db.run('INSERT INTO handoff_jobs (id, status, next_attempt_at, record) VALUES ($1, $2, $3, $4)', [job.id, job.status, job.nextAttemptAt, JSON.stringify(job)]);
    return job;
  }

  async listDueHandoffJobs(at: string, limit: number): Promise<HandoffJob[]> {
    const rows = await this.db.query("SELECT record FROM handoff_jobs WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY seq LIMIT $2", [at, limit]);
    return rows.map((row) => parse<HandoffJob>(row) as HandoffJob);
  }

  async updateHandoffJob(id: string, patch: { status: HandoffJob['status']; attempts: number; nextAttemptAt?: string; lastError?: string | null }): Promise<void> {
    const current = parse<HandoffJob>((await this.db.query('SELECT record FROM handoff_jobs WHERE id = $1', [id]))[0]);
    if (!current) return;
    const next: HandoffJob = { ...current, ...patch, nextAttemptAt: patch.nextAttemptAt ?? current.nextAttemptAt };
    await this.db.run('UPDATE handoff_jobs SET status = $2, next_attempt_at = $3, record = $4 WHERE id = $1', [id, next.status, next.nextAttemptAt, JSON.stringify(next)]);
  }
}
