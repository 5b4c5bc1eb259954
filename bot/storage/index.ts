import { join } from 'node:path';
import type { Store } from '../core/index.js';
import { PostgresDriver } from './postgres-driver.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqlStore } from './sql-store.js';

export { MIGRATIONS, migrate } from './migrations.js';
export { PostgresDriver, type PostgresDriverOptions } from './postgres-driver.js';
export { PostgresAdvisoryLock } from './postgres-lock.js';
export type { Dialect, SqlDriver } from './sql-driver.js';
export { SqliteDriver } from './sqlite-driver.js';
export { SqlStore } from './sql-store.js';

/** Where the store lives: PostgreSQL when `databaseUrl` is set, else `<home>/parley.db` (SQLite). */
export interface StoreLocation {
  home: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema; default `public`. */
  schema?: string;
}

/** Opens and migrates the store described by `location`. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const driver = location.databaseUrl
    ? new PostgresDriver({ connectionString: location.databaseUrl, schema: location.schema })
    : new SqliteDriver(join(location.home, 'parley.db'));
  const store = new SqlStore(driver);
  await store.migrate();
  return store;
}
