import {
  newId,
  ParleyError,
  type AccessGrant,
  type ConversationFilter,
  type ConversationLabel,
  type ConversationNote,
  type ConversationRecord,
  type ConversationScore,
  type CsatRecord,
  type DashboardRole,
  type DashboardSession,
  type DashboardUser,
  type EvaluationStore,
  type LoginThrottleRecord,
  SHARED_SCOPE,
  type ScoredConversation,
} from '../core/index.js';
import { normalizeLoginName } from '../../evaluations/store.js';
import { conversationCustomers, customerCondition } from './conversation-customers.js';
import type { SqlDriver } from './sql-driver.js';
import { json, now, type Row, str, toConversation } from './rows.js';

/** A score's scope: `s_scope` in rows joined with their conversation, `scope` in `conversation_scores` rows. */
function scopeOfRow(row: Row): { scope?: string } {
  const value = 's_scope' in row ? row.s_scope : row.scope;
  return value == null ? {} : { scope: str(value) };
}

function toScore(row: Row): ConversationScore {
  return {
    conversationId: str(row.s_conversation_id ?? row.conversation_id),
    score: Number(row.score),
    flags: json(row.flags),
    metrics: json(row.metrics),
    details: json(row.details),
    judge: str(row.judge) as ConversationScore['judge'],
    scoredAt: str(row.scored_at),
    ...scopeOfRow(row),
  };
}

function toUser(row: Row): DashboardUser {
  return { id: str(row.id), email: str(row.email), role: str(row.role) as DashboardRole, passwordHash: str(row.password_hash), createdAt: str(row.created_at) };
}

const toLabel = (row: Row): ConversationLabel => ({
  id: str(row.id),
  conversationId: str(row.conversation_id),
  label: str(row.label),
  userId: str(row.user_id),
  createdAt: str(row.created_at),
});

const toNote = (row: Row): ConversationNote => ({
  id: str(row.id),
  conversationId: str(row.conversation_id),
  text: str(row.text),
  userId: str(row.user_id),
  createdAt: str(row.created_at),
});

/** Escapes `%`, `_` and `\` for a LIKE pattern (with `ESCAPE '\'`). */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** {@link EvaluationStore} over a {@link SqlDriver} (migration 8), on SQLite and PostgreSQL alike. */
export class SqlEvaluationStore implements EvaluationStore {
  constructor(private readonly db: SqlDriver) {}

  async saveScore(score: ConversationScore): Promise<void> {
    await this.db.run(
      `INSERT INTO conversation_scores (conversation_id, score, flags, metrics, details, judge, scored_at, scope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (conversation_id) DO UPDATE SET score = excluded.score, flags = excluded.flags, metrics = excluded.metrics,
       details = excluded.details, judge = excluded.judge, scored_at = excluded.scored_at, scope = excluded.scope`,
      [score.conversationId, score.score, JSON.stringify(score.flags), JSON.stringify(score.metrics), JSON.stringify(score.details), score.judge, score.scoredAt, score.scope ?? null],
    );
  }

  async getScore(conversationId: string): Promise<ConversationScore | undefined> {
    const rows = await this.db.query('SELECT * FROM conversation_scores WHERE conversation_id = $1', [conversationId]);
    return rows[0] ? toScore(rows[0]) : undefined;
  }

  async listDueForScoring(limit: number, refresh?: { changedBefore: string; waitingBefore: string }): Promise<ConversationRecord[]> {
    // Open conversations scored a while ago that went on (a message or a change since) or wait for a person.
    const refreshed = refresh
      ? `OR (c.status <> 'closed' AND s.scored_at < $2 AND (s.scored_at < c.updated_at
              OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.created_at > s.scored_at)))
         OR (c.status <> 'closed' AND c.handoff_reason IS NOT NULL AND s.scored_at < $3)`
      : '';
    const rows = await this.db.query(
      `SELECT c.* FROM conversations c LEFT JOIN conversation_scores s ON s.conversation_id = c.id
       WHERE (c.status = 'closed' AND (s.conversation_id IS NULL OR s.scored_at < c.updated_at))
          OR (s.conversation_id IS NULL AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.role = 'bot'))
          ${refreshed}
       ORDER BY c.updated_at, c.id LIMIT $1`,
      refresh ? [limit, refresh.changedBefore, refresh.waitingBefore] : [limit],
    );
    return rows.map(toConversation);
  }

