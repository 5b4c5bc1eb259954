/**
 * The schema of personalised engagement (issue 18), migration ids 21–25 (21–23 used so far): customer profiles
 * linked across channels, their events and consent, campaign sends and the signals attributed to them, and the
 * look-up of a conversation's undelivered messages (web chat delivers held campaign messages when the customer is back).
 */
export const ENGAGEMENT_MIGRATIONS = [
  {
    id: 21,
    name: 'engagement: customers, their identities across channels, events and consent',
    sql: `
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  scope TEXT,
  name TEXT,
  timezone TEXT,
  attributes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX customers_scope ON customers (scope);
CREATE TABLE customer_identities (
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  PRIMARY KEY (kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);
CREATE TABLE customer_events (
  id TEXT PRIMARY KEY,
  customer_id TEXT REFERENCES customers (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX customer_events_customer ON customer_events (customer_id, at);
CREATE INDEX customer_events_type ON customer_events (type, at);
CREATE TABLE customer_consents (
  customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (customer_id, channel)
);
`,
  },
  {
    id: 22,
    name: 'engagement: campaign sends (the persisted due-sends queue) and their signals',
    sql: `
CREATE TABLE engagement_sends (
  id TEXT PRIMARY KEY,
  campaign TEXT NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  trigger_key TEXT NOT NULL,
  variant TEXT NOT NULL,
  channel TEXT,
  status TEXT NOT NULL,
  due_at TEXT NOT NULL,
  reason TEXT,
  subject TEXT,
  text TEXT,
  payload TEXT NOT NULL,
  conversation_id TEXT,
  outbox_id TEXT,
  lease_owner TEXT,
  lease_until TEXT,
  sent_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX engagement_sends_due ON engagement_sends (status, due_at);
CREATE INDEX engagement_sends_campaign ON engagement_sends (campaign);
CREATE INDEX engagement_sends_customer ON engagement_sends (customer_id, sent_at);
CREATE TABLE engagement_signals (
  send_id TEXT NOT NULL REFERENCES engagement_sends (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (send_id, kind)
);
`,
  },
  {
    id: 23,
    name: "engagement: a conversation's undelivered outbox rows (held campaign messages for web chat)",
    sql: `
CREATE INDEX outbox_conversation ON outbox (conversation_id, seq);
`,
  },
];
