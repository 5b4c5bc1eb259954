import { SHARED_SCOPE, type AnswerClusterRecord, type ClusterMemberRecord, type ClusterReview, type ClusterScopeState, type ClusterStatus, type ClusterStore } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { now, str, type Row } from './rows.js';
import { StoredReadCache } from './stored-read-cache.js';

/** Rows per multi-row INSERT (well under both databases' parameter limits). */
const BATCH = 200;

const scopeColumn = (scope: string | null): string => scope ?? SHARED_SCOPE;
const nullable = (value: unknown): string | null => (value == null ? null : str(value));

function toCluster(row: Row): AnswerClusterRecord {
  const scope = str(row.scope);
  return {
    id: str(row.id),
    scope: scope === SHARED_SCOPE ? null : scope,
    name: str(row.name),
    namedBy: nullable(row.named_by),
    key: str(row.cluster_key),
    canonicalText: str(row.canonical_text),
    reviewedText: nullable(row.reviewed_text),
    status: str(row.status) as ClusterStatus,
    reviewedBy: nullable(row.reviewed_by),
    reviewedAt: nullable(row.reviewed_at),
    size: Number(row.size),
    createdAt: str(row.created_at),
    updatedAt: str(row.updated_at),
  };
}

const toMember = (row: Row): ClusterMemberRecord => ({ ticketId: str(row.ticket_id), clusterId: str(row.cluster_id), pinned: Number(row.pinned) === 1 });

/** Inserts `rows` into `table` in multi-row statements. */
async function insertRows(tx: SqlDriver, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    const slice = rows.slice(start, start + BATCH);
    const values = slice.map((_row, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
    await tx.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, slice.flat());
  }
}

/** Locks a scope's version row (created at version 0 when missing) and returns its version. */
async function lockScope(tx: SqlDriver, scope: string): Promise<number> {
  await tx.run('INSERT INTO answer_cluster_scopes (scope, version, source_hash, updated_at) VALUES ($1, 0, $2, $3) ON CONFLICT (scope) DO NOTHING', [scope, '', now()]);
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const rows = await tx.query(`SELECT version FROM answer_cluster_scopes WHERE scope = $1${lock}`, [scope]);
  return Number(rows[0]?.version ?? 0);
}

/** {@link ClusterStore} over SQL (migration 17; shared tickets' clusters under the scope `*`). */
export class SqlClusterRecords implements ClusterStore {
  /** The stamp, read on every answer: from memory while `answer_cluster_scopes` is unchanged. */
  readonly #stamp: StoredReadCache<string>;

  constructor(private readonly db: SqlDriver) {
    this.#stamp = new StoredReadCache(db, ['answer_cluster_scopes']);
  }

  async list(filter?: { scope: string | null }): Promise<AnswerClusterRecord[]> {
    const order = ' ORDER BY size DESC, id';
    const rows = filter ? await this.db.query(`SELECT * FROM answer_clusters WHERE scope = $1${order}`, [scopeColumn(filter.scope)]) : await this.db.query(`SELECT * FROM answer_clusters${order}`);
    return rows.map(toCluster);
  }

  async get(id: string): Promise<AnswerClusterRecord | undefined> {
    const rows = await this.db.query('SELECT * FROM answer_clusters WHERE id = $1', [id]);
    return rows[0] ? toCluster(rows[0]) : undefined;
  }

  async members(clusterId: string): Promise<ClusterMemberRecord[]> {
    return (await this.db.query('SELECT * FROM answer_cluster_members WHERE cluster_id = $1 ORDER BY ticket_id', [clusterId])).map(toMember);
  }

  async scopeState(scope: string | null): Promise<ClusterScopeState> {
    const key = scopeColumn(scope);
    const [head] = await this.db.query('SELECT version, source_hash FROM answer_cluster_scopes WHERE scope = $1', [key]);
    const clusters = (await this.db.query('SELECT * FROM answer_clusters WHERE scope = $1 ORDER BY size DESC, id', [key])).map(toCluster);
    const members = (await this.db.query('SELECT * FROM answer_cluster_members WHERE scope = $1 ORDER BY ticket_id', [key])).map(toMember);
    return { version: Number(head?.version ?? 0), sourceHash: head ? str(head.source_hash) : '', clusters, members };
  }

