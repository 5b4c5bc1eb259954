import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { silentLogger } from '../../core/index.js';
import { PostgresDriver } from '../../storage/index.js';
import { createParley, type Parley } from '../parley.js';
import { startServer, type RunningServer } from '../server.js';

/** Several servers on one PostgreSQL schema, each with its own `PARLEY_HOME`, as a deployment behind a balancer runs them. */
export interface TestInstances {
  parleys: Parley[];
  servers: RunningServer[];
  /** Stops the servers, closes them, drops the schema and removes the homes. */
  close(): Promise<void>;
}

/**
 * Starts `count` instances on a fresh schema of `connectionString` (named `a`, `b`, …), each configured with `env` plus
 * its own home, `DATABASE_URL` = `databaseUrl` (default `connectionString`: give a proxied URL to cut the database)
 * and `PARLEY_VISION=false`.
 */
export async function startInstances(options: { count: number; connectionString: string; databaseUrl?: string; env?: Record<string, string> }): Promise<TestInstances> {
  const schema = `parley_test_${randomBytes(6).toString('hex')}`;
  const home = await mkdtemp(join(tmpdir(), 'parley-instances-'));
  const parleys: Parley[] = [];
  const servers: RunningServer[] = [];
  const close = async () => {
    for (const server of servers) await server.close();
    for (const parley of parleys) await parley.close();
    const driver = new PostgresDriver({ connectionString: options.connectionString, schema });
    await driver.dropSchema(schema);
    await driver.close();
    await rm(home, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < options.count; i++) {
      const config = loadConfig({ ...options.env, PARLEY_HOME: join(home, String.fromCharCode(97 + i)), DATABASE_URL: options.databaseUrl ?? options.connectionString, PARLEY_VISION: 'false' });
      const parley = await createParley(config, { logger: silentLogger, schema });
      parleys.push(parley);
      servers.push(await startServer(parley, { port: 0, host: '127.0.0.1' }));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { parleys, servers, close };
}
