import { ParleyError } from '../../../bot/core/index.js';
import { scopeFilter, SHARED_SCOPE } from '../../scopes.js';
import type { IndexPoint } from '../vector-index.js';
import { QdrantIndex, startFakeQdrant, type FakeQdrant } from './index.js';
import { toQdrantFilter } from './mapping.js';

let fake: FakeQdrant;
beforeEach(async () => {
  fake = await startFakeQdrant();
});
afterEach(async () => {
  await fake.close();
});

describe('Qdrant and knowledge scopes (any-of payload filters)', () => {
  it('maps an array filter to match.any', () => {
    expect(toQdrantFilter({ scope: ['brand-a', SHARED_SCOPE], channel: 'email' })).toEqual({
      must: [{ key: 'scope', match: { any: ['brand-a', '*'] } }, { key: 'channel', match: { value: 'email' } }],
    });
    expect(() => toQdrantFilter({ scope: [1.5] })).toThrow(ParleyError);
  });

  it("queries only the scope's points and the shared ones", async () => {
    const index = new QdrantIndex({ url: fake.url, retryDelayMs: 1, collection: 'scopes' });
    await index.ensure({ dims: 2, payloadKeys: ['scope'] });
    const point = (id: string, scope: string): IndexPoint => ({ id, dense: [1, 0], sparse: { indices: [1], values: [1] }, payload: { scope } });
    await index.upsert([point('a1', 'brand-a'), point('b1', 'brand-b'), point('s1', SHARED_SCOPE)]);
    const query = { dense: [1, 0], sparse: { indices: [1], values: [1] }, limit: 10 };
    const ids = async (scope: string) => (await index.query({ ...query, filter: scopeFilter(scope) ?? {} })).map((p) => p.id).sort();
    expect(await ids('brand-a')).toEqual(['a1', 's1']);
    expect(await ids('brand-b')).toEqual(['b1', 's1']);
    expect((await index.query(query)).map((p) => p.id).sort()).toEqual(['a1', 'b1', 's1']);
  });
});
