import { jest } from '@jest/globals';
import { gaussian, seededRandom } from '../embeddings/linalg.js';
import { InvertedFile } from './ivf.js';
import { MemoryIndex } from './memory-index.js';
import { SparsePostings } from './sparse-postings.js';
import { reciprocalRankFusion, RRF_K, type IndexPoint } from './vector-index.js';

const point = (id: string, sparse: Record<number, number>, dense: number[], payload: Record<string, unknown> = {}): IndexPoint => {
  const indices = Object.keys(sparse)
    .map(Number)
    .sort((a, b) => a - b);
  return { id, sparse: { indices, values: indices.map((i) => sparse[i] as number) }, dense, payload };
};

const ids = (points: { id: string }[]) => points.map((p) => p.id);

async function fresh(dims = 2): Promise<MemoryIndex> {
  const index = new MemoryIndex();
  await index.ensure({ dims, payloadKeys: ['lang', 'tags'] });
  return index;
}

describe('reciprocalRankFusion', () => {
  it('sums 1 / (RRF_K + rank) over rankings and breaks ties by id', () => {
    const fused = reciprocalRankFusion(
      [
        ['a', 'b', 'c'],
        ['b', 'c', 'd', 'a'],
      ],
      10,
    );
    expect(ids(fused)).toEqual(['b', 'a', 'c', 'd']);
    expect(fused[0]?.score).toBeCloseTo(1 / (RRF_K + 2) + 1 / (RRF_K + 1), 12);
    expect(fused[1]?.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 4), 12);
    expect(fused[3]?.score).toBeCloseTo(1 / (RRF_K + 3), 12);
    expect(ids(reciprocalRankFusion([['x', 'y'], ['y', 'x']], 2))).toEqual(['x', 'y']);
    expect(reciprocalRankFusion([['a', 'b', 'c']], 2)).toHaveLength(2);
    expect(reciprocalRankFusion([], 5)).toEqual([]);
  });

  it('keeps the best `limit` of a full sort by score and id, whatever the rankings', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const fullSort = (rankings: string[][], limit: number) => {
      const scores = new Map<string, number>();
      for (const ranking of rankings) ranking.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
      return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
    };
    for (let trial = 0; trial < 200; trial++) {
      // Few distinct ids, so that many share a score (ties broken by id).
      const rankings = Array.from({ length: 1 + Math.floor(random() * 3) }, () => [...new Set(Array.from({ length: Math.floor(random() * 40) }, () => `t${Math.floor(random() * 60)}`))]);
      for (const limit of [0, 1, 5, 30, 200]) expect(reciprocalRankFusion(rankings, limit)).toEqual(fullSort(rankings, limit));
    }
  });
});

