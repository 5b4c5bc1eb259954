import {
  newId,
  ParleyError,
  type Activity,
  type ConversationRecord,
  type ConversationRef,
  type ConversationStatus,
  type DeliveryStatus,
  type InboxReceipt,
  type MessageRecord,
  type OutboxRecord,
  type OutboxStatus,
  type QueueDepth,
  type RecoverableInbound,
  type StatementCounts,
  type TurnFence,
  type TurnFinish,
  type TurnLease,
  type Store,
  type TicketChanges,
  type TicketRecord,
  type TryOnStore,
} from '../core/index.js';
import { SqlEvaluationStore } from './evaluation-records.js';
import { SqlHandoffRecords } from './handoff-records.js';
import { SqlJobRecords } from './job-records.js';
import { migrate } from './migrations.js';
import { SqlInboundDeliveries } from './inbound-deliveries.js';
import { SqlKnowledgeRecords } from './knowledge-records.js';
import { SqlQuarantineRecords } from './quarantine-records.js';
import { queueDepths } from './queue-depths.js';
import { SqlFactRecords } from './fact-records.js';
import { SqlEngagementRecords } from './engagement-records.js';
import { SqlClusterRecords } from './cluster-records.js';
import { SqlTryOnRecords } from './tryon-records.js';
import { MessageReads } from './message-reads.js';
import type { SqlDriver } from './sql-driver.js';
import { dialogStateRow, json, messageRow, now, type Row, SAVE_DIALOG_STATE, str, toConversation } from './rows.js';
import { SqlTicketRecords } from './ticket-records.js';
import { SqlTurnQueue } from './turn-queue.js';

/**
 * A `messages` row as a {@link MessageRecord}. Its `activity` is parsed when first read (an ordinary enumerable
 * property for every reader, spread and comparison): a turn reads the whole transcript and looks at few activities.
 */
function toMessage(row: Row): MessageRecord {
  const stored = row.activity;
  let activity: Activity | undefined;
  const record = {
    id: str(row.id),
    conversationId: str(row.conversation_id),
    role: str(row.role) as MessageRecord['role'],
    text: str(row.text),
    channel: str(row.channel),
    createdAt: str(row.created_at),
  } as MessageRecord;
  return Object.defineProperty(record, 'activity', {
    enumerable: true,
    configurable: true,
    get: () => (activity ??= json<Activity>(stored)),
    set: (value: Activity) => {
      activity = value;
    },
  });
}

function toRef(row: Row): ConversationRef {
  return { channel: str(row.channel), key: str(row.key), conversationId: str(row.conversation_id), ref: json(row.ref) };
}

/** {@link Store} over any {@link SqlDriver}: one implementation of the SQL for SQLite and PostgreSQL. */
export class SqlStore implements Store {
  readonly kind: Store['kind'];
  readonly evaluations: SqlEvaluationStore;
  readonly handoffs: SqlHandoffRecords;
  readonly tryon: TryOnStore;
  readonly quarantine: SqlQuarantineRecords;
  readonly facts: SqlFactRecords;
  readonly engagement: SqlEngagementRecords;
  readonly clusters: SqlClusterRecords;
  readonly deliveries: SqlInboundDeliveries;
  readonly knowledge: SqlKnowledgeRecords;
  private readonly turns: SqlTurnQueue;
  /** The knowledge's tickets (the store's ticket methods delegate to it). */
  private readonly tickets: SqlTicketRecords;
  readonly jobs: SqlJobRecords;
  /** Conversations' message rows as last read: a transcript read asks only for the rows after them. */
  private readonly messageReads: MessageReads;
  /** Settings as last read (value, and when, on the performance clock), for reads that accept an age (`maxAgeMs`). */
  private readonly settingsRead = new Map<string, { value: string | undefined; at: number }>();
  /** When this process last wrote each setting (performance clock): a read started before that is not cached. */
  private readonly settingsWritten = new Map<string, number>();

