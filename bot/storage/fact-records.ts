import { SHARED_SCOPE, type FactRecord, type FactStore } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { StoredReadCache } from './stored-read-cache.js';
import { now, str, type Row } from './rows.js';

function toFact(row: Row): FactRecord {
  const scope = str(row.scope);
  return { scope: scope === SHARED_SCOPE ? null : scope, name: str(row.name), value: str(row.value), updatedAt: str(row.updated_at) };
}

/**
 * {@link FactStore} over SQL (migration 15, table `facts`; shared facts under the scope `*`). Lists are read on every
 * turn and served from memory while the table is unchanged (see {@link StoredReadCache}).
 */
export class SqlFactRecords implements FactStore {
  readonly #lists: StoredReadCache<readonly FactRecord[]>;

  constructor(private readonly db: SqlDriver) {
    this.#lists = new StoredReadCache(db, ['facts']);
  }

  async set(fact: { scope: string | null; name: string; value: string }): Promise<FactRecord> {
    const rows = await this.db.query(
      `INSERT INTO facts (scope, name, value, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at RETURNING *`,
      [fact.scope ?? SHARED_SCOPE, fact.name, fact.value, now()],
    );
    return toFact(rows[0] as Row);
  }

  async list(filter?: { scope: string | null }): Promise<FactRecord[]> {
    const key = filter ? `scope:${filter.scope ?? SHARED_SCOPE}` : 'all';
    return (await this.#lists.get(key, () => this.read(filter))).map((fact) => ({ ...fact }));
  }

  private async read(filter?: { scope: string | null }): Promise<FactRecord[]> {
    const order = ` ORDER BY CASE WHEN scope = '${SHARED_SCOPE}' THEN 0 ELSE 1 END, scope, name`;
    const rows = filter
      ? await this.db.query(`SELECT * FROM facts WHERE scope IN ($1, $2)${order}`, [SHARED_SCOPE, filter.scope ?? SHARED_SCOPE])
      : await this.db.query(`SELECT * FROM facts${order}`);
    return rows.map(toFact);
  }

  async unset(name: string, scope: string | null): Promise<boolean> {
    return (await this.db.run('DELETE FROM facts WHERE scope = $1 AND name = $2', [scope ?? SHARED_SCOPE, name])) > 0;
  }
}