describe('MemoryIndex', () => {
  // Sparse ranking for feature 1: a > b > c (d has no keyword match). Dense ranking for [1, 0]: b > c > d > a.
  const fixture = () => [
    point('a', { 1: 0.9, 7: 0.2 }, [0, 1], { lang: 'en', tags: ['vip', 'late'] }),
    point('b', { 1: 0.5 }, [1, 0], { lang: 'en', tags: ['late'] }),
    point('c', { 1: 0.1, 3: 0.9 }, [0.9, 0.436], { lang: 'fr', tags: [], priority: 2 }),
    point('d', {}, [0.5, 0.866], { lang: 'fr', tags: ['vip'], vip: true }),
  ];
  const query = { sparse: { indices: [1], values: [1] }, dense: [1, 0], limit: 10 };

  it('ranks by keyword (sparse dot product), skipping points without a match', async () => {
    const index = await fresh();
    await index.upsert(fixture());
    const hits = await index.query({ ...query, mode: 'keyword' });
    expect(ids(hits)).toEqual(['a', 'b', 'c']);
    expect(hits.map((h) => h.score)).toEqual([1, 1 / 2, 1 / 3]);
    expect(ids(await index.query({ ...query, sparse: { indices: [3, 7], values: [1, 1] }, mode: 'keyword' }))).toEqual(['c', 'a']);
    expect(await index.query({ ...query, sparse: { indices: [42], values: [1] }, mode: 'keyword' })).toEqual([]);
  });

  it('ranks by cosine in dense mode, whatever the vectors\' length', async () => {
    const index = await fresh();
    await index.upsert(fixture());
    expect(ids(await index.query({ ...query, mode: 'dense' }))).toEqual(['b', 'c', 'd', 'a']);
    // Query and stored vectors are normalized: scaling changes nothing.
    expect(ids(await index.query({ ...query, dense: [10, 0], mode: 'dense' }))).toEqual(['b', 'c', 'd', 'a']);
    // Negatively correlated points stay rankable (last).
    expect(ids(await index.query({ ...query, dense: [-1, 0], mode: 'dense' }))).toEqual(['a', 'd', 'c', 'b']);
  });

  it('fuses both rankings by RRF in hybrid mode (the default)', async () => {
    const index = await fresh();
    await index.upsert(fixture());
    const hybrid = await index.query(query);
    // a: 1/61 + 1/64, b: 1/62 + 1/61, c: 1/63 + 1/62, d: 1/63.
    expect(ids(hybrid)).toEqual(['b', 'a', 'c', 'd']);
    expect(hybrid).toEqual(reciprocalRankFusion([['a', 'b', 'c'], ['b', 'c', 'd', 'a']], 10));
    expect(ids(await index.query({ ...query, mode: 'hybrid', limit: 2 }))).toEqual(['b', 'a']);
  });

  it('applies payload filters: scalars by equality, string arrays by containment', async () => {
    const index = await fresh();
    await index.upsert(fixture());
    expect(ids(await index.query({ ...query, filter: { lang: 'fr' } }))).toEqual(['c', 'd']);
    expect(ids(await index.query({ ...query, mode: 'keyword', filter: { lang: 'fr' } }))).toEqual(['c']);
    expect(ids(await index.query({ ...query, mode: 'dense', filter: { tags: 'vip' } }))).toEqual(['d', 'a']);
    expect(ids(await index.query({ ...query, filter: { tags: 'late', lang: 'en' } })).sort()).toEqual(['a', 'b']);
    expect(ids(await index.query({ ...query, filter: { priority: 2 } }))).toEqual(['c']);
    expect(ids(await index.query({ ...query, filter: { vip: true } }))).toEqual(['d']);
    expect(await index.query({ ...query, filter: { lang: 'de' } })).toEqual([]);
    expect(await index.query({ ...query, filter: { missing: 'x' } })).toEqual([]);
  });

  it('upsert replaces a point with the same id', async () => {
    const index = await fresh();
    await index.upsert(fixture());
    await index.upsert([point('a', { 9: 1 }, [1, 0.01], { lang: 'de' })]);
    expect(await index.count()).toBe(4);
    expect(ids(await index.query({ ...query, mode: 'keyword' }))).toEqual(['b', 'c']);
    expect(ids(await index.query({ ...query, sparse: { indices: [9], values: [1] }, mode: 'keyword' }))).toEqual(['a']);
    expect(ids(await index.query({ ...query, mode: 'dense', limit: 2 }))).toEqual(['b', 'a']);
    expect(ids(await index.query({ ...query, filter: { lang: 'de' } }))).toEqual(['a']);
    expect(await index.query({ ...query, filter: { tags: 'vip', lang: 'en' } })).toEqual([]);
  });

  it('keeps its own copy of a batch\'s vectors and ranks a batch as it ranks the same points upserted one by one', async () => {
    const batch = fixture();
    const batched = await fresh();
    await batched.upsert(batch);
    const single = await fresh();
    for (const p of fixture()) await single.upsert([p]);
    for (const p of batch) {
      p.sparse.values.fill(0);
      p.dense.fill(0);
    }
    for (const mode of ['keyword', 'dense', 'hybrid'] as const) {
      expect(await batched.query({ ...query, mode })).toEqual(await single.query({ ...query, mode }));
    }
    expect(ids(await batched.query({ ...query, mode: 'keyword' }))).toEqual(['a', 'b', 'c']);
  });

  it('deletes points by id, ignoring unknown ids, and counts', async () => {
    const index = await fresh();
    expect(await index.count()).toBe(0);
    await index.upsert(fixture());
    expect(await index.count()).toBe(4);
    await index.query(query); // compacted before the change
    await index.delete(['b', 'nope']);
    expect(await index.count()).toBe(3);
    expect(ids(await index.query(query))).not.toContain('b');
    expect(ids(await index.query({ ...query, mode: 'keyword' }))).toEqual(['a', 'c']);
  });

  it('clear drops every point', async () => {
    const index = await fresh();
    await index.upsert(fixture());
    await index.query(query);
    await index.clear();
    expect(await index.count()).toBe(0);
    expect(await index.query(query)).toEqual([]);
    await index.upsert([point('z', { 1: 1 }, [1, 0])]);
    expect(ids(await index.query(query))).toEqual(['z']);
  });

  it('ensure keeps points for the same dims and clears them when dims change', async () => {
    const index = await fresh(2);
    await index.upsert(fixture());
    await index.ensure({ dims: 2, payloadKeys: [] });
    expect(await index.count()).toBe(4);
    await index.query(query);
    await index.ensure({ dims: 3, payloadKeys: [] });
    expect(await index.count()).toBe(0);
    expect(await index.query({ ...query, dense: [1, 0, 0] })).toEqual([]);
    await index.upsert([point('x', { 1: 1 }, [0, 0, 1]), point('y', {}, [1, 0, 0])]);
    expect(ids(await index.query({ ...query, dense: [1, 0, 0], mode: 'dense' }))).toEqual(['y', 'x']);
  });

  it('serves keyword queries when there are no dense vectors', async () => {
    const index = await fresh(0);
    await index.upsert([point('k', { 4: 1 }, []), point('l', { 4: 0.5 }, [])]);
    expect(ids(await index.query({ sparse: { indices: [4], values: [1] }, dense: [], limit: 5 }))).toEqual(['k', 'l']);
    expect(await index.query({ sparse: { indices: [4], values: [1] }, dense: [], limit: 5, mode: 'dense' })).toEqual([]);
  });
});

