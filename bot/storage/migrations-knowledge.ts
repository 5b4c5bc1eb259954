/**
 * Migrations of live knowledge (ids 13–15): the ticket change sequence with tombstones that every server follows, the
 * persisted knowledge models and per-ticket vectors, knowledge scopes, and operator facts per scope.
 */
export const KNOWLEDGE_MIGRATIONS = [
  {
    id: 13,
    name: 'ticket change sequence with tombstones, knowledge models, per-ticket vectors',
    // Every write to `tickets` (upserts, deletes, quarantine) bumps one counter row through triggers, so no writer can
    // forget it. On PostgreSQL the counter's row lock is held to commit: ticket writers commit in sequence order, and a
    // reader that has seen sequence n has seen every change up to n.
    sql: `
CREATE TABLE ticket_seq (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL
);
CREATE TABLE ticket_changes (
  ticket_id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  deleted INTEGER NOT NULL
);
CREATE INDEX ticket_changes_seq ON ticket_changes (seq);
INSERT INTO ticket_seq (id, seq) SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM tickets) THEN 1 ELSE 0 END;
INSERT INTO ticket_changes (ticket_id, seq, deleted) SELECT id, 1, 0 FROM tickets;
CREATE TABLE knowledge_models (
  version INTEGER PRIMARY KEY,
  status TEXT NOT NULL,
  fitted_seq BIGINT NOT NULL,
  tickets INTEGER NOT NULL,
  model {{blob}} NOT NULL,
  index_snapshot {{blob}},
  created_at TEXT NOT NULL,
  ready_at TEXT
);
CREATE TABLE ticket_vectors (
  version INTEGER NOT NULL,
  ticket_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  vectors {{blob}} NOT NULL,
  PRIMARY KEY (version, ticket_id)
);
`,
    dialects: {
      sqlite: `
-- The outer statements' UPSERT policy would override an OR REPLACE here: delete, then insert.
CREATE TRIGGER tickets_changed_insert AFTER INSERT ON tickets BEGIN
  UPDATE ticket_seq SET seq = seq + 1 WHERE id = 1;
  DELETE FROM ticket_changes WHERE ticket_id = NEW.id;
  INSERT INTO ticket_changes (ticket_id, seq, deleted) VALUES (NEW.id, (SELECT seq FROM ticket_seq WHERE id = 1), 0);
END;
CREATE TRIGGER tickets_changed_update AFTER UPDATE ON tickets BEGIN
  UPDATE ticket_seq SET seq = seq + 1 WHERE id = 1;
  DELETE FROM ticket_changes WHERE ticket_id = NEW.id;
  INSERT INTO ticket_changes (ticket_id, seq, deleted) VALUES (NEW.id, (SELECT seq FROM ticket_seq WHERE id = 1), 0);
END;
CREATE TRIGGER tickets_changed_delete AFTER DELETE ON tickets BEGIN
  UPDATE ticket_seq SET seq = seq + 1 WHERE id = 1;
  DELETE FROM ticket_changes WHERE ticket_id = OLD.id;
  INSERT INTO ticket_changes (ticket_id, seq, deleted) VALUES (OLD.id, (SELECT seq FROM ticket_seq WHERE id = 1), 1);
END;
`,
      postgres: `
CREATE FUNCTION parley_ticket_writers_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Taken before any ticket row is locked, so concurrent ticket writers queue instead of deadlocking on the counter.
  PERFORM pg_advisory_xact_lock(7261013);
  RETURN NULL;
END $$;
CREATE FUNCTION parley_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  next_seq BIGINT;
BEGIN
  UPDATE ticket_seq SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO next_seq;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO ticket_changes (ticket_id, seq, deleted) VALUES (OLD.id, next_seq, 1)
      ON CONFLICT (ticket_id) DO UPDATE SET seq = excluded.seq, deleted = 1;
  ELSE
    INSERT INTO ticket_changes (ticket_id, seq, deleted) VALUES (NEW.id, next_seq, 0)
      ON CONFLICT (ticket_id) DO UPDATE SET seq = excluded.seq, deleted = 0;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tickets_writers_lock BEFORE INSERT OR UPDATE OR DELETE ON tickets FOR EACH STATEMENT EXECUTE FUNCTION parley_ticket_writers_lock();
CREATE TRIGGER tickets_changed AFTER INSERT OR UPDATE OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION parley_ticket_changed();
`,
    },
  },
  {
    id: 14,
    name: 'knowledge scopes: the scope of tickets (NULL = shared by all), quarantined tickets and conversations',
    sql: `
ALTER TABLE tickets ADD COLUMN scope TEXT;
CREATE INDEX tickets_scope ON tickets (scope);
ALTER TABLE quarantined_tickets ADD COLUMN scope TEXT;
ALTER TABLE conversations ADD COLUMN scope TEXT;
ALTER TABLE conversation_scores ADD COLUMN scope TEXT;
CREATE INDEX conversations_scope ON conversations (scope);
`,
  },
  {
    id: 15,
    name: "operator facts (support phone, hours, website, policies) per knowledge scope ('*' = shared)",
    sql: `
CREATE TABLE facts (
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (scope, name)
);
`,
  },
];
