import { newId, ParleyError, type Activity, type InboxReceipt, type OutboxRecord, type OutboxStatus, type RecoverableInbound, type TurnFence, type TurnFinish, type TurnLease } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { dialogStateRow, json, MESSAGE_COLUMNS, messageRow, now, type Row, SAVE_DIALOG_STATE, stored, str } from './rows.js';

/**
 * Ends a turn fenced by its run's claim ($1 inbox id, $2 status, $3 error, $4 time, $5 lease owner, $6 attempts): only
 * the run that holds the latest claim may end it (a run whose lease was taken over may not).
 */
const END_FENCED_TURN = `UPDATE inbox SET status = $2, error = $3, completed_at = $4 WHERE id = $1 AND status = 'processing' AND lease_owner = $5 AND attempts = $6`;

function toOutbox(row: Row): OutboxRecord {
  return {
    id: str(row.id),
    inboxId: row.inbox_id == null ? null : str(row.inbox_id),
    conversationId: str(row.conversation_id),
    channel: str(row.channel),
    status: str(row.status) as OutboxRecord['status'],
    attempts: Number(row.attempts),
    activity: json(row.activity),
    createdAt: str(row.created_at),
  };
}

/** Inserts an accepted inbox row ($1 id, $2 channel, $3 channel message id, $4 conversation, $5 activity, $6 time). */
const INSERT_ACCEPTED_INBOX = `INSERT INTO inbox (id, channel, channel_message_id, conversation_id, status, activity, received_at)
  SELECT $1, $2, $3, $4, 'accepted', $5, $6 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $4)
  ON CONFLICT (channel, channel_message_id) DO NOTHING RETURNING id, status, attempts`;

/**
 * {@link INSERT_ACCEPTED_INBOX} for SQLite, claimed as it is inserted ($7 lease owner, $8 lease expiry; status
 * `processing`, attempts 1) when no other message of the conversation is unfinished (`accepted` or `processing`,
 * whatever its lease): stricter than a claim's check of earlier turns, and the row and its claim are one write instead
 * of an insert and an update of every inbox index that covers the status. SQLite runs one write at a time, so two
 * messages of a conversation cannot both find it free; PostgreSQL's concurrent inserts could (each blind to the other's
 * uncommitted row), so there the claim stays with `claimInbound`, taken under the conversation's lock.
 */
const INSERT_CLAIMED_INBOX_SQLITE = `INSERT INTO inbox (id, channel, channel_message_id, conversation_id, status, activity, received_at, lease_owner, lease_expires_at, attempts)
  SELECT $1, $2, $3, $4, CASE WHEN f.free THEN 'processing' ELSE 'accepted' END, $5, $6,
    CASE WHEN f.free THEN $7 END, CASE WHEN f.free THEN $8 END, CASE WHEN f.free THEN 1 ELSE 0 END
  FROM (SELECT NOT EXISTS (SELECT 1 FROM inbox unfinished INDEXED BY inbox_conversation_status
    WHERE unfinished.conversation_id = $4 AND unfinished.status IN ('accepted', 'processing')) AS free) f
  WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $4)
  ON CONFLICT (channel, channel_message_id) DO NOTHING RETURNING id, status, attempts`;

let lastAcceptedAt = 0;

/**
 * The time an inbound message is accepted: now, but always after the previous accept of this process, so that
 * messages accepted within one millisecond are still listed (and recovered) in the order they came in.
 */
function acceptTime(): string {
  lastAcceptedAt = Math.max(Date.now(), lastAcceptedAt + 1);
  return new Date(lastAcceptedAt).toISOString();
}

/**
 * The durable inbox and outbox of turns over any {@link SqlDriver}: an inbound message is accepted (inbox row and
 * transcript entry in one transaction, idempotent on the channel's message id), claimed under a lease, completed;
 * its replies are recorded by position (outbox row and transcript entry together) and marked as they are delivered.
 * {@link SqlStore} exposes these as its `Store` methods.
 */
export class SqlTurnQueue {
  constructor(private readonly db: SqlDriver) {}