describe('dense search on large indexes (inverted file)', () => {
  const rows = 25_000;
  const dims = 16;
  const random = seededRandom(2024);
  const matrix = new Float32Array(rows * dims);
  for (let row = 0; row < rows; row++) {
    let norm = 0;
    for (let i = 0; i < dims; i++) {
      const x = gaussian(random);
      matrix[row * dims + i] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < dims; i++) matrix[row * dims + i] = (matrix[row * dims + i] as number) / norm;
  }
  const vector = (row: number) => Array.from(matrix.subarray(row * dims, (row + 1) * dims));

  it('partitions every row into about √rows lists and probes only a few of them', () => {
    const ivf = InvertedFile.build(matrix, rows, dims, { iterations: 2, sampleSize: 4000 });
    const all = ivf.candidates(Float32Array.from(vector(0)), Number.MAX_SAFE_INTEGER);
    expect(all).toHaveLength(Math.round(Math.sqrt(rows)));
    const members = all.flatMap((list) => Array.from(list));
    expect(members).toHaveLength(rows);
    expect(new Set(members).size).toBe(rows);
    const probed = ivf.candidates(Float32Array.from(vector(0)), 12);
    expect(probed).toHaveLength(12);
    const probedRows = probed.reduce((n, list) => n + list.length, 0);
    expect(probedRows).toBeLessThan(rows / 3);
    expect(probed.some((list) => list.includes(0))).toBe(true);
  });

  it('finds each indexed vector among its own top 10 above the exact-search threshold', async () => {
    const index = await fresh(dims);
    const points: IndexPoint[] = [];
    for (let row = 0; row < rows; row++) points.push({ id: `p${row}`, sparse: { indices: [], values: [] }, dense: vector(row), payload: {} });
    await index.upsert(points);
    expect(await index.count()).toBe(rows);
    const queries = Array.from({ length: 20 }, (_, i) => Math.floor((i + 0.5) * (rows / 20)));
    let found = 0;
    for (const row of queries) {
      const hits = await index.query({ sparse: { indices: [], values: [] }, dense: vector(row), limit: 10, mode: 'dense' });
      expect(hits).toHaveLength(10);
      if (ids(hits).includes(`p${row}`)) found++;
    }
    expect(found / queries.length).toBeGreaterThanOrEqual(0.95);

    // Unseen queries: most of the exact top 10 (brute force) are still found.
    let overlap = 0;
    for (let q = 0; q < 20; q++) {
      const query = Array.from({ length: dims }, () => gaussian(random));
      const scores = new Float64Array(rows);
      for (let row = 0; row < rows; row++) {
        let dot = 0;
        for (let i = 0; i < dims; i++) dot += (matrix[row * dims + i] as number) * (query[i] as number);
        scores[row] = dot;
      }
      const exact = Array.from(scores.keys())
        .sort((a, b) => (scores[b] as number) - (scores[a] as number))
        .slice(0, 10)
        .map((row) => `p${row}`);
      const hits = ids(await index.query({ sparse: { indices: [], values: [] }, dense: query, limit: 10, mode: 'dense' }));
      overlap += exact.filter((id) => hits.includes(id)).length;
    }
    expect(overlap / 200).toBeGreaterThanOrEqual(0.7);
  });
});

