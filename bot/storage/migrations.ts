import type { Dialect, SqlDriver } from './sql-driver.js';
import { KNOWLEDGE_MIGRATIONS } from './migrations-knowledge.js';
import { JOB_MIGRATIONS } from './migrations-jobs.js';
import { ENGAGEMENT_MIGRATIONS } from '../../engagement/migrations.js';
import { CLUSTER_MIGRATIONS } from '../../knowledge/clusters/migrations.js';
import { SCALE_MIGRATIONS } from './migrations-scale.js';

/**
 * One schema change; `{{serial}}` becomes the dialect's auto-increment primary key and `{{blob}}` its binary type.
 * `dialects` adds statements one dialect writes differently (triggers), run after `sql`.
 */
interface Migration {
  id: number;
  name: string;
  sql: string;
  dialects?: Record<Dialect, string>;
}

const SERIAL: Record<Dialect, string> = {
  sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  postgres: 'BIGSERIAL PRIMARY KEY',
};

const BLOB: Record<Dialect, string> = { sqlite: 'BLOB', postgres: 'BYTEA' };

/** Parley's schema, in order. Never edit an applied migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'conversations, transcripts, dialog state, inbox, outbox, tickets, settings',
    sql: `
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  handoff_reason TEXT,
  metadata TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX conversations_user ON conversations (user_id);
CREATE TABLE messages (
  seq {{serial}},
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  text TEXT NOT NULL,
  channel TEXT NOT NULL,
  created_at TEXT NOT NULL,
  activity TEXT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, seq);
CREATE TABLE dialog_state (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE inbox (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  channel_message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  activity TEXT NOT NULL,
  received_at TEXT NOT NULL,
  completed_at TEXT,
  UNIQUE (channel, channel_message_id)
);
CREATE TABLE outbox (
  seq {{serial}},
  id TEXT NOT NULL UNIQUE,
  inbox_id TEXT,
  conversation_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  activity TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_inbox ON outbox (inbox_id, seq);
CREATE INDEX outbox_pending ON outbox (status, seq);
CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  source TEXT NOT NULL,
  metadata TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX tickets_source ON tickets (source);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    id: 2,
    name: 'channel links of conversations, opt-outs, delivery statuses',
    sql: `
CREATE TABLE conversation_refs (
  channel TEXT NOT NULL,
  key TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  ref TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (channel, key)
);
CREATE INDEX conversation_refs_conversation ON conversation_refs (conversation_id, created_at);
CREATE TABLE opt_outs (
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  opted_out INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (channel, address)
);
CREATE TABLE delivery_status (
  channel TEXT NOT NULL,
  message_id TEXT NOT NULL,
  status TEXT NOT NULL,
  error TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (channel, message_id)
);
`,
  },
  {
    id: 3,
    name: 'indexes for idle close and transcript retention',
    sql: `
CREATE INDEX conversations_status ON conversations (status);
CREATE INDEX messages_conversation_created ON messages (conversation_id, created_at);
CREATE INDEX messages_created ON messages (created_at);
CREATE INDEX inbox_received ON inbox (received_at);
CREATE INDEX outbox_created ON outbox (created_at);
`,
  },
  {
    id: 4,
    name: 'handoffs to agents, corrections, handoff jobs',
    sql: `
CREATE TABLE handoffs (
  seq {{serial}},
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  desk_thread TEXT,
  ticket_system TEXT,
  ticket_id TEXT,
  record TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, seq);
CREATE INDEX handoffs_status ON handoffs (status);
CREATE INDEX handoffs_thread ON handoffs (desk_thread);
CREATE INDEX handoffs_ticket ON handoffs (ticket_system, ticket_id);
CREATE TABLE corrections (
  seq {{serial}},
  id TEXT NOT NULL UNIQUE,
  reverted_at TEXT,
  record TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE handoff_jobs (
  seq {{serial}},
  id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX handoff_jobs_due ON handoff_jobs (status, next_attempt_at);
`,
  },
  {
    id: 7,
    name: 'try-on catalogue and try-on images (kept for the photo retention period)',
    sql: `
CREATE TABLE catalogue_products (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  price TEXT NOT NULL,
  image_type TEXT NOT NULL,
  image TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE tryon_media (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  content_type TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX tryon_media_created ON tryon_media (created_at);
CREATE INDEX tryon_media_conversation ON tryon_media (conversation_id);
`,
  },
  {
    id: 8,
    name: 'evaluations: scores, CSAT, dashboard users, sessions, grants, labels, notes',
    sql: `
CREATE TABLE conversation_scores (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  score DOUBLE PRECISION NOT NULL,
  flags TEXT NOT NULL,
  metrics TEXT NOT NULL,
  details TEXT NOT NULL,
  judge TEXT NOT NULL,
  scored_at TEXT NOT NULL
);
CREATE TABLE csat_ratings (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  rating INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE dashboard_users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE dashboard_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES dashboard_users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);
CREATE TABLE dashboard_grants (
  user_id TEXT NOT NULL REFERENCES dashboard_users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, kind, value)
);
CREATE TABLE conversation_labels (
  seq {{serial}},
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX conversation_labels_conversation ON conversation_labels (conversation_id, seq);
CREATE TABLE conversation_notes (
  seq {{serial}},
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  user_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX conversation_notes_conversation ON conversation_notes (conversation_id, seq);
CREATE INDEX conversations_created ON conversations (created_at);
`,
  },
  {
    id: 9,
    name: 'turn leases on the inbox; replies numbered within their turn (exactly-once across a crash)',
    sql: `
ALTER TABLE inbox ADD COLUMN lease_owner TEXT;
ALTER TABLE inbox ADD COLUMN lease_expires_at TEXT;
ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX inbox_recoverable ON inbox (status, received_at);
ALTER TABLE outbox ADD COLUMN turn_index INTEGER;
CREATE UNIQUE INDEX outbox_turn_reply ON outbox (inbox_id, turn_index);
`,
  },
  {
    id: 10,
    name: 'dashboard sign-in throttling: failed attempts per account, per address and per account and address',
    sql: `
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at TEXT,
  last_success_at TEXT
);
CREATE INDEX login_throttle_failure ON login_throttle (last_failure_at);
`,
  },
  {
    id: 11,
    name: 'tickets quarantined at ingest for review',
    sql: `
CREATE TABLE quarantined_tickets (
  id TEXT PRIMARY KEY,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  source TEXT NOT NULL,
  metadata TEXT NOT NULL,
  reasons TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  quarantined_at TEXT NOT NULL,
  released_at TEXT,
  released_by TEXT
);
CREATE INDEX quarantined_tickets_source ON quarantined_tickets (source);
`,
  },
  {
    id: 12,
    name: 'channel requests recorded before their acknowledgement until processed (Slack)',
    sql: `
CREATE TABLE inbound_deliveries (
  channel TEXT NOT NULL,
  id TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (channel, id)
);
CREATE INDEX inbound_deliveries_claimed ON inbound_deliveries (channel, claimed_at);
`,
  },
  ...KNOWLEDGE_MIGRATIONS,
  ...JOB_MIGRATIONS,
  ...ENGAGEMENT_MIGRATIONS,
  ...CLUSTER_MIGRATIONS,
  ...SCALE_MIGRATIONS,
];

/** Applies the migrations `driver` has not seen yet, each in its own transaction; concurrent callers wait. */
export async function migrate(driver: SqlDriver): Promise<number[]> {
  // Under the lock too: CREATE TABLE IF NOT EXISTS from two processes at once fails on PostgreSQL.
  await driver.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7261001)');
    await tx.exec('CREATE TABLE IF NOT EXISTS parley_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  });
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const done = await driver.transaction(async (tx) => {
      // Serialize concurrent starts of several server processes on one PostgreSQL database.
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7261001)');
      const rows = await tx.query('SELECT id FROM parley_migrations WHERE id = $1', [migration.id]);
      if (rows.length > 0) return false;
      const script = migration.sql + (migration.dialects?.[tx.dialect] ?? '');
      await tx.exec(script.replaceAll('{{serial}}', SERIAL[tx.dialect]).replaceAll('{{blob}}', BLOB[tx.dialect]));
      await tx.run('INSERT INTO parley_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
        migration.id,
        migration.name,
        new Date().toISOString(),
      ]);
      return true;
    });
    if (done) applied.push(migration.id);
  }
  return applied;
}