  async receiveInbound(activity: Activity): Promise<InboxReceipt> {
    const channelMessageId = activity.channelMessageId ?? activity.id;
    const inserted = await this.db.query(
      `INSERT INTO inbox (id, channel, channel_message_id, conversation_id, status, activity, received_at)
       VALUES ($1, $2, $3, $4, 'processing', $5, $6) ON CONFLICT (channel, channel_message_id) DO NOTHING RETURNING id`,
      [newId('in'), activity.channel, channelMessageId, activity.conversationId, stored(activity), now()],
    );
    if (inserted[0]) return { inboxId: str(inserted[0].id), duplicate: false, status: 'processing' };
    const existing = await this.db.query('SELECT id, status FROM inbox WHERE channel = $1 AND channel_message_id = $2', [
      activity.channel,
      channelMessageId,
    ]);
    const row = existing[0] as Row;
    return { inboxId: str(row.id), duplicate: true, status: str(row.status) as InboxReceipt['status'] };
  }

  async completeInbound(inboxId: string, status: 'done' | 'failed', error?: string, fence?: TurnFence): Promise<boolean> {
    if (!fence) return (await this.db.run('UPDATE inbox SET status = $2, error = $3, completed_at = $4 WHERE id = $1', [inboxId, status, error ?? null, now()])) > 0;
    return (await this.db.run(END_FENCED_TURN, [inboxId, status, error ?? null, now(), fence.owner, fence.attempts])) > 0;
  }

  async finishTurn(input: TurnFinish): Promise<boolean> {
    const at = now();
    const { fence, dialogState } = input;
    const state = dialogState ? dialogStateRow(dialogState.conversationId, dialogState.state) : undefined;
    if (this.db.dialect === 'postgres') {
      // One statement, one round trip: data-modifying CTEs commit together; the state is saved only if the fence held.
      const rows = await this.db.query(
        `WITH sent AS (
           UPDATE outbox SET status = 'sent', error = NULL, attempts = attempts + 1, sent_at = $4 WHERE id = ANY($7::text[]) RETURNING id
         ), ended AS (
           ${END_FENCED_TURN} RETURNING id
         ), saved AS (
           INSERT INTO dialog_state (conversation_id, state, updated_at) SELECT $8::text, $9::text, $4 WHERE $8::text IS NOT NULL AND EXISTS (SELECT 1 FROM ended)
           ON CONFLICT (conversation_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at RETURNING conversation_id
         )
         SELECT (SELECT COUNT(*) FROM ended) AS ended, (SELECT COUNT(*) FROM sent) AS sent, (SELECT COUNT(*) FROM saved) AS saved`,
        [input.inboxId, input.status, input.error ?? null, at, fence.owner, fence.attempts, [...input.sent], state?.[0] ?? null, state?.[1] ?? null],
      );
      return Number(rows[0]?.ended ?? 0) > 0;
    }
    return this.db.transaction(async (tx) => {
      for (const id of input.sent) {
        await tx.run("UPDATE outbox SET status = 'sent', error = NULL, attempts = attempts + 1, sent_at = $2 WHERE id = $1", [id, at]);
      }
      const ended = await tx.run(END_FENCED_TURN, [input.inboxId, input.status, input.error ?? null, at, fence.owner, fence.attempts]);
      if (ended > 0 && state) await tx.run(SAVE_DIALOG_STATE, state);
      return ended > 0;
    });
  }

  async getInbound(inboxId: string): Promise<InboxReceipt | undefined> {
    const rows = await this.db.query('SELECT id, status FROM inbox WHERE id = $1', [inboxId]);
    const row = rows[0];
    return row ? { inboxId: str(row.id), duplicate: true, status: str(row.status) as InboxReceipt['status'] } : undefined;
  }

