import assert from 'node:assert/strict';
import { ParleyError } from '../../../bot/core/index.js';
import { reciprocalRankFusion, type IndexPoint, type IndexQuery, type ScoredPoint, type VectorIndex } from '../vector-index.js';

/** Five hand-made tickets in 4 dimensions whose keyword, dense and fused rankings differ (no ties). */
export const SCENARIO_POINTS: IndexPoint[] = [
  { id: 'T-1 refund', dense: [1, 0, 0, 0], sparse: { indices: [1, 2], values: [1, 1] }, payload: { channel: 'email', tags: ['billing'], priority: 2, rating: 4.5 } },
  { id: 'T-2 shipping', dense: [0, 1, 0, 0], sparse: { indices: [3, 4], values: [1, 1] }, payload: { channel: 'chat', tags: ['shipping'], priority: 1 } },
  { id: 'T-3 refund+shipping', dense: [0.7, 0.7, 0, 0], sparse: { indices: [1, 3], values: [0.5, 0.5] }, payload: { channel: 'email', tags: ['billing', 'shipping'], rating: 3.5 } },
  { id: 'T-4 password', dense: [0, 0, 1, 0], sparse: { indices: [5], values: [1] }, payload: { channel: 'chat', tags: ['account'], resolved: true } },
  { id: 'T-5 other', dense: [0, 0, 0, 1], sparse: { indices: [6], values: [1] }, payload: { channel: 'sms', tags: [] } },
];

/** The query of the scenario: keyword ranking T-2, T-3, T-4; dense ranking T-1, T-3, T-2, T-4, T-5. */
export const SCENARIO_QUERY: IndexQuery = { dense: [0.9, 0.1, 0.05, 0.02], sparse: { indices: [3, 5], values: [1, 0.4] }, limit: 10 };

const KEYWORD = ['T-2 shipping', 'T-3 refund+shipping', 'T-4 password'];
const DENSE = ['T-1 refund', 'T-3 refund+shipping', 'T-2 shipping', 'T-4 password', 'T-5 other'];

const ids = (points: ScoredPoint[]): string[] => points.map((p) => p.id);

/** Asserts that `actual` has the ids and (to float32 precision) the RRF scores of Parley's own fusion. */
function assertFused(actual: ScoredPoint[], expected: ScoredPoint[]): void {
  assert.deepEqual(ids(actual), ids(expected));
  actual.forEach((p, i) => assert.ok(Math.abs(p.score - expected[i]!.score) < 1e-6, `score of ${p.id}: ${p.score} vs ${expected[i]!.score}`));
}

/**
 * Runs a {@link VectorIndex} through ensure (idempotent), upsert (and replace), keyword/dense/hybrid queries, payload
 * filters, delete, count, a dims mismatch and clear — against an index whose collection does not exist yet. Shared
 * by the Qdrant adapter's tests against the fake and against a live Qdrant. Throws an AssertionError on deviation.
 */
export async function runVectorIndexScenario(index: VectorIndex): Promise<void> {
  await index.ensure({ dims: 4, payloadKeys: ['channel', 'tags'] });
  await index.ensure({ dims: 4, payloadKeys: ['channel', 'tags'] });
  assert.equal(await index.count(), 0);

  await index.upsert(SCENARIO_POINTS);
  await index.upsert([{ ...SCENARIO_POINTS[4]!, payload: { channel: 'sms', tags: ['replaced'] } }]);
  assert.equal(await index.count(), 5);

  assert.deepEqual(ids(await index.query({ ...SCENARIO_QUERY, mode: 'keyword' })), KEYWORD);
  const dense = await index.query({ ...SCENARIO_QUERY, mode: 'dense' });
  assert.deepEqual(ids(dense), DENSE);
  assert.ok(Math.abs(dense[0]!.score - 0.9 / Math.hypot(0.9, 0.1, 0.05, 0.02)) < 1e-5, 'dense scores are cosine similarities');
  // Parley's fusion puts T-4 (ranked 3rd and 4th) before T-1 (1st in one list only); Qdrant's default k = 2 would not.
  assertFused(await index.query(SCENARIO_QUERY), reciprocalRankFusion([KEYWORD, DENSE], 10));
  assertFused(await index.query({ ...SCENARIO_QUERY, limit: 2 }), reciprocalRankFusion([KEYWORD, DENSE], 2));

  const filtered = async (filter: IndexQuery['filter'], mode: IndexQuery['mode'] = 'hybrid'): Promise<string[]> => ids(await index.query({ ...SCENARIO_QUERY, filter, mode }));
  assert.deepEqual(await filtered({ channel: 'email' }), ['T-3 refund+shipping', 'T-1 refund']);
  assert.deepEqual(await filtered({ tags: 'shipping' }, 'dense'), ['T-3 refund+shipping', 'T-2 shipping']);
  assert.deepEqual(await filtered({ channel: 'email', tags: 'shipping' }, 'keyword'), ['T-3 refund+shipping']);
  assert.deepEqual(await filtered({ priority: 2 }), ['T-1 refund']);
  assert.deepEqual(await filtered({ rating: 3.5 }, 'dense'), ['T-3 refund+shipping']);
  assert.deepEqual(await filtered({ resolved: true }), ['T-4 password']);
  assert.deepEqual(await filtered({ tags: 'replaced' }, 'dense'), ['T-5 other']);
  assert.deepEqual(await filtered({ channel: 'fax' }), []);

  await index.delete(['T-2 shipping', 'never-indexed']);
  assert.equal(await index.count(), 4);
  assert.deepEqual(ids(await index.query({ ...SCENARIO_QUERY, mode: 'keyword' })), ['T-3 refund+shipping', 'T-4 password']);

  await assert.rejects(index.ensure({ dims: 8, payloadKeys: ['channel'] }), (e: unknown) => e instanceof ParleyError && e.code === 'config_invalid');
  await assert.rejects(index.upsert([{ ...SCENARIO_POINTS[0]!, dense: [1, 0] }]), (e: unknown) => e instanceof ParleyError && e.code === 'bad_request');

  await index.clear();
  assert.equal(await index.count(), 0);
  // Cleared before a rebuild with a new embedding model: the empty collection takes the new size.
  await index.ensure({ dims: 8, payloadKeys: ['channel'] });
  await index.upsert([{ ...SCENARIO_POINTS[0]!, dense: [0, 0, 0, 0, 0, 0, 0, 1] }]);
  assert.deepEqual(ids(await index.query({ ...SCENARIO_QUERY, dense: [0, 0, 0, 0, 0, 0, 0, 1], mode: 'dense' })), ['T-1 refund']);
}
