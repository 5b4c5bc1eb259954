import {
  newId,
  type ConsentRecord,
  type CustomerEvent,
  type CustomerIdentity,
  type CustomerInput,
  type CustomerRecord,
  type EngagementStore,
  type SendRecord,
  type SendSignal,
  type SendSignalKind,
} from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { json, now, str, type Row } from './rows.js';

const nullableStr = (value: unknown): string | null => (value == null ? null : str(value));

function toSend(row: Row): SendRecord {
  return {
    id: str(row.id),
    campaign: str(row.campaign),
    customerId: str(row.customer_id),
    triggerKey: str(row.trigger_key),
    variant: str(row.variant),
    channel: nullableStr(row.channel),
    status: str(row.status) as SendRecord['status'],
    dueAt: str(row.due_at),
    reason: nullableStr(row.reason),
    subject: nullableStr(row.subject),
    text: nullableStr(row.text),
    payload: json(row.payload),
    conversationId: nullableStr(row.conversation_id),
    outboxId: nullableStr(row.outbox_id),
    sentAt: nullableStr(row.sent_at),
    createdAt: str(row.created_at),
  };
}

const toEvent = (row: Row): CustomerEvent => ({ id: str(row.id), customerId: nullableStr(row.customer_id), type: str(row.type), at: str(row.at), data: json(row.data) });

/** Column names of {@link SendRecord} fields that `updateSend` may change. */
const SEND_COLUMNS: Record<string, string> = {
  status: 'status',
  reason: 'reason',
  channel: 'channel',
  subject: 'subject',
  text: 'text',
  payload: 'payload',
  conversationId: 'conversation_id',
  outboxId: 'outbox_id',
  sentAt: 'sent_at',
  dueAt: 'due_at',
};

/** {@link EngagementStore} over SQL (migrations 21–22). */
export class SqlEngagementRecords implements EngagementStore {
  constructor(private readonly db: SqlDriver) {}

  async upsertCustomer(input: CustomerInput): Promise<CustomerRecord> {
    const id = await this.db.transaction(async (tx) => {
      const owners: string[] = [];
      if (input.id && (await tx.query('SELECT id FROM customers WHERE id = $1', [input.id])).length) owners.push(input.id);
      for (const identity of input.identities) {
        const rows = await tx.query('SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2', [identity.kind, identity.value]);
        const owner = rows[0] ? str(rows[0].customer_id) : undefined;
        if (owner && !owners.includes(owner)) owners.push(owner);
      }
      const at = now();
      const target = owners[0] ?? input.id ?? newId('cus');
      if (!owners[0]) {
        await tx.run('INSERT INTO customers (id, scope, name, timezone, attributes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)', [
          target,
          input.scope ?? null,
          input.name ?? null,
          input.timezone ?? null,
          '{}',
          at,
        ]);
      }
      // The same person known under two records (an e-mail here, a phone there) becomes one customer.
      for (const other of owners.slice(1)) await mergeCustomer(tx, other, target);
      for (const identity of input.identities) {
        await tx.run('INSERT INTO customer_identities (kind, value, customer_id) VALUES ($1, $2, $3) ON CONFLICT (kind, value) DO NOTHING', [identity.kind, identity.value, target]);
      }
      const current = (await tx.query('SELECT * FROM customers WHERE id = $1', [target]))[0] as Row;
      const attributes: Record<string, unknown> = { ...json<Record<string, unknown>>(current.attributes) };
      for (const [key, value] of Object.entries(input.attributes ?? {})) {
        if (value === null) delete attributes[key];
        else attributes[key] = value;
      }
      await tx.run('UPDATE customers SET scope = $2, name = $3, timezone = $4, attributes = $5, updated_at = $6 WHERE id = $1', [
        target,
        input.scope !== undefined ? input.scope : current.scope,
        input.name !== undefined ? input.name : current.name,
        input.timezone !== undefined ? input.timezone : current.timezone,
        JSON.stringify(attributes),
        at,
      ]);
      return target;
    });
    return (await this.getCustomer(id)) as CustomerRecord;
  }

  async getCustomer(id: string): Promise<CustomerRecord | undefined> {
    const row = (await this.db.query('SELECT * FROM customers WHERE id = $1', [id]))[0];
    return row ? (await this.withIdentities([row]))[0] : undefined;
  }

  async findCustomer(identity: CustomerIdentity): Promise<CustomerRecord | undefined> {
    const rows = await this.db.query('SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2', [identity.kind, identity.value]);
    return rows[0] ? this.getCustomer(str(rows[0].customer_id)) : undefined;
  }

