/**
 * Migration 17: answer clusters per knowledge scope (`'*'` = the shared tickets), their memberships and the CX leads'
 * reviews; `answer_cluster_scopes` holds each scope's write version (optimistic concurrency between recomputation and
 * reviews) and the digest of the tickets its clusters were computed from.
 */
export const CLUSTER_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 17,
    name: 'answer clusters per knowledge scope: clusters, memberships, reviewed canonical texts',
    sql: `
CREATE TABLE answer_cluster_scopes (
  scope TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  source_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE answer_clusters (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  named_by TEXT,
  cluster_key TEXT NOT NULL,
  canonical_text TEXT NOT NULL,
  reviewed_text TEXT,
  status TEXT NOT NULL,
  reviewed_by TEXT,
  reviewed_at TEXT,
  size INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX answer_clusters_scope ON answer_clusters (scope);
CREATE TABLE answer_cluster_members (
  ticket_id TEXT PRIMARY KEY,
  cluster_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  pinned INTEGER NOT NULL
);
CREATE INDEX answer_cluster_members_cluster ON answer_cluster_members (cluster_id);
CREATE INDEX answer_cluster_members_scope ON answer_cluster_members (scope);
`,
  },
];