  async listScoredConversations(filter: ConversationFilter = {}): Promise<ScoredConversation[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.since) where.push(`c.created_at >= ${param(filter.since)}`);
    if (filter.until) where.push(`c.created_at < ${param(filter.until)}`);
    if (filter.channel) where.push(`c.channel = ${param(filter.channel)}`);
    if (filter.handoffReason) where.push(`c.handoff_reason = ${param(filter.handoffReason)}`);
    if (filter.minScore !== undefined) where.push(`s.score >= ${param(filter.minScore)}`);
    if (filter.maxScore !== undefined) where.push(`s.score <= ${param(filter.maxScore)}`);
    if (filter.flag) where.push(`s.flags LIKE ${param(`%${likeEscape(JSON.stringify(filter.flag))}%`)} ESCAPE '\\'`);
    if (filter.text) {
      where.push(`EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND LOWER(m.text) LIKE ${param(`%${likeEscape(filter.text.toLowerCase())}%`)} ESCAPE '\\')`);
    }
    if (filter.withCustomerMessage) where.push("EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.role = 'customer')");
    if (filter.scope) where.push(filter.scope === SHARED_SCOPE ? 'c.scope IS NULL' : `c.scope = ${param(filter.scope)}`);
    if (filter.label) where.push(`EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = c.id AND l.label = ${param(filter.label)})`);
    if (filter.customer) where.push(customerCondition(param(`%${likeEscape(filter.customer.toLowerCase())}%`)));
    const access = filter.access ?? 'all';
    if (access !== 'all') {
      const allowed: string[] = [];
      for (const channel of access.channels) allowed.push(`c.channel = ${param(channel)}`);
      for (const id of access.conversationIds) allowed.push(`c.id = ${param(id)}`);
      where.push(allowed.length ? `(${allowed.join(' OR ')})` : '1 = 0');
    }
    const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), 10_000);
    const offset = Math.max(0, Math.trunc(filter.offset ?? 0));
    const rows = await this.db.query(
      `SELECT c.*, s.conversation_id AS s_conversation_id, s.score, s.flags, s.metrics, s.details, s.judge, s.scored_at, s.scope AS s_scope
       FROM conversations c LEFT JOIN conversation_scores s ON s.conversation_id = c.id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.created_at DESC, c.id DESC LIMIT ${param(limit)} OFFSET ${param(offset)}`,
      params,
    );
    const listed = rows.map((row) => ({ conversation: toConversation(row), score: row.s_conversation_id == null ? undefined : toScore(row) }));
    if (!filter.withCustomer) return listed;
    const customers = await conversationCustomers(this.db, listed.map((r) => r.conversation));
    return listed.map((r) => ({ ...r, customer: customers.get(r.conversation.id) ?? { name: null, handle: r.conversation.userId, firstMessage: null } }));
  }

  async recordCsat(conversationId: string, rating: number): Promise<CsatRecord> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new ParleyError('bad_request', `rating: ${rating} is not a whole number from 1 to 5`);
    const record: CsatRecord = { conversationId, rating, createdAt: now() };
    await this.db.run(
      `INSERT INTO csat_ratings (conversation_id, rating, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (conversation_id) DO UPDATE SET rating = excluded.rating, created_at = excluded.created_at`,
      [conversationId, rating, record.createdAt],
    );
    return record;
  }

  async getCsat(conversationId: string): Promise<CsatRecord | undefined> {
    const rows = await this.db.query('SELECT * FROM csat_ratings WHERE conversation_id = $1', [conversationId]);
    const row = rows[0];
    return row ? { conversationId: str(row.conversation_id), rating: Number(row.rating), createdAt: str(row.created_at) } : undefined;
  }

  async createUser(input: { email: string; role: DashboardRole; passwordHash: string }): Promise<DashboardUser> {
    const email = normalizeLoginName(input.email);
    if (await this.getUserByEmail(email)) throw new ParleyError('bad_request', `email: a user ${email} already exists`);
    const rows = await this.db.query(
      'INSERT INTO dashboard_users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING RETURNING *',
      [newId('usr'), email, input.role, input.passwordHash, now()],
    );
    if (!rows[0]) throw new ParleyError('bad_request', `email: a user ${email} already exists`);
    return toUser(rows[0]);
  }

  async getUser(id: string): Promise<DashboardUser | undefined> {
    const rows = await this.db.query('SELECT * FROM dashboard_users WHERE id = $1', [id]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async getUserByEmail(email: string): Promise<DashboardUser | undefined> {
    const rows = await this.db.query('SELECT * FROM dashboard_users WHERE email = $1', [normalizeLoginName(email)]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async getLoginThrottle(keys: readonly string[]): Promise<LoginThrottleRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.query(`SELECT * FROM login_throttle WHERE key IN (${keys.map((_k, i) => `$${i + 1}`).join(', ')})`, [...keys]);
    return rows.map((row) => ({
      key: str(row.key),
      failures: Number(row.failures),
      lastFailureAt: row.last_failure_at === null ? null : str(row.last_failure_at),
      lastSuccessAt: row.last_success_at === null ? null : str(row.last_success_at),
    }));
  }

  async recordLoginFailure(keys: readonly string[], at: string, resetBefore: string): Promise<void> {
    for (const key of keys) {
      await this.db.run(
        `INSERT INTO login_throttle (key, failures, last_failure_at, last_success_at) VALUES ($1, 1, $2, NULL)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.last_failure_at IS NULL OR login_throttle.last_failure_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
           last_failure_at = $2`,
        [key, at, resetBefore],
      );
    }
  }

  async recordLoginSuccess(keys: readonly string[], at: string, forgetBefore: string): Promise<void> {
    for (const key of keys) {
      await this.db.run(
        `INSERT INTO login_throttle (key, failures, last_failure_at, last_success_at) VALUES ($1, 0, NULL, $2)
         ON CONFLICT (key) DO UPDATE SET failures = 0, last_success_at = $2`,
        [key, at],
      );
    }
    await this.db.run(
      'DELETE FROM login_throttle WHERE (last_failure_at IS NULL OR last_failure_at < $1) AND (last_success_at IS NULL OR last_success_at < $1)',
      [forgetBefore],
    );
  }

  async listUsers(): Promise<DashboardUser[]> {
    return (await this.db.query('SELECT * FROM dashboard_users ORDER BY email')).map(toUser);
  }

  async updateUser(id: string, patch: { role?: DashboardRole; passwordHash?: string }): Promise<DashboardUser> {
    const current = await this.getUser(id);
    if (!current) throw new ParleyError('not_found', `user ${id} does not exist`);
    const rows = await this.db.query('UPDATE dashboard_users SET role = $2, password_hash = $3 WHERE id = $1 RETURNING *', [
      id,
      patch.role ?? current.role,
      patch.passwordHash ?? current.passwordHash,
    ]);
    return toUser(rows[0] as Row);
  }

  async createSession(session: DashboardSession): Promise<void> {
    await this.db.run('INSERT INTO dashboard_sessions (id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      session.id,
      session.userId,
      session.csrfToken,
      session.createdAt,
      session.expiresAt,
    ]);
  }

  async getSession(id: string, at: string): Promise<DashboardSession | undefined> {
    const rows = await this.db.query('SELECT * FROM dashboard_sessions WHERE id = $1 AND expires_at > $2', [id, at]);
    const row = rows[0];
    return row
      ? { id: str(row.id), userId: str(row.user_id), csrfToken: str(row.csrf_token), createdAt: str(row.created_at), expiresAt: str(row.expires_at) }
      : undefined;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.run('DELETE FROM dashboard_sessions WHERE id = $1', [id]);
  }

  async deleteExpiredSessions(at: string): Promise<number> {
    return this.db.run('DELETE FROM dashboard_sessions WHERE expires_at <= $1', [at]);
  }

  async addGrant(grant: AccessGrant): Promise<void> {
    await this.db.run('INSERT INTO dashboard_grants (user_id, kind, value, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, kind, value) DO NOTHING', [
      grant.userId,
      grant.kind,
      grant.value,
      now(),
    ]);
  }

  async removeGrant(grant: AccessGrant): Promise<boolean> {
    return (await this.db.run('DELETE FROM dashboard_grants WHERE user_id = $1 AND kind = $2 AND value = $3', [grant.userId, grant.kind, grant.value])) > 0;
  }

  async listGrants(userId: string): Promise<AccessGrant[]> {
    const rows = await this.db.query('SELECT * FROM dashboard_grants WHERE user_id = $1 ORDER BY kind, value', [userId]);
    return rows.map((row) => ({ userId: str(row.user_id), kind: str(row.kind) as AccessGrant['kind'], value: str(row.value), createdAt: str(row.created_at) }));
  }

  async addLabel(input: { conversationId: string; label: string; userId: string }): Promise<ConversationLabel> {
    const rows = await this.db.query('INSERT INTO conversation_labels (id, conversation_id, label, user_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
      newId('lbl'),
      input.conversationId,
      input.label,
      input.userId,
      now(),
    ]);
    return toLabel(rows[0] as Row);
  }

  async removeLabel(id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM conversation_labels WHERE id = $1', [id])) > 0;
  }

  async listLabels(conversationId: string): Promise<ConversationLabel[]> {
    return (await this.db.query('SELECT * FROM conversation_labels WHERE conversation_id = $1 ORDER BY seq', [conversationId])).map(toLabel);
  }

  async addNote(input: { conversationId: string; text: string; userId: string }): Promise<ConversationNote> {
    const rows = await this.db.query('INSERT INTO conversation_notes (id, conversation_id, text, user_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
      newId('note'),
      input.conversationId,
      input.text,
      input.userId,
      now(),
    ]);
    return toNote(rows[0] as Row);
  }

  async listNotes(conversationId: string): Promise<ConversationNote[]> {
    return (await this.db.query('SELECT * FROM conversation_notes WHERE conversation_id = $1 ORDER BY seq', [conversationId])).map(toNote);
  }
}
