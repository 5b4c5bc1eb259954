import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDriver } from './sqlite-driver.js';
import { waitFor } from '../testing/wait.js';

/** The WAL checkpoints run on a worker thread: the server's connection never checkpoints, and the WAL stays small. */

describe('SQLite WAL checkpoints off the main thread', () => {
  let home: string;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-checkpoint-'));
  });

  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('copies committed pages into the database file by itself, before the connection would checkpoint on commit', async () => {
    const path = join(home, 'parley.db');
    const driver = new SqliteDriver(path, { checkpointIntervalMs: 20 });
    try {
      await driver.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
      // 3,000 commits of a page or more each, under the connection's own checkpoint threshold (4,000 pages).
      for (let i = 0; i < 3_000; i++) await driver.run('INSERT INTO t (body) VALUES ($1)', ['x'.repeat(1_000)]);
      // The checkpointer thread copies the pages into the database file (this connection does not, below 4,000 pages).
      await waitFor(() => statSync(path).size > 3_000_000, 10_000, 'the WAL copied into the database file');
      // (A read-only probe's own checkpoint, once used here to show nothing was left, fails with "disk I/O error" when
      // it meets the thread's checkpoint half-way; the file's size is what shows the copy.)
      const probe = new Database(path, { readonly: true });
      try {
        expect(probe.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3_000 });
      } finally {
        probe.close();
      }
      expect(statSync(path).size).toBeGreaterThan(3_000_000);
    } finally {
      await driver.close();
    }
    // Closed last, the connection removes the WAL: nothing is left behind.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new SqliteDriver(path);
    try {
      expect(await reopened.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 3_000 }]);
    } finally {
      await reopened.close();
    }
  });

  it('leaves the connection a rare automatic checkpoint (to restart the WAL) while the checkpointer runs', async () => {
    const path = join(home, 'parley.db');
    const driver = new SqliteDriver(path);
    try {
      expect(await driver.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 4_000 }]);
    } finally {
      await driver.close();
    }
    const memory = new SqliteDriver(':memory:');
    try {
      expect(await memory.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 1000 }]);
    } finally {
      await memory.close();
    }
  });
});
