import type { SqlDriver } from './sql-driver.js';

/**
 * Reads of rarely changing tables (operator facts, answer-cluster versions, corrections) served from memory while
 * the driver's {@link SqlDriver.changeStamp} for those tables stays the same: a write through this connection, a
 * rollback, or a commit by any other connection to the same database (another server, `parley facts set` from the
 * CLI) moves it, and the next read goes to the database again. A driver without change stamps (PostgreSQL) reads
 * every time. A value read while the stamp moved is returned but not kept. Values are shared between callers: they
 * must not be changed.
 */
export class StoredReadCache<T> {
  readonly #values = new Map<string, T>();
  #stamp: string | undefined;

  /**
   * Caches reads of `db` that depend on `tables` only (table names as in the SQL, lower case); a value `keep` turns
   * down (a large listing read once, not turn after turn) is returned without being kept.
   */
  constructor(
    private readonly db: SqlDriver,
    private readonly tables: readonly string[],
    private readonly keep: (value: T) => boolean = () => true,
  ) {}

  /** The value kept for `key` while the tables are unchanged, else what `read` returns (kept when nothing moved meanwhile). */
  async get(key: string, read: () => Promise<T>): Promise<T> {
    if (!this.db.changeStamp) return read();
    const stamp = this.db.changeStamp(this.tables);
    if (stamp !== this.#stamp) {
      this.#values.clear();
      this.#stamp = stamp;
    } else if (this.#values.has(key)) {
      return this.#values.get(key) as T;
    }
    const value = await read();
    if (this.db.changeStamp(this.tables) === stamp && this.#stamp === stamp && this.keep(value)) this.#values.set(key, value);
    return value;
  }
}