  constructor(private readonly db: SqlDriver) {
    this.tickets = new SqlTicketRecords(db);
    this.kind = db.dialect;
    this.evaluations = new SqlEvaluationStore(db);
    this.handoffs = new SqlHandoffRecords(db);
    this.tryon = new SqlTryOnRecords(db);
    this.quarantine = new SqlQuarantineRecords(db);
    this.facts = new SqlFactRecords(db);
    this.engagement = new SqlEngagementRecords(db);
    this.clusters = new SqlClusterRecords(db);
    this.deliveries = new SqlInboundDeliveries(db);
    this.knowledge = new SqlKnowledgeRecords(db);
    this.turns = new SqlTurnQueue(db);
    this.jobs = new SqlJobRecords(db);
    this.messageReads = new MessageReads(db);
  }

  async migrate(): Promise<void> {
    await migrate(this.db);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async ping(timeoutMs?: number): Promise<void> {
    if (this.db.ping) return this.db.ping(timeoutMs);
    await this.db.query('SELECT 1');
  }

  onAvailable(listener: () => void): void {
    this.db.onAvailable?.(listener);
  }

  statementCounts(): StatementCounts {
    return { statements: this.db.counts?.statements ?? 0, transactions: this.db.counts?.transactions ?? 0 };
  }

  async createConversation(input: { userId: string; channel: string; scope?: string | null; metadata?: Record<string, unknown> }): Promise<ConversationRecord> {
    const at = now();
    const rows = await this.db.query(
      `INSERT INTO conversations (id, user_id, channel, status, handoff_reason, metadata, created_at, updated_at, scope)
       VALUES ($1, $2, $3, 'open', NULL, $4, $5, $5, $6) RETURNING *`,
      [newId('conv'), input.userId, input.channel, JSON.stringify(input.metadata ?? {}), at, input.scope ?? null],
    );
    return toConversation(rows[0] as Row);
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    const rows = await this.db.query('SELECT * FROM conversations WHERE id = $1', [id]);
    return rows[0] ? toConversation(rows[0]) : undefined;
  }

  async updateConversation(
    id: string,
    patch: { status?: ConversationStatus; handoffReason?: string | null; metadata?: Record<string, unknown> },
  ): Promise<ConversationRecord> {
    const current = await this.getConversation(id);
    if (!current) throw new ParleyError('conversation_not_found', `conversation ${id} does not exist`);
    const next = {
      status: patch.status ?? current.status,
      handoffReason: patch.handoffReason !== undefined ? patch.handoffReason : current.handoffReason,
      metadata: patch.metadata ? { ...current.metadata, ...patch.metadata } : current.metadata,
    };
    const rows = await this.db.query(
      'UPDATE conversations SET status = $2, handoff_reason = $3, metadata = $4, updated_at = $5 WHERE id = $1 RETURNING *',
      [id, next.status, next.handoffReason, JSON.stringify(next.metadata), now()],
    );
    return toConversation(rows[0] as Row);
  }

  async listConversationsByUser(userId: string): Promise<ConversationRecord[]> {
    const rows = await this.db.query('SELECT * FROM conversations WHERE user_id = $1 ORDER BY created_at, id', [userId]);
    return rows.map(toConversation);
  }

  async deleteConversation(id: string): Promise<boolean> {
    this.messageReads.forget(id);
    return this.db.transaction(async (tx) => {
      // Inbox and outbox rows have no foreign key; the rest would cascade, but explicit deletes do not depend on it.
      for (const table of ['inbox', 'outbox', 'messages', 'dialog_state', 'conversation_refs', 'tryon_media']) {
        await tx.run(`DELETE FROM ${table} WHERE conversation_id = $1`, [id]);
      }
      return (await tx.run('DELETE FROM conversations WHERE id = $1', [id])) > 0;
    });
  }

  async closeIdleConversations(idleBefore: string): Promise<string[]> {
    const rows = await this.db.query(
      `UPDATE conversations SET status = 'closed', updated_at = $2
       WHERE status IN ('open', 'needs_human')
         AND COALESCE((SELECT MAX(m.created_at) FROM messages m WHERE m.conversation_id = conversations.id), conversations.created_at) < $1
       RETURNING id`,
      [idleBefore, now()],
    );
    return rows.map((row) => str(row.id)).sort();
  }

  async deleteMessagesBefore(before: string): Promise<number> {
    this.messageReads.forget();
    return this.db.transaction(async (tx) => {
      const deleted = await tx.run('DELETE FROM messages WHERE created_at < $1', [before]);
      await tx.run('DELETE FROM inbox WHERE received_at < $1', [before]);
      await tx.run('DELETE FROM outbox WHERE created_at < $1', [before]);
      return deleted;
    });
  }

  async appendMessage(activity: Activity): Promise<MessageRecord> {
    // Idempotent on the activity id: a turn run again after the store went away mid-turn appends its message once.
    const rows = await this.db.query(
      `INSERT INTO messages (id, conversation_id, role, text, channel, created_at, activity)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING *`,
      messageRow(activity),
    );
    const row = rows[0] ?? (await this.db.query('SELECT * FROM messages WHERE id = $1', [activity.id]))[0];
    return toMessage(row as Row);
  }

  async listMessages(conversationId: string): Promise<MessageRecord[]> {
    return (await this.messageReads.rows(conversationId)).map(toMessage);
  }

  async getDialogState(conversationId: string): Promise<unknown | undefined> {
    const rows = await this.db.query('SELECT state FROM dialog_state WHERE conversation_id = $1', [conversationId]);
    return rows[0] ? json(rows[0].state) : undefined;
  }

  async saveDialogState(conversationId: string, state: unknown): Promise<void> {
    await this.db.run(SAVE_DIALOG_STATE, dialogStateRow(conversationId, state));
  }

  // The durable inbox and outbox of turns (see SqlTurnQueue).
  receiveInbound(activity: Activity): Promise<InboxReceipt> {
    return this.turns.receiveInbound(activity);
  }
  completeInbound(inboxId: string, status: 'done' | 'failed', error?: string, fence?: TurnFence): Promise<boolean> {
    return this.turns.completeInbound(inboxId, status, error, fence);
  }
  finishTurn(input: TurnFinish): Promise<boolean> {
    return this.turns.finishTurn(input);
  }
  getInbound(inboxId: string): Promise<InboxReceipt | undefined> {
    return this.turns.getInbound(inboxId);
  }
  acceptInbound(activity: Activity, lease?: TurnLease): Promise<InboxReceipt> {
    return this.turns.acceptInbound(activity, lease);
  }
  claimInbound(inboxId: string, lease: TurnLease): Promise<{ attempts: number } | undefined> {
    return this.turns.claimInbound(inboxId, lease);
  }
  renewInboundLease(inboxId: string, lease: TurnLease): Promise<boolean> {
    return this.turns.renewInboundLease(inboxId, lease);
  }
  listRecoverableInbound(input: { acceptedBefore: string; limit: number }): Promise<RecoverableInbound[]> {
    return this.turns.listRecoverableInbound(input);
  }
  recordReply(input: { inboxId: string; index: number; activity: Activity }): Promise<{ record: OutboxRecord; duplicate: boolean }> {
    return this.turns.recordReply(input);
  }
  enqueueOutbound(input: { inboxId: string | null; activity: Activity }): Promise<OutboxRecord> {
    return this.turns.enqueueOutbound(input);
  }
  markOutbound(id: string, status: Exclude<OutboxStatus, 'pending'>, error?: string): Promise<void> {
    return this.turns.markOutbound(id, status, error);
  }
  listOutboundFor(inboxId: string): Promise<OutboxRecord[]> {
    return this.turns.listOutboundFor(inboxId);
  }
  listUndeliveredFor(conversationId: string): Promise<OutboxRecord[]> {
    return this.turns.listUndeliveredFor(conversationId);
  }

  listPendingOutbound(limit: number, maxAttempts?: number): Promise<OutboxRecord[]> {
    return this.turns.listPendingOutbound(limit, maxAttempts);
  }

  upsertTickets(tickets: TicketRecord[]): Promise<{ inserted: number; updated: number; unchanged: number }> {
    return this.tickets.upsert(tickets);
  }

  deleteTickets(ids: string[]): Promise<number> {
    return this.tickets.delete(ids);
  }

  listTickets(filter: { source?: string; afterId?: string; limit?: number } = {}): Promise<TicketRecord[]> {
    return this.tickets.list(filter);
  }

  ticketSeq(): Promise<number> {
    return this.tickets.seq();
  }

  ticketChanges(sinceSeq: number, limit = 10_000): Promise<TicketChanges> {
    return this.tickets.changes(sinceSeq, limit);
  }

  countTickets(): Promise<number> {
    return this.tickets.count();
  }

  countTicketsByScope(): Promise<Record<string, number>> {
    return this.tickets.countByScope();
  }

  async queueDepths(): Promise<QueueDepth[]> {
    return queueDepths(this.db);
  }

  async linkConversation(ref: ConversationRef): Promise<ConversationRef> {
    await this.db.run(
      'INSERT INTO conversation_refs (channel, key, conversation_id, ref, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, key) DO NOTHING',
      [ref.channel, ref.key, ref.conversationId, JSON.stringify(ref.ref), now()],
    );
    return (await this.findConversationRef(ref.channel, ref.key)) as ConversationRef;
  }

  async findConversationRef(channel: string, key: string): Promise<ConversationRef | undefined> {
    const rows = await this.db.query('SELECT * FROM conversation_refs WHERE channel = $1 AND key = $2', [channel, key]);
    return rows[0] ? toRef(rows[0]) : undefined;
  }

  async listConversationRefs(conversationId: string): Promise<ConversationRef[]> {
    const rows = await this.db.query('SELECT * FROM conversation_refs WHERE conversation_id = $1 ORDER BY created_at, key', [conversationId]);
    return rows.map(toRef);
  }

  async updateConversationRef(channel: string, key: string, ref: Record<string, unknown>): Promise<void> {
    await this.db.run('UPDATE conversation_refs SET ref = $3 WHERE channel = $1 AND key = $2', [channel, key, JSON.stringify(ref)]);
  }

  async setOptOut(channel: string, address: string, optedOut: boolean): Promise<void> {
    await this.db.run(
      `INSERT INTO opt_outs (channel, address, opted_out, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, address) DO UPDATE SET opted_out = excluded.opted_out, updated_at = excluded.updated_at`,
      [channel, address, optedOut ? 1 : 0, now()],
    );
  }

  async isOptedOut(channel: string, address: string): Promise<boolean> {
    const rows = await this.db.query('SELECT opted_out FROM opt_outs WHERE channel = $1 AND address = $2', [channel, address]);
    return Number(rows[0]?.opted_out ?? 0) === 1;
  }

  async recordDeliveryStatus(status: DeliveryStatus): Promise<void> {
    await this.db.run(
      `INSERT INTO delivery_status (channel, message_id, status, error, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (channel, message_id) DO UPDATE SET status = excluded.status, error = excluded.error, updated_at = excluded.updated_at`,
      [status.channel, status.messageId, status.status, status.error ?? null, now()],
    );
  }

  async getDeliveryStatus(channel: string, messageId: string): Promise<DeliveryStatus | undefined> {
    const rows = await this.db.query('SELECT * FROM delivery_status WHERE channel = $1 AND message_id = $2', [channel, messageId]);
    const row = rows[0];
    return row
      ? { channel: str(row.channel), messageId: str(row.message_id), status: str(row.status), error: row.error == null ? null : str(row.error), updatedAt: str(row.updated_at) }
      : undefined;
  }

  async getSetting(key: string, options: { maxAgeMs?: number } = {}): Promise<string | undefined> {
    const cached = this.settingsRead.get(key);
    if (cached && options.maxAgeMs !== undefined && performance.now() - cached.at <= options.maxAgeMs) return cached.value;
    const at = performance.now();
    const rows = await this.db.query('SELECT value FROM settings WHERE key = $1', [key]);
    const value = rows[0] ? str(rows[0].value) : undefined;
    // A write of this process meanwhile dropped the entry: this read may predate it, so it is not kept.
    if ((this.settingsWritten.get(key) ?? -Infinity) < at) this.settingsRead.set(key, { value, at });
    return value;
  }

  async setSettingIfAbsent(key: string, value: string): Promise<string> {
    try {
      await this.db.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    } finally {
      this.settingWritten(key);
    }
    return (await this.getSetting(key)) ?? value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    try {
      await this.db.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
    } finally {
      this.settingWritten(key);
    }
  }

  /** Forgets what was read of `key`: this process's next read of it goes to the database, whatever its `maxAgeMs`. */
  private settingWritten(key: string): void {
    this.settingsRead.delete(key);
    this.settingsWritten.set(key, performance.now());
  }
}