describe('MemoryIndex delta segment', () => {
  const many = (n: number, offset = 0): IndexPoint[] =>
    Array.from({ length: n }, (_, i) => point(`p${i + offset}`, { [i + offset]: 1, 999_999: 0.1 }, [Math.cos(i + offset), Math.sin(i + offset)], { even: (i + offset) % 2 === 0 }));

  it('finds a point upserted after a merge at once, skips replaced and deleted base rows, and merges when the delta grows', async () => {
    const index = await fresh();
    await index.upsert(many(3_000));
    expect(ids(await index.query({ sparse: { indices: [5], values: [1] }, dense: [], limit: 1, mode: 'keyword' }))).toEqual(['p5']);
    await index.upsert([point('new', { 123_456: 1 }, [1, 0])]);
    expect(ids(await index.query({ sparse: { indices: [123_456], values: [1] }, dense: [], limit: 1, mode: 'keyword' }))).toEqual(['new']);
    // p7 moves: its old base row must not match any more.
    await index.upsert([point('p7', { 654_321: 1 }, [0, 1])]);
    expect(ids(await index.query({ sparse: { indices: [7], values: [1] }, dense: [], limit: 5, mode: 'keyword' }))).toEqual([]);
    expect(ids(await index.query({ sparse: { indices: [654_321], values: [1] }, dense: [], limit: 5, mode: 'keyword' }))).toEqual(['p7']);
    await index.delete(['p9', 'new']);
    expect(ids(await index.query({ sparse: { indices: [9, 123_456], values: [1, 1] }, dense: [], limit: 5, mode: 'keyword' }))).toEqual([]);
    expect(await index.count()).toBe(2_999);
    // Filters apply to the delta too.
    await index.upsert([point('odd-new', { 777_777: 1 }, [1, 0], { even: false })]);
    expect(ids(await index.query({ sparse: { indices: [777_777], values: [1] }, dense: [], limit: 5, mode: 'keyword', filter: { even: true } }))).toEqual([]);
    // A large delta is merged; results stay the same.
    await index.upsert(many(2_000, 10_000));
    expect(ids(await index.query({ sparse: { indices: [11_999], values: [1] }, dense: [], limit: 1, mode: 'keyword' }))).toEqual(['p11999']);
    expect(ids(await index.query({ sparse: { indices: [654_321], values: [1] }, dense: [], limit: 5 }))).toContain('p7');
    expect(await index.count()).toBe(5_000);
  });

  it('ranks delta and base points together by dense similarity', async () => {
    const index = await fresh();
    await index.upsert([point('a', { 1: 1 }, [1, 0]), point('b', { 1: 1 }, [0, 1])]);
    await index.query({ sparse: { indices: [1], values: [1] }, dense: [1, 0], limit: 2, mode: 'dense' });
    await index.upsert([point('c', { 1: 1 }, [0.9, 0.1])]);
    expect(ids(await index.query({ sparse: { indices: [], values: [] }, dense: [1, 0], limit: 3, mode: 'dense' }))).toEqual(['a', 'c', 'b']);
  });
});

