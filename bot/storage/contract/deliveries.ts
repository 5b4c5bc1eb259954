import { describe, expect, it } from '@jest/globals';
import { newId } from '../../core/index.js';
import type { ContractContext } from './fixtures.js';

const later = (ms: number): string => new Date(Date.now() + ms).toISOString();

/** The store contract for channel requests recorded before their acknowledgement (migration 12). */
export function describeDeliveryStorage({ store }: ContractContext): void {
  describe('inbound deliveries recorded before the ack', () => {
    it('records a request once per key, hands it out to one claimer at a time and forgets it when completed', async () => {
      const channel = newId('ch');
      const id = newId('Ev');
      expect(await store().deliveries.record({ channel, id, body: '{"event_id":"1"}' })).toBe(true);
      // A redelivery (same key) keeps the first body and is not new.
      expect(await store().deliveries.record({ channel, id, body: '{"retry":true}' })).toBe(false);
      // Not stale yet: nothing to claim.
      expect(await store().deliveries.claimStale({ channel, staleBefore: new Date(Date.now() - 60_000).toISOString(), limit: 10 })).toEqual([]);
      const claimed = await store().deliveries.claimStale({ channel, staleBefore: later(1_000), limit: 10 });
      expect(claimed).toEqual([{ channel, id, body: '{"event_id":"1"}', receivedAt: expect.any(String), attempts: 1 }]);
      // Claiming marks it claimed now: a claim with an older bound does not take it again.
      expect(await store().deliveries.claimStale({ channel, staleBefore: claimed[0]!.receivedAt, limit: 10 })).toEqual([]);
      expect((await store().deliveries.claimStale({ channel, staleBefore: later(2_000), limit: 10 }))[0]?.attempts).toBe(2);
      await store().deliveries.complete(channel, id);
      expect(await store().deliveries.claimStale({ channel, staleBefore: later(3_000), limit: 10 })).toEqual([]);
      // Another channel's rows are not handed out.
      await store().deliveries.record({ channel: `${channel}-other`, id, body: '{}' });
      expect(await store().deliveries.claimStale({ channel, staleBefore: later(3_000), limit: 10 })).toEqual([]);
    });

    it('hands out the oldest requests first, at most `limit`', async () => {
      const channel = newId('ch');
      for (const id of ['a', 'b', 'c']) {
        await store().deliveries.record({ channel, id, body: id });
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const beforeClaims = new Date().toISOString();
      expect((await store().deliveries.claimStale({ channel, staleBefore: later(1_000), limit: 2 })).map((d) => d.id)).toEqual(['a', 'b']);
      expect((await store().deliveries.claimStale({ channel, staleBefore: beforeClaims, limit: 2 })).map((d) => d.id)).toEqual(['c']);
    });
  });
}
