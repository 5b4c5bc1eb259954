import { gaussian, orthonormalizeColumns, seededRandom, sparseTimesDense, sparseTransposeTimesDense, symmetricEigen } from './linalg.js';
import { LsaEmbedder } from './lsa.js';

const cosine = (a: readonly number[], b: readonly number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
};

describe('linalg', () => {
  it('seededRandom is deterministic per seed, in [0, 1), and differs across seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 200 }, () => a());
    const ys = Array.from({ length: 200 }, () => b());
    const zs = Array.from({ length: 200 }, () => c());
    expect(xs).toEqual(ys);
    expect(xs).not.toEqual(zs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(200);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it('gaussian draws have mean about 0 and variance about 1', () => {
    const random = seededRandom(5);
    const draws = Array.from({ length: 2000 }, () => gaussian(random));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(variance).toBeGreaterThan(0.85);
    expect(variance).toBeLessThan(1.15);
  });

  it('symmetricEigen decomposes a known 3×3 matrix: eigenvalues descending and A·v = λ·v', () => {
    // Tridiagonal [2 -1 0; -1 2 -1; 0 -1 2]: eigenvalues 2 + √2, 2, 2 − √2.
    const a = Float64Array.from([2, -1, 0, -1, 2, -1, 0, -1, 2]);
    const { values, vectors } = symmetricEigen(a, 3);
    expect(values).toHaveLength(3);
    expect(values[0]).toBeCloseTo(2 + Math.SQRT2, 8);
    expect(values[1]).toBeCloseTo(2, 8);
    expect(values[2]).toBeCloseTo(2 - Math.SQRT2, 8);
    for (let j = 0; j < 3; j++) {
      const v = [0, 1, 2].map((r) => vectors[r * 3 + j] as number);
      expect(Math.hypot(...v)).toBeCloseTo(1, 8);
      for (let r = 0; r < 3; r++) {
        const av = [0, 1, 2].reduce((s, c) => s + (a[r * 3 + c] as number) * (v[c] as number), 0);
        expect(av).toBeCloseTo((values[j] as number) * (v[r] as number), 8);
      }
    }
    // The input is not modified.
    expect(Array.from(a)).toEqual([2, -1, 0, -1, 2, -1, 0, -1, 2]);
  });

  it('symmetricEigen handles a diagonal matrix and sorts its eigenvalues', () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([1, 0, 0, 0, 5, 0, 0, 0, 3]), 3);
    expect(values).toEqual([5, 3, 1]);
    // The eigenvector of 5 is e₂.
    expect(Math.abs(vectors[1 * 3 + 0] as number)).toBeCloseTo(1, 10);
  });

  it('orthonormalizeColumns gives orthonormal columns spanning the same space', () => {
    const n = 7;
    const k = 3;
    const random = seededRandom(11);
    const original = Float64Array.from({ length: n * k }, () => gaussian(random));
    const m = Float64Array.from(original);
    orthonormalizeColumns(m, n, k);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (m[i * k + p] as number) * (m[i * k + q] as number);
        expect(dot).toBeCloseTo(p === q ? 1 : 0, 10);
      }
    }
    // Gram–Schmidt keeps the first column's direction.
    const first = Array.from({ length: n }, (_, i) => original[i * k] as number);
    const q0 = Array.from({ length: n }, (_, i) => m[i * k] as number);
    expect(cosine(first, q0)).toBeCloseTo(1, 10);
  });

  it('sparse × dense products match a dense computation', () => {
    // rows: [[1, 0, 2], [0, 3, 0]] (2 × 3), dense 3 × 2.
    const rows = [
      { indices: [0, 2], values: [1, 2] },
      { indices: [1], values: [3] },
    ];
    const dense = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(sparseTimesDense(rows, dense, 2))).toEqual([1 + 10, 2 + 12, 9, 12]);
    // Aᵀ (3 × 2) × [[1, 2], [3, 4]].
    expect(Array.from(sparseTransposeTimesDense(rows, Float64Array.from([1, 2, 3, 4]), 2, 3))).toEqual([1, 2, 9, 12, 2, 4]);
  });
});

describe('LsaEmbedder', () => {
  // Three topics; "dispatched" and "shipped" never meet, but both come with "parcel" and the same other words.
  const shipping = ['today', 'yesterday', 'late', 'courier', 'tracking', 'week'];
  const other = ['login', 'email', 'locked', 'forgot', 'change', 'help'];
  const corpus = [
    ...shipping.map((w) => `my parcel was dispatched ${w}`),
    ...shipping.map((w) => `the parcel got shipped ${w}`),
    ...other.map((w) => `reset my password ${w}`),
    ...other.map((w) => `refund money to my card ${w}`),
  ];

  it('never has more dims than requested, nor than the corpus allows', async () => {
    const embedder = new LsaEmbedder({ dims: 4 });
    await embedder.fit(corpus);
    expect(embedder.dims).toBe(4);
    expect(embedder.name).toBe('lsa-4');
    const [vector] = await embedder.embed(['parcel dispatched']);
    expect(vector).toHaveLength(4);

    const big = new LsaEmbedder({ dims: 500 });
    await big.fit(corpus);
    expect(big.dims).toBeGreaterThan(0);
    expect(big.dims).toBeLessThan(corpus.length);
    expect(big.embedOne('parcel')).toHaveLength(big.dims);
  });

  it('is deterministic across two fits', async () => {
    const a = new LsaEmbedder({ dims: 6 });
    const b = new LsaEmbedder({ dims: 6 });
    await a.fit(corpus);
    await b.fit(corpus);
    const texts = ['parcel dispatched', 'reset password', 'refund to my card'];
    expect(await a.embed(texts)).toEqual(await b.embed(texts));
  });

  it('puts words that co-occur with the same words close together', async () => {
    const embedder = new LsaEmbedder({ dims: 3 });
    await embedder.fit(corpus);
    const [dispatched, shipped, unrelated] = (await embedder.embed(['dispatched', 'shipped', 'refund money'])) as [number[], number[], number[]];
    const related = cosine(dispatched, shipped);
    expect(related).toBeGreaterThan(0.5);
    expect(related).toBeGreaterThan(cosine(dispatched, unrelated) + 0.3);
    expect(related).toBeGreaterThan(cosine(shipped, unrelated) + 0.3);
  });

  it('embeds unknown words and an unfitted embedder to zero vectors', async () => {
    const unfitted = new LsaEmbedder();
    expect(unfitted.dims).toBe(0);
    expect(await unfitted.embed(['anything'])).toEqual([[]]);
    const embedder = new LsaEmbedder({ dims: 3 });
    await embedder.fit(corpus);
    expect(embedder.embedOne('zebra xylophone')).toEqual([0, 0, 0]);
  });

  it('survives a corpus too small to factorize', async () => {
    const embedder = new LsaEmbedder();
    await embedder.fit(['just one ticket']);
    expect(embedder.dims).toBe(1);
    expect(embedder.embedOne('just one ticket')).toEqual([0]);
  });
});