  async acceptInbound(activity: Activity, lease?: TurnLease): Promise<InboxReceipt> {
    const channelMessageId = activity.channelMessageId ?? activity.id;
    const activityText = stored(activity);
    // The conversation's existence is checked by the insert itself (a primary-key probe), not by a read before it.
    const inboxParams = [newId('in'), activity.channel, channelMessageId, activity.conversationId, activityText, acceptTime()];
    const accepted = (row: Row): InboxReceipt => {
      const status = str(row.status) as InboxReceipt['status'];
      return { inboxId: str(row.id), duplicate: false, status, activityId: activity.id, ...(status === 'processing' ? { claimedAttempts: Number(row.attempts) } : {}) };
    };
    if (this.db.dialect === 'postgres') {
      // One statement, one round trip (not BEGIN, two inserts, COMMIT): the transcript entry is inserted only with the
      // inbox row. Never claimed here, with or without a lease (see INSERT_CLAIMED_INBOX_SQLITE).
      const rows = await this.db.query(
        `WITH accepted AS (${INSERT_ACCEPTED_INBOX}),
         entry AS (INSERT INTO messages (${MESSAGE_COLUMNS}) SELECT $7, $8, $9, $10, $11, $12, $5 FROM accepted RETURNING id)
         SELECT id, status, attempts FROM accepted`,
        [...inboxParams, ...messageRow(activity, activityText).slice(0, 6)],
      );
      return rows[0] ? accepted(rows[0]) : this.existingInbound(this.db, activity, channelMessageId);
    }
    const claimed = lease ? [lease.owner, new Date(Date.now() + lease.ttlMs).toISOString()] : [];
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(lease ? INSERT_CLAIMED_INBOX_SQLITE : INSERT_ACCEPTED_INBOX, [...inboxParams, ...claimed]);
      if (!inserted[0]) return this.existingInbound(tx, activity, channelMessageId);
      await tx.run(`INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, messageRow(activity, activityText));
      return accepted(inserted[0]);
    });
  }

  /** The receipt of a message accepted before (a redelivery); `conversation_not_found` when its conversation does not exist (or no longer does). */
  private async existingInbound(db: SqlDriver, activity: Activity, channelMessageId: string): Promise<InboxReceipt> {
    const existing = await db.query(
      `SELECT id, status, activity FROM inbox WHERE channel = $1 AND channel_message_id = $2 AND EXISTS (SELECT 1 FROM conversations WHERE id = $3)`,
      [activity.channel, channelMessageId, activity.conversationId],
    );
    const row = existing[0];
    if (!row) throw new ParleyError('conversation_not_found', `conversation ${activity.conversationId} does not exist`);
    const first = json<Activity>(row.activity);
    return { inboxId: str(row.id), duplicate: true, status: str(row.status) as InboxReceipt['status'], activityId: first.id };
  }

  async claimInbound(inboxId: string, lease: TurnLease): Promise<{ attempts: number } | undefined> {
    const at = new Date();
    // A statement of its own (not in the group commit: measured with 500 turns at once, that saved no CPU and put a
    // loop turn between the customer's `ack` and the turn's start).
    const db = this.db;
    // Without statistics SQLite looks for an earlier running turn through the index on (status, received_at), reading
    // every running turn of every conversation (some 40 µs a claim with 500 at once); the conversation's own index finds
    // its few rows. PostgreSQL plans this from its statistics (and has no INDEXED BY).
    const earlierIndex = db.dialect === 'sqlite' ? ' INDEXED BY inbox_conversation_status' : '';
    const rows = await db.query(
      `UPDATE inbox SET status = 'processing', lease_owner = $2, lease_expires_at = $3, attempts = attempts + 1
       WHERE id = $1 AND (status = 'accepted' OR (status = 'processing' AND (lease_expires_at IS NULL OR lease_expires_at < $4)))
         AND NOT EXISTS (
           SELECT 1 FROM inbox earlier${earlierIndex}
           WHERE earlier.conversation_id = inbox.conversation_id AND earlier.status = 'processing' AND earlier.id <> inbox.id
             AND earlier.lease_expires_at >= $4 AND earlier.received_at < inbox.received_at)
       RETURNING attempts`,
      [inboxId, lease.owner, new Date(at.getTime() + lease.ttlMs).toISOString(), at.toISOString()],
    );
    return rows[0] ? { attempts: Number(rows[0].attempts) } : undefined;
  }

  async renewInboundLease(inboxId: string, lease: TurnLease): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE inbox SET lease_expires_at = $3 WHERE id = $1 AND status = 'processing' AND lease_owner = $2`,
      [inboxId, lease.owner, new Date(Date.now() + lease.ttlMs).toISOString()],
    );
    return changed > 0;
  }

