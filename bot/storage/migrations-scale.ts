/**
 * Migrations of scale-out: an index for the per-conversation ordering check of turn claims (id 25: a turn is not
 * claimed while an earlier turn of its conversation runs under a live lease elsewhere); two indexes that every turn
 * wrote and no query needs dropped (id 26).
 */
export const SCALE_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 25,
    name: 'inbox by conversation and status: claims check for an earlier turn of the conversation still running',
    sql: `
CREATE INDEX inbox_conversation_status ON inbox (conversation_id, status);
`,
  },
  {
    id: 26,
    // Each turn inserts two message rows and one outbox row, and each insert writes every index of its table.
    // outbox (inbox_id, seq) duplicates the unique outbox (inbox_id, turn_index) for its one query (a turn's few
    // replies, sorted after the lookup); messages (conversation_id, created_at) served only the idle close and the
    // dashboard's "new messages since scored", which read one conversation's rows through messages (conversation_id, seq).
    name: 'indexes no query needs: outbox by inbox and seq, messages by conversation and time',
    sql: `
DROP INDEX IF EXISTS outbox_inbox;
DROP INDEX IF EXISTS messages_conversation_created;
`,
  },
];