  async replaceScope(scope: string | null, expectedVersion: number, state: Omit<ClusterScopeState, 'version'>): Promise<boolean> {
    const key = scopeColumn(scope);
    return this.db.transaction(async (tx) => {
      if ((await lockScope(tx, key)) !== expectedVersion) return false;
      await tx.run('DELETE FROM answer_cluster_members WHERE scope = $1', [key]);
      await tx.run('DELETE FROM answer_clusters WHERE scope = $1', [key]);
      const clusterColumns = ['id', 'scope', 'name', 'named_by', 'cluster_key', 'canonical_text', 'reviewed_text', 'status', 'reviewed_by', 'reviewed_at', 'size', 'created_at', 'updated_at'];
      await insertRows(
        tx,
        'answer_clusters',
        clusterColumns,
        state.clusters.map((c) => [c.id, key, c.name, c.namedBy, c.key, c.canonicalText, c.reviewedText, c.status, c.reviewedBy, c.reviewedAt, c.size, c.createdAt, c.updatedAt]),
      );
      await insertRows(tx, 'answer_cluster_members', ['ticket_id', 'cluster_id', 'scope', 'pinned'], state.members.map((m) => [m.ticketId, m.clusterId, key, m.pinned ? 1 : 0]));
      await tx.run('UPDATE answer_cluster_scopes SET version = version + 1, source_hash = $2, updated_at = $3 WHERE scope = $1', [key, state.sourceHash, now()]);
      return true;
    });
  }

  async review(id: string, review: ClusterReview): Promise<AnswerClusterRecord | undefined> {
    const columns: [string, unknown][] = [];
    if (review.name !== undefined) columns.push(['name', review.name]);
    if (review.namedBy !== undefined) columns.push(['named_by', review.namedBy]);
    if (review.reviewedText !== undefined) columns.push(['reviewed_text', review.reviewedText]);
    if (review.status !== undefined) columns.push(['status', review.status]);
    if (review.reviewedBy !== undefined) columns.push(['reviewed_by', review.reviewedBy]);
    if (review.reviewedAt !== undefined) columns.push(['reviewed_at', review.reviewedAt]);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query('SELECT scope FROM answer_clusters WHERE id = $1', [id]);
      if (!row) return undefined;
      await lockScope(tx, str(row.scope));
      const sets = [...columns.map(([column], i) => `${column} = $${i + 2}`), `updated_at = $${columns.length + 2}`];
      await tx.run(`UPDATE answer_clusters SET ${sets.join(', ')} WHERE id = $1`, [id, ...columns.map(([, value]) => value), now()]);
      await tx.run('UPDATE answer_cluster_scopes SET version = version + 1, updated_at = $2 WHERE scope = $1', [str(row.scope), now()]);
      const [updated] = await tx.query('SELECT * FROM answer_clusters WHERE id = $1', [id]);
      return updated ? toCluster(updated) : undefined;
    });
  }

  async forTickets(ticketIds: readonly string[]): Promise<{ ticketId: string; cluster: AnswerClusterRecord }[]> {
    const found: { ticketId: string; cluster: AnswerClusterRecord }[] = [];
    for (let start = 0; start < ticketIds.length; start += 500) {
      const ids = ticketIds.slice(start, start + 500);
      if (ids.length === 0) continue;
      const placeholders = ids.map((_id, i) => `$${i + 1}`).join(', ');
      const rows = await this.db.query(
        `SELECT m.ticket_id AS member_ticket_id, c.* FROM answer_cluster_members m JOIN answer_clusters c ON c.id = m.cluster_id WHERE m.ticket_id IN (${placeholders})`,
        [...ids],
      );
      for (const row of rows) found.push({ ticketId: str(row.member_ticket_id), cluster: toCluster(row) });
    }
    return found;
  }

  async stamp(): Promise<string> {
    return this.#stamp.get('stamp', () => this.readStamp());
  }

  private async readStamp(): Promise<string> {
    const [row] = await this.db.query('SELECT COUNT(*) AS scopes, COALESCE(SUM(version), 0) AS versions FROM answer_cluster_scopes');
    return `${String(row?.scopes ?? 0)}:${String(row?.versions ?? 0)}`;
  }
}
