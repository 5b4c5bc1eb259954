import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresForTests } from '../testing/postgres.js';
import type { Store } from '../core/index.js';
import { openStore, PostgresDriver } from './index.js';
import { describeStoreContract } from './store-contract.js';

const { available, connectionString } = await postgresForTests('the PostgreSQL store tests');
const describeIfPg = available ? describe : describe.skip;

const newSchema = (): string => `parley_test_${randomBytes(6).toString('hex')}`;

/** Opens a store in `schema` and returns a clean-up that closes it and drops the schema with its own home folder. */
async function openInSchema(schema: string): Promise<{ store: Store; cleanup(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'parley-pg-'));
  const store = await openStore({ home, databaseUrl: connectionString, schema });
  return {
    store,
    async cleanup() {
      await store.close();
      await dropSchema(schema);
      await rm(home, { recursive: true, force: true });
    },
  };
}

async function dropSchema(schema: string): Promise<void> {
  const driver = new PostgresDriver({ connectionString, schema });
  try {
    await driver.dropSchema(schema);
  } finally {
    await driver.close();
  }
}

async function schemaExists(schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describeIfPg('PostgreSQL store', () => {
  describeStoreContract('PostgreSQL', () => openInSchema(newSchema()));

  it('runs in its own schema and drops it afterwards', async () => {
    const schema = newSchema();
    const { store, cleanup } = await openInSchema(schema);
    expect(store.kind).toBe('postgres');
    await store.createConversation({ userId: 'u', channel: 'test' });
    expect(await schemaExists(schema)).toBe(true);
    await cleanup();
    expect(await schemaExists(schema)).toBe(false);
  });

  it('lets two stores migrate the same fresh schema concurrently', async () => {
    const schema = newSchema();
    const home = await mkdtemp(join(tmpdir(), 'parley-pg-'));
    const results = await Promise.allSettled([
      openStore({ home, databaseUrl: connectionString, schema }),
      openStore({ home, databaseUrl: connectionString, schema }),
    ]);
    const stores = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
      const [a, b] = stores as [Store, Store];
      // Both see one schema: what one writes, the other reads.
      const conversation = await a.createConversation({ userId: 'u', channel: 'test' });
      expect(await b.getConversation(conversation.id)).toEqual(conversation);
      expect(await b.setSettingIfAbsent('k', 'from-b')).toBe('from-b');
      expect(await a.setSettingIfAbsent('k', 'from-a')).toBe('from-b');
      await Promise.all([a.migrate(), b.migrate()]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(schema);
      await rm(home, { recursive: true, force: true });
    }
  });
});