  async deleteCustomer(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Explicit deletes: they do not depend on SQLite's foreign key enforcement being on.
      const sends = await tx.query('SELECT id FROM engagement_sends WHERE customer_id = $1', [id]);
      for (const send of sends) await tx.run('DELETE FROM engagement_signals WHERE send_id = $1', [send.id]);
      for (const table of ['engagement_sends', 'customer_consents', 'customer_events', 'customer_identities']) await tx.run(`DELETE FROM ${table} WHERE customer_id = $1`, [id]);
      return (await tx.run('DELETE FROM customers WHERE id = $1', [id])) > 0;
    });
  }

  async listCustomers(filter: { scope?: string | null } = {}): Promise<CustomerRecord[]> {
    const rows =
      filter.scope === undefined
        ? await this.db.query('SELECT * FROM customers ORDER BY id')
        : filter.scope === null
          ? await this.db.query('SELECT * FROM customers WHERE scope IS NULL ORDER BY id')
          : await this.db.query('SELECT * FROM customers WHERE scope = $1 ORDER BY id', [filter.scope]);
    return this.withIdentities(rows);
  }

  private async withIdentities(rows: Row[]): Promise<CustomerRecord[]> {
    const identities = new Map<string, CustomerIdentity[]>();
    const ids = rows.map((row) => str(row.id));
    // A few customers: their identities only; a whole listing: every identity in one query.
    const identityRows =
      ids.length <= 100
        ? ids.length
          ? await this.db.query(`SELECT * FROM customer_identities WHERE customer_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY kind, value`, ids)
          : []
        : await this.db.query('SELECT * FROM customer_identities ORDER BY kind, value');
    for (const row of identityRows) {
      const list = identities.get(str(row.customer_id)) ?? [];
      list.push({ kind: str(row.kind) as CustomerIdentity['kind'], value: str(row.value) });
      identities.set(str(row.customer_id), list);
    }
    return rows.map((row) => ({
      id: str(row.id),
      scope: nullableStr(row.scope),
      name: nullableStr(row.name),
      timezone: nullableStr(row.timezone),
      attributes: json(row.attributes),
      identities: identities.get(str(row.id)) ?? [],
      createdAt: str(row.created_at),
      updatedAt: str(row.updated_at),
    }));
  }

  async addEvents(events: CustomerEvent[]): Promise<number> {
    return this.db.transaction(async (tx) => {
      let added = 0;
      for (const event of events) {
        added += await tx.run('INSERT INTO customer_events (id, customer_id, type, at, data, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING', [
          event.id,
          event.customerId,
          event.type,
          event.at,
          JSON.stringify(event.data),
          now(),
        ]);
      }
      return added;
    });
  }

  async listEvents(customerId: string): Promise<CustomerEvent[]> {
    return (await this.db.query('SELECT * FROM customer_events WHERE customer_id = $1 ORDER BY at, id', [customerId])).map(toEvent);
  }

  async listProductEvents(type: string): Promise<CustomerEvent[]> {
    return (await this.db.query('SELECT * FROM customer_events WHERE customer_id IS NULL AND type = $1 ORDER BY at, id', [type])).map(toEvent);
  }

  async listEventsOfType(type: string): Promise<CustomerEvent[]> {
    return (await this.db.query('SELECT * FROM customer_events WHERE type = $1 ORDER BY at, id', [type])).map(toEvent);
  }

  async setConsent(input: { customerId: string; channel: string; status: ConsentRecord['status']; source: string }): Promise<void> {
    await this.db.run(
      `INSERT INTO customer_consents (customer_id, channel, status, source, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (customer_id, channel) DO UPDATE SET status = excluded.status, source = excluded.source, updated_at = excluded.updated_at`,
      [input.customerId, input.channel, input.status, input.source, now()],
    );
  }

  async listConsents(customerId: string): Promise<ConsentRecord[]> {
    const rows = await this.db.query('SELECT * FROM customer_consents WHERE customer_id = $1 ORDER BY channel', [customerId]);
    return rows.map((row) => ({ customerId: str(row.customer_id), channel: str(row.channel), status: str(row.status) as ConsentRecord['status'], source: str(row.source), updatedAt: str(row.updated_at) }));
  }

  async scheduleSend(send: Omit<SendRecord, 'createdAt' | 'sentAt' | 'outboxId' | 'conversationId'>): Promise<boolean> {
    const changed = await this.db.run(
      `INSERT INTO engagement_sends (id, campaign, customer_id, trigger_key, variant, channel, status, due_at, reason, subject, text, payload, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING`,
      [send.id, send.campaign, send.customerId, send.triggerKey, send.variant, send.channel, send.status, send.dueAt, send.reason, send.subject, send.text, JSON.stringify(send.payload), now()],
    );
    return changed > 0;
  }

  async getSend(id: string): Promise<SendRecord | undefined> {
    const row = (await this.db.query('SELECT * FROM engagement_sends WHERE id = $1', [id]))[0];
    return row ? toSend(row) : undefined;
  }

  async listSends(filter: { campaign?: string; customerId?: string }): Promise<SendRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.campaign !== undefined) where.push(`campaign = $${params.push(filter.campaign)}`);
    if (filter.customerId !== undefined) where.push(`customer_id = $${params.push(filter.customerId)}`);
    const rows = await this.db.query(`SELECT * FROM engagement_sends${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, params);
    return rows.map(toSend);
  }

  async claimDueSends(input: { now: string; owner: string; leaseMs: number; limit: number; campaign?: string }): Promise<SendRecord[]> {
    return this.db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7261021)');
      const rows = await tx.query(
        `SELECT id FROM engagement_sends WHERE ((status = 'due' AND due_at <= $1) OR (status = 'sending' AND lease_until < $1))
         AND ($3 = '' OR campaign = $3) ORDER BY due_at, id LIMIT $2`,
        [input.now, input.limit, input.campaign ?? ''],
      );
      const until = new Date(Date.parse(input.now) + input.leaseMs).toISOString();
      const claimed: SendRecord[] = [];
      for (const row of rows) {
        const updated = await tx.query("UPDATE engagement_sends SET status = 'sending', lease_owner = $2, lease_until = $3 WHERE id = $1 RETURNING *", [row.id, input.owner, until]);
        if (updated[0]) claimed.push(toSend(updated[0]));
      }
      return claimed;
    });
  }

  async updateSend(id: string, patch: Parameters<EngagementStore['updateSend']>[1]): Promise<void> {
    const entries = Object.entries(patch).filter(([key]) => key in SEND_COLUMNS);
    if (!entries.length) return;
    const sets = entries.map(([key], i) => `${SEND_COLUMNS[key]} = $${i + 2}`);
    const values = entries.map(([key, value]) => (key === 'payload' ? JSON.stringify(value) : value));
    await this.db.run(`UPDATE engagement_sends SET ${sets.join(', ')} WHERE id = $1`, [id, ...values]);
  }

  async countSentSince(customerId: string, since: string): Promise<number> {
    const rows = await this.db.query("SELECT COUNT(*) AS n FROM engagement_sends WHERE customer_id = $1 AND status = 'queued' AND sent_at >= $2", [customerId, since]);
    return Number(rows[0]?.n ?? 0);
  }

  async recordSignal(sendId: string, kind: SendSignalKind, at = now()): Promise<void> {
    await this.db.run(
      'INSERT INTO engagement_signals (send_id, kind, at, count) VALUES ($1, $2, $3, 1) ON CONFLICT (send_id, kind) DO UPDATE SET count = engagement_signals.count + 1',
      [sendId, kind, at],
    );
  }

  async listSignals(sendIds: readonly string[]): Promise<SendSignal[]> {
    const out: SendSignal[] = [];
    // In pages: SQLite allows some hundreds of parameters per statement.
    for (let i = 0; i < sendIds.length; i += 200) {
      const page = sendIds.slice(i, i + 200);
      const rows = await this.db.query(`SELECT * FROM engagement_signals WHERE send_id IN (${page.map((_, j) => `$${j + 1}`).join(', ')})`, page);
      out.push(...rows.map((row) => ({ sendId: str(row.send_id), kind: str(row.kind) as SendSignalKind, at: str(row.at), count: Number(row.count) })));
    }
    return out;
  }
}

/** Moves everything of customer `from` to `into` and deletes `from` (one person known under two records). */
async function mergeCustomer(tx: SqlDriver, from: string, into: string): Promise<void> {
  await tx.run('UPDATE customer_identities SET customer_id = $2 WHERE customer_id = $1', [from, into]);
  await tx.run('UPDATE customer_events SET customer_id = $2 WHERE customer_id = $1', [from, into]);
  await tx.run('UPDATE engagement_sends SET customer_id = $2 WHERE customer_id = $1', [from, into]);
  await tx.run(
    'INSERT INTO customer_consents (customer_id, channel, status, source, updated_at) SELECT $2, channel, status, source, updated_at FROM customer_consents WHERE customer_id = $1 ON CONFLICT (customer_id, channel) DO NOTHING',
    [from, into],
  );
  await tx.run('DELETE FROM customers WHERE id = $1', [from]);
}
