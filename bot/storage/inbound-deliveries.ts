import { maskCardNumbers, type InboundDelivery, type InboundDeliveryStore } from '../core/index.js';
import type { SqlDriver } from './sql-driver.js';
import { now, str, type Row } from './rows.js';

const toDelivery = (row: Row): InboundDelivery => ({
  channel: str(row.channel),
  id: str(row.id),
  body: str(row.body),
  receivedAt: str(row.received_at),
  attempts: Number(row.attempts),
});

/** {@link InboundDeliveryStore} over SQL (migration 12, table `inbound_deliveries`). */
export class SqlInboundDeliveries implements InboundDeliveryStore {
  constructor(private readonly db: SqlDriver) {}

  async record(delivery: { channel: string; id: string; body: string }): Promise<boolean> {
    const at = now();
    const inserted = await this.db.run(
      'INSERT INTO inbound_deliveries (channel, id, body, received_at, claimed_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (channel, id) DO NOTHING',
      // Card numbers masked as everywhere else in the store (the replayed request carries the masked text).
      [delivery.channel, delivery.id, maskCardNumbers(delivery.body), at],
    );
    return inserted > 0;
  }

  async complete(channel: string, id: string): Promise<void> {
    await this.db.run('DELETE FROM inbound_deliveries WHERE channel = $1 AND id = $2', [channel, id]);
  }

  async claimStale(options: { channel: string; staleBefore: string; limit: number }): Promise<InboundDelivery[]> {
    const rows = await this.db.query('SELECT * FROM inbound_deliveries WHERE channel = $1 AND claimed_at < $2 ORDER BY received_at, id LIMIT $3', [
      options.channel,
      options.staleBefore,
      options.limit,
    ]);
    const claimed: InboundDelivery[] = [];
    for (const row of rows) {
      // Claimed only if nobody claimed it since it was read (compare-and-set on claimed_at).
      const [taken] = await this.db.query(
        'UPDATE inbound_deliveries SET claimed_at = $4, attempts = attempts + 1 WHERE channel = $1 AND id = $2 AND claimed_at = $3 RETURNING *',
        [row.channel, row.id, row.claimed_at, now()],
      );
      if (taken) claimed.push(toDelivery(taken));
    }
    return claimed;
  }
}