  async listRecoverableInbound(input: { acceptedBefore: string; limit: number }): Promise<RecoverableInbound[]> {
    const rows = await this.db.query(
      `SELECT id, status, activity, received_at FROM inbox
       WHERE (status = 'accepted' AND received_at < $1) OR (status = 'processing' AND (lease_expires_at IS NULL OR lease_expires_at < $2))
       ORDER BY received_at, id LIMIT $3`,
      [input.acceptedBefore, now(), input.limit],
    );
    return rows.map((row) => ({
      inboxId: str(row.id),
      status: str(row.status) as RecoverableInbound['status'],
      activity: json(row.activity),
      receivedAt: str(row.received_at),
    }));
  }

  async recordReply(input: { inboxId: string; index: number; activity: Activity }): Promise<{ record: OutboxRecord; duplicate: boolean }> {
    const { activity } = input;
    const activityText = stored(activity);
    const outboxParams = [newId('out'), input.inboxId, activity.conversationId, activity.channel, activityText, now(), input.index];
    const insertOutbox = `INSERT INTO outbox (id, inbox_id, conversation_id, channel, status, attempts, activity, created_at, turn_index)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6, $7) ON CONFLICT (inbox_id, turn_index) DO NOTHING RETURNING *`;
    const existing = async (db: SqlDriver) => {
      const rows = await db.query('SELECT * FROM outbox WHERE inbox_id = $1 AND turn_index = $2', [input.inboxId, input.index]);
      return { record: toOutbox(rows[0] as Row), duplicate: true };
    };
    if (this.db.dialect === 'postgres') {
      // One statement, one round trip: the transcript entry is inserted only with the outbox row.
      const rows = await this.db.query(
        `WITH recorded AS (${insertOutbox}),
         entry AS (INSERT INTO messages (${MESSAGE_COLUMNS}) SELECT $8, $9, $10, $11, $12, $13, $5 FROM recorded RETURNING id)
         SELECT * FROM recorded`,
        [...outboxParams, ...messageRow(activity, activityText).slice(0, 6)],
      );
      return rows[0] ? { record: toOutbox(rows[0]), duplicate: false } : existing(this.db);
    }
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query(insertOutbox, outboxParams);
      if (!inserted[0]) return existing(tx);
      await tx.run(`INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, messageRow(activity, activityText));
      return { record: toOutbox(inserted[0]), duplicate: false };
    });
  }

  async enqueueOutbound(input: { inboxId: string | null; activity: Activity }): Promise<OutboxRecord> {
    const rows = await this.db.query(
      `INSERT INTO outbox (id, inbox_id, conversation_id, channel, status, attempts, activity, created_at)
       VALUES ($1, $2, $3, $4, 'pending', 0, $5, $6) RETURNING *`,
      [newId('out'), input.inboxId, input.activity.conversationId, input.activity.channel, stored(input.activity), now()],
    );
    return toOutbox(rows[0] as Row);
  }

  async markOutbound(id: string, status: Exclude<OutboxStatus, 'pending'>, error?: string): Promise<void> {
    await this.db.run('UPDATE outbox SET status = $2, error = $3, attempts = attempts + 1, sent_at = $4 WHERE id = $1', [
      id,
      status,
      error ?? null,
      status === 'sent' ? now() : null,
    ]);
  }

  async listOutboundFor(inboxId: string): Promise<OutboxRecord[]> {
    const rows = await this.db.query('SELECT * FROM outbox WHERE inbox_id = $1 ORDER BY seq', [inboxId]);
    return rows.map(toOutbox);
  }

  async listUndeliveredFor(conversationId: string): Promise<OutboxRecord[]> {
    const rows = await this.db.query("SELECT * FROM outbox WHERE conversation_id = $1 AND status IN ('pending', 'failed') ORDER BY seq", [conversationId]);
    return rows.map(toOutbox);
  }

  async listPendingOutbound(limit: number, maxAttempts = 2_147_483_647): Promise<OutboxRecord[]> {
    const rows = await this.db.query("SELECT * FROM outbox WHERE status IN ('pending', 'failed') AND attempts < $2 ORDER BY seq LIMIT $1", [limit, maxAttempts]);
    return rows.map(toOutbox);
  }
}
