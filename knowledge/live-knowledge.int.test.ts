import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../bot/storage/index.js';
import { postgresForTests } from '../bot/testing/postgres.js';
import { describeLiveKnowledge } from './live-knowledge-suite.js';

const { available, connectionString } = await postgresForTests('the live knowledge tests on PostgreSQL');

describeLiveKnowledge(
  'two instances on one PostgreSQL schema',
  async () => {
    const schema = `parley_test_${randomBytes(6).toString('hex')}`;
    const home = await mkdtemp(join(tmpdir(), 'parley-live-pg-'));
    const stores = [await openStore({ home, databaseUrl: connectionString, schema }), await openStore({ home, databaseUrl: connectionString, schema })] as const;
    return {
      stores: [stores[0], stores[1]],
      async cleanup() {
        await stores[0].close();
        await stores[1].close();
        const client = new pg.Client({ connectionString });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
        await rm(home, { recursive: true, force: true });
      },
    };
  },
  { when: available },
);
