/**
 * Migrations of scale-out (id 25): an index for the per-conversation ordering check of turn claims (a turn is not
 * claimed while an earlier turn of its conversation runs under a live lease elsewhere).
 */
export const SCALE_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 25,
    name: 'inbox by conversation and status: claims check for an earlier turn of the conversation still running',
    sql: `
CREATE INDEX inbox_conversation_status ON inbox (conversation_id, status);
`,
  },
];
