import type pg from 'pg';
import type { OpenPostgresClient, PostgresClient } from '../core/index.js';

/** The `pg` module, loaded on first use so that a start on the embedded SQLite store never loads it. */
let pgModule: Promise<typeof pg> | undefined;

/** Loads `pg` (once), the one PostgreSQL client of Parley: the store's pools, its locks and the knowledge signal. */
export function loadPg(): Promise<typeof pg> {
  pgModule ??= import('pg').then((loaded) => loaded.default);
  return pgModule;
}

/** Closes the socket of `client` at once: a connection stuck on a silent network never finishes `end()`. */
export function destroySocket(client: pg.Client | pg.PoolClient): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/**
 * A new, unconnected PostgreSQL client (a dedicated session, e.g. one that `LISTEN`s; pooled work goes through the
 * store). Loads `pg` on the first call.
 */
export const openPostgresClient: OpenPostgresClient = async (options): Promise<PostgresClient> => {
  const { Client } = await loadPg();
  const client = new Client(options);
  return Object.assign(client, { destroy: () => destroySocket(client) });
};
