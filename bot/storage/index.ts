import { join } from 'node:path';
import type { Logger, Store } from '../core/index.js';
import type { PostgresTimeouts } from './postgres-pool.js';
import { PostgresDriver } from './postgres-driver.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqlStore } from './sql-store.js';

export { MIGRATIONS, migrate } from './migrations.js';
export { openPostgresClient } from './pg-client.js';
export { openSqliteDatabase } from './sqlite-driver.js';
export { PostgresDriver, withDefaultUser, type PostgresDriverOptions } from './postgres-driver.js';
export { PostgresAdvisoryLock, type PostgresAdvisoryLockOptions } from './postgres-lock.js';
export { DEFAULT_POSTGRES_TIMEOUTS, FIRST_RETRY_MS, isConnectionError, type PostgresTimeouts } from './postgres-pool.js';
export type { Dialect, SqlDriver } from './sql-driver.js';
export { SqliteDriver } from './sqlite-driver.js';
export { SqlStore } from './sql-store.js';
export { SqlJobRecords } from './job-records.js';

/** Where the store lives: PostgreSQL when `databaseUrl` is set, else `<home>/parley.db` (SQLite). */
export interface StoreLocation {
  home: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema; default `public`. */
  schema?: string;
  /** PostgreSQL timeouts and reconnection backoff; defaults in `DEFAULT_POSTGRES_TIMEOUTS`. */
  timeouts?: Partial<PostgresTimeouts>;
  /** Where PostgreSQL outages and reconnections are logged; default silent. */
  logger?: Logger;
}

/** Opens and migrates the store described by `location` (`store_unavailable` when PostgreSQL cannot be reached). */
export async function openStore(location: StoreLocation): Promise<Store> {
  const driver = location.databaseUrl
    ? new PostgresDriver({
        connectionString: location.databaseUrl,
        ...(location.schema ? { schema: location.schema } : {}),
        ...(location.timeouts ? { timeouts: location.timeouts } : {}),
        ...(location.logger ? { logger: location.logger } : {}),
      })
    : new SqliteDriver(join(location.home, 'parley.db'));
  const store = new SqlStore(driver);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
