import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateFile, InProcessLock, PRIVATE_DIR_MODE } from '../core/index.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import type { SqlDriver } from './sql-driver.js';

/** A prepared statement and which parameter (0-based) each of its `?` placeholders takes. */
interface Prepared {
  stmt: Database.Statement;
  order: number[];
  /** The tables the statement writes to (see {@link writtenTables}); empty for a plain query. */
  writes: readonly string[];
}

/**
 * The tables `sql` inserts into, updates or deletes from (lower case), as named after `INSERT [OR …] INTO`,
 * `REPLACE INTO`, `UPDATE [OR …]` and `DELETE FROM`. An upsert's `DO UPDATE SET` adds a harmless `set`. The store's
 * schema has no foreign keys or triggers that write to the tables read through {@link SqliteDriver.changeStamp}.
 */
export function writtenTables(sql: string): string[] {
  const tables = new Set<string>();
  for (const match of sql.matchAll(/\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+["`]?(\w+)/gi)) {
    tables.add(match[1]!.toLowerCase());
  }
  return [...tables];
}

/** Rewrites `$1…$n` placeholders to `?`, with the parameter each `?` takes (a placeholder may repeat). */
function toSqlite(sql: string): { sql: string; order: number[] } {
  const order: number[] = [];
  const rewritten = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { sql: rewritten, order };
}

function normalizeParam(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value;
}

/**
 * WAL pages after which this connection's automatic checkpoint runs while the checkpointer thread copies the pages
 * (about 16 MB of WAL; SQLite's default is 1,000 pages).
 */
const WAL_RESTART_PAGES = 4_000;

/**
 * How long one group commit goes on taking transactions (ms): then it commits, and those left wait for the next loop
 * turn. While a batch runs, its transactions' awaits let other work run in between (the turns whose last commit just
 * ended), all in one turn of the event loop: unbounded, a batch of 500 web chat turns ran up to 160 ms (26 ms on
 * average) before sockets and timers were served again. Every commit writes the pages its transactions share, so
 * smaller batches cost CPU: bounds of 64 transactions or of 10 ms cost 0.15–0.3 ms of CPU per web chat turn with 500
 * turns at once; 40 ms costs none measurable.
 */
export const GROUP_COMMIT_MAX_MS = 40;

/**
 * {@link SqlDriver} on a SQLite file through better-sqlite3 (WAL mode). Statements are cached; transactions asked for
 * together are committed together (see {@link SqliteDriver.transaction}); a transaction holds a lock so statements
 * from other async work wait instead of joining it.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  /** Statements prepared so far, by their SQL as written (with `$n` placeholders). */
  private readonly statements = new Map<string, Prepared>();
  private readonly txLock = new InProcessLock();
  private inTransaction = false;
  /** Transactions waiting for the next group commit (see {@link transaction}). */
  private readonly batch: { work: (tx: SqlDriver) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  /** Transaction control statements, prepared once. */
  private readonly control: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackToSavepoint', Database.Statement>;
  readonly counts = { statements: 0, transactions: 0 };
  /** Statements run on this connection that wrote to each table (see {@link changeStamp}). */
  private readonly ownWrites = new Map<string, number>();
  /**
   * Scripts run on this connection ({@link exec}: migrations), which may have written to any table, and rollbacks,
   * which take back writes a read inside the transaction may have seen.
   */
  private scripts = 0;
  /** `PRAGMA data_version`: moves when another connection (process, CLI, thread) commits to the file. */
  private readonly dataVersion: Database.Statement;

  /** Runs the WAL checkpoints off this thread (see {@link SqliteCheckpointer}); none for `:memory:`. */
  private readonly checkpointer: SqliteCheckpointer | undefined;

  /**
   * Opens (creating if needed) the database file at `path`; `:memory:` for a throwaway database. `options.checkpointIntervalMs`:
   * how often the checkpointer thread copies the WAL into the database file (default 100 ms).
   */
  constructor(path: string, options: { checkpointIntervalMs?: number } = {}) {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
      // Owner-only before SQLite opens it: its -wal and -shm files inherit the database file's mode.
      ensurePrivateFile(path);
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.control = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT unit'),
      release: this.db.prepare('RELEASE unit'),
      rollbackToSavepoint: this.db.prepare('ROLLBACK TO unit'),
    };
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
    if (path !== ':memory:') {
      // A worker thread copies the WAL into the database file as it fills. This connection still checkpoints, less
      // often, only to let the WAL start over from its beginning (which needs a checkpoint that nothing interleaves
      // with: one on this thread, the only writer): it finds the pages copied already and only syncs. Should the
      // worker stop, the usual automatic checkpoint every 1,000 pages is back.
      this.db.pragma(`wal_autocheckpoint = ${WAL_RESTART_PAGES}`);
      this.checkpointer = new SqliteCheckpointer(path, () => this.checkpointHere(), options.checkpointIntervalMs);
    }
  }

  /** Back to SQLite's automatic checkpoint on this connection (every 1,000 WAL pages, its default). */
  private checkpointHere(): void {
    if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
  }

  /** The statement for `sql` (prepared once) and `params` in the order of its `?` placeholders. */
  private bind(sql: string, params: readonly unknown[]): { stmt: Database.Statement; args: unknown[] } {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      const rewritten = toSqlite(sql);
      const stmt = this.db.prepare(rewritten.sql);
      prepared = { stmt, order: rewritten.order, writes: stmt.readonly ? [] : writtenTables(rewritten.sql) };
      this.statements.set(sql, prepared);
    }
    for (const table of prepared.writes) this.ownWrites.set(table, (this.ownWrites.get(table) ?? 0) + 1);
    return { stmt: prepared.stmt, args: prepared.order.map((i) => normalizeParam(params[i])) };
  }

  /**
   * A value that changes whenever what `tables` hold may have changed: a write to one of them through this connection
   * (counted before it runs, rolled back or not), a script run or a transaction rolled back here, or a commit by any other connection to the file
   * (`PRAGMA data_version`, which SQLite moves for exactly that). Equal stamps: the tables are as they were. One
   * statement that reads no table; what {@link StoredReadCache} checks before serving a read from memory.
   */
  changeStamp(tables: readonly string[]): string {
    let stamp = `${String(this.dataVersion.get())}:${String(this.scripts)}`;
    for (const table of tables) stamp += `:${String(this.ownWrites.get(table) ?? 0)}`;
    return stamp;
  }

  private async outsideTransaction<T>(work: () => T): Promise<T> {
    if (!this.inTransaction) return work();
    return this.txLock.run('tx', async () => work());
  }

  private querySync<T>(sql: string, params: readonly unknown[]): T[] {
    this.counts.statements++;
    const { stmt, args } = this.bind(sql, params);
    if (stmt.reader) return stmt.all(...args) as T[];
    stmt.run(...args);
    return [];
  }

  private runSync(sql: string, params: readonly unknown[]): number {
    this.counts.statements++;
    const { stmt, args } = this.bind(sql, params);
    return stmt.run(...args).changes;
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.outsideTransaction(() => this.querySync<T>(sql, params));
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.outsideTransaction(() => this.runSync(sql, params));
  }

  async exec(script: string): Promise<void> {
    // Counted before (a read meanwhile is not kept) and after (nor one that read the old tables while it waited).
    this.scripts++;
    await this.outsideTransaction(() => {
      this.db.exec(script);
      this.scripts++;
    });
  }

  /**
   * Runs `work` atomically and resolves once it is committed. Transactions asked for in the same turn of the event
   * loop are committed together (group commit): one BEGIN … COMMIT, each transaction in its own savepoint, so that
   * one that fails is rolled back alone. What the others wrote is committed — and only then does each caller go on —
   * so atomicity, isolation (they run one after another) and durability are those of separate transactions, while
   * the pages they share (the last leaf of each table and index they insert into) are written to the WAL once.
   */
  async transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.batch.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.batch.length === 1) setImmediate(() => void this.commitBatch());
    });
  }

  /**
   * Runs the transactions asked for, in one database transaction, for up to {@link GROUP_COMMIT_MAX_MS} (see
   * {@link transaction}); those left wait for the next loop turn.
   */
  private async commitBatch(): Promise<void> {
    await this.txLock.run('tx', () => this.commitUnits());
    // Left over when the time was up: the next batch starts after the event loop has run.
    if (this.batch.length > 0) setImmediate(() => void this.commitBatch());
  }

  /** One group commit (see {@link transaction}). */
  private async commitUnits(): Promise<void> {
    if (this.batch.length === 0) return;
    // Alone in the batch, the transaction itself is the unit; otherwise a savepoint is.
    const alone = this.batch.length === 1;
    const control = this.control;
    control.begin.run();
    // What the database ran: a group commit counts once.
    this.counts.transactions++;
    this.inTransaction = true;
    const tx: SqlDriver = {
      dialect: 'sqlite',
      query: async <R>(sql: string, params: readonly unknown[] = []) => this.querySync<R>(sql, params),
      run: async (sql, params = []) => this.runSync(sql, params),
      exec: async (script) => {
        this.scripts++;
        this.db.exec(script);
      },
      transaction: (inner) => inner(tx),
      close: async () => undefined,
      changeStamp: (tables) => this.changeStamp(tables),
    };
    const started = performance.now();
    const units: typeof this.batch = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      // Transactions asked for while the batch runs join it too, until the time is up.
      while (this.batch.length > 0 && (units.length === 0 || (!alone && performance.now() - started < GROUP_COMMIT_MAX_MS))) {
        const unit = this.batch.shift()!;
        units.push(unit);
        if (!alone) control.savepoint.run();
        try {
          outcomes.push({ ok: true, value: await unit.work(tx) });
          if (!alone) control.release.run();
        } catch (error) {
          if (!alone) {
            this.scripts++;
            control.rollbackToSavepoint.run();
            control.release.run();
          }
          outcomes.push({ ok: false, error });
        }
      }
      if (alone && !outcomes[0]?.ok) {
        this.scripts++;
        control.rollback.run();
      }
      else control.commit.run();
    } catch (error) {
      // The batch could not be committed (disk full, I/O error): nothing of it is kept, and every caller hears so.
      this.scripts++;
      if (this.db.inTransaction) control.rollback.run();
      units.forEach((unit) => unit.reject(error));
      return;
    } finally {
      this.inTransaction = false;
    }
    units.forEach((unit, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }

  async close(): Promise<void> {
    // The checkpointer's connection first: the last one to close checkpoints the whole WAL and removes it.
    await this.checkpointer?.stop();
    this.db.close();
  }
}

/**
 * A plain better-sqlite3 connection to the file at `path`, without the store's settings or schema: for tools that
 * measure SQLite itself (the engines benchmark loads an extension into it). The store opens its file through
 * {@link SqliteDriver}.
 */
export function openSqliteDatabase(path: string): Database.Database {
  return new Database(path);
}
