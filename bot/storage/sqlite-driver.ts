import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateFile, InProcessLock, PRIVATE_DIR_MODE } from '../core/index.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import type { SqlDriver } from './sql-driver.js';

/** Rewrites `$1…$n` placeholders to `?` and orders the parameters to match (a placeholder may repeat). */
function toSqlite(sql: string, params: readonly unknown[]): { sql: string; params: unknown[] } {
  const ordered: unknown[] = [];
  const rewritten = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    ordered.push(normalizeParam(params[Number(n) - 1]));
    return '?';
  });
  return { sql: rewritten, params: ordered };
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
 * {@link SqlDriver} on a SQLite file through better-sqlite3 (WAL mode). Statements are cached; a transaction holds
 * a lock so statements from other async work wait instead of joining it.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly txLock = new InProcessLock();
  private inTransaction = false;
  readonly counts = { statements: 0, transactions: 0 };

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

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private async outsideTransaction<T>(work: () => T): Promise<T> {
    if (!this.inTransaction) return work();
    return this.txLock.run('tx', async () => work());
  }

  private querySync<T>(sql: string, params: readonly unknown[]): T[] {
    this.counts.statements++;
    const q = toSqlite(sql, params);
    const stmt = this.statement(q.sql);
    if (stmt.reader) return stmt.all(...q.params) as T[];
    stmt.run(...q.params);
    return [];
  }

  private runSync(sql: string, params: readonly unknown[]): number {
    this.counts.statements++;
    const q = toSqlite(sql, params);
    return this.statement(q.sql).run(...q.params).changes;
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.outsideTransaction(() => this.querySync<T>(sql, params));
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.outsideTransaction(() => this.runSync(sql, params));
  }

  async exec(script: string): Promise<void> {
    await this.outsideTransaction(() => this.db.exec(script));
  }

  async transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return this.txLock.run('tx', async () => {
      this.db.exec('BEGIN IMMEDIATE');
      this.counts.transactions++;
      this.inTransaction = true;
      const tx: SqlDriver = {
        dialect: 'sqlite',
        query: async <R>(sql: string, params: readonly unknown[] = []) => this.querySync<R>(sql, params),
        run: async (sql, params = []) => this.runSync(sql, params),
        exec: async (script) => void this.db.exec(script),
        transaction: (inner) => inner(tx),
        close: async () => undefined,
      };
      try {
        const result = await work(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        this.db.exec('ROLLBACK');
        throw error;
      } finally {
        this.inTransaction = false;
      }
    });
  }

  async close(): Promise<void> {
    // The checkpointer's connection first: the last one to close checkpoints the whole WAL and removes it.
    await this.checkpointer?.stop();
    this.db.close();
  }
}
