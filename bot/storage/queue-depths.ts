import type { QueueDepth, QueueName } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { str } from './rows.js';

/** Per queue: the rows still waiting and the column holding when each was written. */
const WAITING: Record<QueueName, { where: string; since: string }> = {
  inbox: { where: "status IN ('accepted', 'processing')", since: 'received_at' },
  outbox: { where: "status IN ('pending', 'failed')", since: 'created_at' },
  handoff_jobs: { where: "status = 'pending'", since: 'next_attempt_at' },
};

/** {@link Store.queueDepths} in SQL (the same statement on SQLite and PostgreSQL); uses the queues' status indexes. */
export async function queueDepths(db: SqlDriver): Promise<QueueDepth[]> {
  const depths: QueueDepth[] = [];
  for (const [queue, { where, since }] of Object.entries(WAITING) as [QueueName, (typeof WAITING)[QueueName]][]) {
    const [row] = await db.query(`SELECT COUNT(*) AS n, MIN(${since}) AS oldest FROM ${queue} WHERE ${where}`);
    depths.push({ queue, depth: Number(row?.n ?? 0), oldestAt: row?.oldest == null ? null : str(row.oldest) });
  }
  return depths;
}
