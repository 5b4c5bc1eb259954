import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GROUP_COMMIT_MAX_MS, SqliteDriver } from './sqlite-driver.js';

/** Transactions asked for together are committed together, each still all-or-nothing and visible once it resolves. */

describe('SQLite group commit', () => {
  let home: string;
  let path: string;
  let driver: SqliteDriver;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-group-commit-'));
    path = join(home, 'parley.db');
    driver = new SqliteDriver(path);
    await driver.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, n INTEGER NOT NULL)');
  });

  afterEach(async () => {
    await driver.close();
    await rm(home, { recursive: true, force: true });
  });

  /** Rows as another connection (another process) sees them: only what was committed. */
  const committed = (owner: string): unknown[] => {
    const other = new Database(path, { readonly: true });
    try {
      return other.prepare('SELECT n FROM t WHERE owner = ? ORDER BY n').all(owner).map((row) => (row as { n: number }).n);
    } finally {
      other.close();
    }
  };

  it('commits concurrent transactions in one database transaction, each visible to others when its caller goes on', async () => {
    const before = driver.counts.transactions;
    const seen: unknown[][] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const owner = `owner-${i}`;
        const result = await driver.transaction(async (tx) => {
          await tx.run('INSERT INTO t (owner, n) VALUES ($1, 1)', [owner]);
          await tx.run('INSERT INTO t (owner, n) VALUES ($1, 2)', [owner]);
          return (await tx.query<{ c: number }>('SELECT COUNT(*) AS c FROM t WHERE owner = $1', [owner]))[0]?.c;
        });
        expect(result).toBe(2);
        seen.push(committed(owner));
      }),
    );
    expect(seen).toEqual(Array.from({ length: 20 }, () => [1, 2]));
    // One batch, unless the machine held this process up past GROUP_COMMIT_MAX_MS (a batch then commits what it has):
    // each further batch needs the one before it to have run that long.
    expect(driver.counts.transactions - before).toBeLessThanOrEqual(1 + Math.floor((performance.now() - started) / GROUP_COMMIT_MAX_MS));
  });

  it('commits what it has once a batch ran GROUP_COMMIT_MAX_MS; the transactions left go in the next batch', async () => {
    const before = driver.counts.transactions;
    const count = 6;
    // Each transaction takes at least 0.4 of the bound: a batch takes three at most (fewer on a busy machine).
    const slow = (i: number) =>
      driver.transaction(async (tx) => {
        const until = performance.now() + GROUP_COMMIT_MAX_MS * 0.4;
        while (performance.now() < until);
        return tx.run('INSERT INTO t (owner, n) VALUES ($1, $2)', ['slow', i]);
      });
    await Promise.all(Array.from({ length: count }, (_, i) => slow(i)));
    expect(driver.counts.transactions - before).toBeGreaterThanOrEqual(2);
    expect(committed('slow')).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('rolls back a failing transaction alone: the others of its batch are committed, and each caller gets its own outcome', async () => {
    const outcomes = await Promise.allSettled([
      driver.transaction(async (tx) => tx.run("INSERT INTO t (owner, n) VALUES ('kept', 1)")),
      driver.transaction(async (tx) => {
        await tx.run("INSERT INTO t (owner, n) VALUES ('failed', 1)");
        // NOT NULL: the second statement fails, so the first must not be kept either.
        await tx.run("INSERT INTO t (owner, n) VALUES ('failed', NULL)");
      }),
      driver.transaction(async (tx) => {
        await tx.run("INSERT INTO t (owner, n) VALUES ('also kept', 1)");
        return 'done';
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/NOT NULL/) });
    expect((outcomes[2] as PromiseFulfilledResult<unknown>).value).toBe('done');
    expect([committed('kept'), committed('failed'), committed('also kept')]).toEqual([[1], [], [1]]);
  });

  it('rolls a lone transaction back when it fails, and lets statements outside transactions run meanwhile', async () => {
    await expect(
      driver.transaction(async (tx) => {
        await tx.run("INSERT INTO t (owner, n) VALUES ('lone', 1)");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(committed('lone')).toEqual([]);
    const [written, read] = await Promise.all([
      driver.transaction(async (tx) => tx.run("INSERT INTO t (owner, n) VALUES ('later', 1)")),
      driver.query('SELECT COUNT(*) AS c FROM t'),
    ]);
    expect(written).toBe(1);
    expect(read).toEqual([{ c: expect.any(Number) }]);
    expect(committed('later')).toEqual([1]);
  });
});
