import { afterAll, describe, expect, it } from '@jest/globals';
import { silentLogger } from '../core/index.js';
import { PostgresAdvisoryLock } from '../storage/index.js';
import { postgresForTests } from '../testing/postgres.js';
import { waitFor } from '../testing/wait.js';
import type { ZendeskSyncResult } from './zendesk-sync.js';
import { ZendeskSyncSchedule } from './zendesk-sync-schedule.js';

const { available, connectionString } = await postgresForTests('the Zendesk sync lock test');
const describeIfPg = available ? describe : describe.skip;

describeIfPg('Zendesk sync on several servers sharing PostgreSQL', () => {
  const locks = available ? [new PostgresAdvisoryLock(connectionString, { max: 1 }), new PostgresAdvisoryLock(connectionString, { max: 1 })] : [];
  afterAll(async () => {
    for (const lock of locks) await lock.close();
  });

  it('runs on one server at a time: the other skips its turn instead of syncing too', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let syncs = 0;
    const schedules: ZendeskSyncSchedule[] = [];
    const sync = async (): Promise<ZendeskSyncResult> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // The first sync holds the lock until the other server has skipped its turn (or, were the lock broken, until
      // it syncs too).
      if (syncs++ === 0) await waitFor(() => schedules.some((s) => s.skipped > 0) || inFlight > 1, 10_000, 'the other server to skip or sync');
      inFlight--;
      return { firstSync: false, pages: 1, changed: 0, upserted: 0, inserted: 0, updated: 0, removed: 0, skipped: {}, quarantined: 0, redacted: 0, duplicates: 0, cursor: 'c', ms: 200 };
    };
    const [a, b] = locks.map((lock) => new ZendeskSyncSchedule({ intervalMs: 60_000, logger: silentLogger, lock, sync }));
    schedules.push(a!, b!);
    const results = await Promise.all([a!.pass(), b!.pass()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(maxInFlight).toBe(1);
    expect(a!.runs + b!.runs).toBe(1);
    expect(a!.skipped + b!.skipped).toBe(1);
    // Once free, either may sync.
    expect(await b!.pass()).toBeDefined();
    expect(await a!.pass()).toBeDefined();
  });
});
