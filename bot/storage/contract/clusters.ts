import { describe, expect, it } from '@jest/globals';
import { newId, type AnswerClusterRecord } from '../../core/index.js';
import type { ContractContext } from './fixtures.js';

const cluster = (id: string, scope: string | null, size: number): AnswerClusterRecord => ({
  id,
  scope,
  name: `name of ${id}`,
  namedBy: null,
  key: 'text',
  canonicalText: `canonical ${id}`,
  reviewedText: null,
  status: 'draft',
  reviewedBy: null,
  reviewedAt: null,
  size,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** The answer-clusters part of the store contract (migration 17): scope state, optimistic writes, reviews, lookups. */
export function describeClusterStorage({ store }: ContractContext): void {
  describe('answer clusters', () => {
    it('replaces a scope when its version is unchanged, and refuses a stale writer', async () => {
      const scope = newId('brand');
      const [a, b] = [newId('clu'), newId('clu')];
      const [t1, t2, t3] = [newId('t'), newId('t'), newId('t')];
      const empty = await store().clusters.scopeState(scope);
      expect(empty).toEqual({ version: 0, sourceHash: '', clusters: [], members: [] });
      const members = [
        { ticketId: t1, clusterId: a, pinned: false },
        { ticketId: t2, clusterId: a, pinned: true },
        { ticketId: t3, clusterId: b, pinned: false },
      ];
      expect(await store().clusters.replaceScope(scope, 0, { sourceHash: 'h1', clusters: [cluster(a, scope, 2), cluster(b, scope, 1)], members })).toBe(true);
      expect(await store().clusters.replaceScope(scope, 0, { sourceHash: 'h2', clusters: [], members: [] })).toBe(false);
      const state = await store().clusters.scopeState(scope);
      expect(state.version).toBe(1);
      expect(state.sourceHash).toBe('h1');
      expect(state.clusters.map((c) => [c.id, c.size, c.scope])).toEqual([
        [a, 2, scope],
        [b, 1, scope],
      ]);
      expect(state.members).toEqual(expect.arrayContaining(members));
      expect((await store().clusters.members(a)).map((m) => [m.ticketId, m.pinned]).sort()).toEqual([
        [t1, false],
        [t2, true],
      ].sort());
      expect((await store().clusters.list({ scope })).map((c) => c.id)).toEqual([a, b]);
      const found = await store().clusters.forTickets([t1, t3, newId('t')]);
      expect(found.map((f) => [f.ticketId, f.cluster.id]).sort()).toEqual([
        [t1, a],
        [t3, b],
      ].sort());
    });

    it('keeps a review and moves the scope version on, so a recomputation read before it is refused', async () => {
      const scope = newId('brand');
      const id = newId('clu');
      expect(await store().clusters.replaceScope(scope, 0, { sourceHash: 'h', clusters: [cluster(id, scope, 1)], members: [{ ticketId: newId('t'), clusterId: id, pinned: false }] })).toBe(true);
      const stamp = await store().clusters.stamp();
      const reviewed = await store().clusters.review(id, { reviewedText: 'Approved text.', status: 'approved', reviewedBy: 'lead@example.com', reviewedAt: '2026-02-02T00:00:00.000Z', name: 'Renamed', namedBy: 'lead@example.com' });
      expect(reviewed).toMatchObject({ id, status: 'approved', reviewedText: 'Approved text.', name: 'Renamed', namedBy: 'lead@example.com' });
      expect(await store().clusters.stamp()).not.toBe(stamp);
      expect(await store().clusters.replaceScope(scope, 1, { sourceHash: 'h2', clusters: [], members: [] })).toBe(false);
      expect(await store().clusters.review(newId('clu'), { name: 'x' })).toBeUndefined();
      expect(await store().clusters.get(id)).toMatchObject({ status: 'approved' });
    });

    it('keeps shared tickets\u2019 clusters under a null scope', async () => {
      const id = newId('clu');
      const state = await store().clusters.scopeState(null);
      expect(await store().clusters.replaceScope(null, state.version, { sourceHash: 'h', clusters: [...state.clusters, cluster(id, null, 1)], members: [...state.members, { ticketId: newId('t'), clusterId: id, pinned: false }] })).toBe(true);
      expect((await store().clusters.get(id))?.scope).toBeNull();
      expect((await store().clusters.list({ scope: null })).some((c) => c.id === id)).toBe(true);
    });
  });
}