describe('MemoryIndex snapshot', () => {
  const queries = [
    { sparse: { indices: [3, 40], values: [1, 0.5] }, dense: [1, 0, 0] },
    { sparse: { indices: [7], values: [1] }, dense: [0, -1, 0.5] },
    { sparse: { indices: [12, 96], values: [0.3, 1] }, dense: [0.2, 0.3, -1] },
  ];
  const corpus = (n: number, seed = 5) => {
    const random = seededRandom(seed);
    return Array.from({ length: n }, (_, i) => point(`p${i}`, { [i % 97]: 1, [97 + (i % 13)]: 0.5 }, [gaussian(random), gaussian(random), gaussian(random)], { lang: i % 2 ? 'en' : 'fr' }));
  };
  /** Every mode and a payload filter: the results of both indexes for each query. */
  async function expectSameResults(restored: MemoryIndex, reference: MemoryIndex): Promise<void> {
    for (const q of queries) {
      for (const mode of ['hybrid', 'dense', 'keyword'] as const) {
        for (const filter of [undefined, { lang: 'en' }]) {
          const query = { ...q, limit: 10, mode, ...(filter ? { filter } : {}) };
          expect(await restored.query(query)).toEqual(await reference.query(query));
        }
      }
    }
  }

  it.each([21_000, 500])('restores %i points\' base segment without building postings or clustering again, with the same results', async (n) => {
    const points = corpus(n);
    const first = await fresh(3);
    await first.upsert(points);
    const snapshot = first.snapshot();
    expect(snapshot).toBeDefined();
    const clustering = jest.spyOn(InvertedFile, 'build');
    const postings = jest.spyOn(SparsePostings, 'build');
    try {
      const second = await fresh(3);
      second.restore(snapshot as Uint8Array, () => true);
      await second.upsert(points);
      await expectSameResults(second, first);
      expect(clustering).not.toHaveBeenCalled();
      expect(postings).not.toHaveBeenCalled();
      expect(await second.count()).toBe(n);
    } finally {
      clustering.mockRestore();
      postings.mockRestore();
    }
  });

  it('places points changed since the snapshot anew, and drops rows no point claims', async () => {
    const points = corpus(21_000);
    const first = await fresh(3);
    await first.upsert(points);
    const snapshot = first.snapshot() as Uint8Array;
    // Since the snapshot: p3 changed (another vector), p4 was deleted, p-new was added.
    const changed = point('p3', { 7: 2 }, [0, -1, 0.5]);
    const added = point('p-new', { 12: 1, 96: 1 }, [0.2, 0.3, -1]);
    const now = [...points.filter((p) => p.id !== 'p3' && p.id !== 'p4'), changed, added];
    const second = await fresh(3);
    second.restore(snapshot, (id) => id !== 'p3');
    await second.upsert(now);
    // The same changes applied to the index the snapshot came from (with the same clusters).
    await first.upsert([changed, added]);
    await first.delete(['p4']);
    await expectSameResults(second, first);
    expect(ids(await second.query({ ...queries[1], limit: 1, mode: 'keyword' } as never))).toEqual(['p3']);
    expect(await second.count()).toBe(now.length);
    // A later change of a restored point replaces it.
    await second.upsert([point('p5', { 7: 3 }, [0, -1, 0.5])]);
    expect(ids(await second.query({ ...queries[1], limit: 1, mode: 'keyword' } as never))).toEqual(['p5']);
  });

  it('ignores a snapshot of another width', async () => {
    const first = await fresh(3);
    await first.upsert(corpus(50));
    const second = await fresh(2);
    second.restore(first.snapshot() as Uint8Array, () => true);
    await second.upsert([point('a', { 1: 1 }, [1, 0])]);
    expect(ids(await second.query({ sparse: { indices: [1], values: [1] }, dense: [1, 0], limit: 5 }))).toEqual(['a']);
  });
});
