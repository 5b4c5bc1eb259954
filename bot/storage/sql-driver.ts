/** The SQL dialects Parley's store runs on. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * The few database operations {@link SqlStore} needs. SQL is written once with PostgreSQL-style `$1` placeholders;
 * the SQLite driver rewrites them.
 */
export interface SqlDriver {
  readonly dialect: Dialect;
  /** Runs a statement and returns its rows (empty for statements without RETURNING). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `work` in one transaction; queries through `tx` belong to it. */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Checks that the database answers within `timeoutMs`; throws `store_unavailable` when it does not. */
  ping?(timeoutMs?: number): Promise<void>;
  /** Calls `listener` each time the database is reachable again after an outage. */
  onAvailable?(listener: () => void): void;
  /**
   * A value that changes whenever what `tables` hold may have changed, in this process or another; absent where the
   * driver cannot tell cheaply and exactly (PostgreSQL: reads go to the database every time).
   */
  changeStamp?(tables: readonly string[]): string;
  /** Statements (BEGIN, COMMIT and ROLLBACK left out) and database transactions (a group commit counts once) run so far. */
  readonly counts?: { statements: number; transactions: number };
}
