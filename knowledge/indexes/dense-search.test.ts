import { gaussian, seededRandom } from '../embeddings/linalg.js';
import { denseScore, denseTopK, hypot, permuteRows, rowDot } from './dense-search.js';
import { InvertedFile, nearestCentroid } from './ivf.js';

function unitRows(random: () => number, rows: number, dims: number): Float32Array {
  const matrix = new Float32Array(rows * dims);
  for (let row = 0; row < rows; row++) {
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += (matrix[row * dims + i] = gaussian(random)) ** 2;
    for (let i = 0; i < dims; i++) matrix[row * dims + i] = (matrix[row * dims + i] as number) / Math.sqrt(norm);
  }
  return matrix;
}

describe('denseTopK', () => {
  it('scanning every row, returns the exhaustive top-k of accepted rows by cosine, best first', () => {
    const random = seededRandom(21);
    const dims = 7;
    const matrix = unitRows(random, 800, dims);
    for (let q = 0; q < 20; q++) {
      const query = unitRows(random, 1, dims);
      const accept = (row: number) => row % 3 !== q % 3;
      const expected = Array.from({ length: 800 }, (_, row) => ({ row, score: denseScore(rowDot(matrix, row, query, dims)) }))
        .filter(({ row }) => accept(row))
        .sort((a, b) => b.score - a.score || a.row - b.row)
        .slice(0, 25);
      const found = denseTopK(matrix, 800, dims, query, 25, accept, { ivf: undefined, probes: 0 });
      expect(found.rows).toEqual(expected.map((e) => e.row));
      expect(found.values).toEqual(expected.map((e) => e.score));
      // Shifted cosine: every row stays rankable, the most opposite last.
      expect(Math.min(...found.values)).toBeGreaterThan(0);
    }
  });

  it('with an inverted file, scores only the rows of the probed lists, exactly', () => {
    const random = seededRandom(22);
    const dims = 8;
    const matrix = unitRows(random, 2_000, dims);
    const ivf = InvertedFile.build(matrix, 2_000, dims);
    const query = unitRows(random, 1, dims);
    const probed = ivf.candidates(query, 3).flatMap((list) => [...list]);
    const expected = probed
      .map((row) => ({ row, score: denseScore(rowDot(matrix, row, query, dims)) }))
      .sort((a, b) => b.score - a.score || a.row - b.row)
      .slice(0, 40);
    const found = denseTopK(matrix, 2_000, dims, query, 40, () => true, { ivf, probes: 3 });
    expect(found.rows).toEqual(expected.map((e) => e.row));
    expect(found.rows.every((row) => probed.includes(row))).toBe(true);
  });
});

describe('permuteRows and InvertedFile.listOrder', () => {
  it('reorders matrix rows in place by a permutation, and list order puts each list\'s rows together', () => {
    const random = seededRandom(23);
    const dims = 5;
    const rows = 600;
    const matrix = unitRows(random, rows, dims);
    const original = matrix.slice();
    const ivf = InvertedFile.build(matrix, rows, dims);
    const order = ivf.listOrder();
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
    const clusters = Array.from(order, (row) => ivf.clusterOf(row));
    // Clusters appear in runs: once a list ends it never comes back.
    const runs = clusters.filter((c, i) => i === 0 || c !== clusters[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
    permuteRows(matrix, dims, order);
    order.forEach((from, to) => expect(matrix.subarray(to * dims, (to + 1) * dims)).toEqual(original.subarray(from * dims, (from + 1) * dims)));
  });
});

describe('nearestCentroid', () => {
  /** The plain loop the blocked one must match: one centroid at a time, summed in index order, first on ties. */
  function plainNearest(matrix: Float32Array, row: number, centroids: Float32Array, k: number, dims: number): number {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += (matrix[row * dims + i] as number) * (centroids[c * dims + i] as number);
      if (dot > bestScore) {
        bestScore = dot;
        best = c;
      }
    }
    return best;
  }

  it('picks the same centroid as scoring one centroid at a time, for any count of centroids and with ties', () => {
    const random = seededRandom(5);
    for (const [k, dims] of [[1, 3], [4, 8], [7, 5], [13, 64], [102, 17]] as const) {
      const matrix = unitRows(random, 300, dims);
      const centroids = unitRows(random, k, dims);
      // Duplicated centroids tie exactly: the first one wins either way.
      if (k > 6) centroids.copyWithin(5 * dims, 2 * dims, 3 * dims);
      for (let row = 0; row < 300; row++) expect(nearestCentroid(matrix, row, centroids, k, dims)).toBe(plainNearest(matrix, row, centroids, k, dims));
      // Rows equal to a centroid (the tie case above included).
      for (let c = 0; c < k; c++) expect(nearestCentroid(centroids, c, centroids, k, dims)).toBe(plainNearest(centroids, c, centroids, k, dims));
    }
  });
});

describe('hypot', () => {
  it('is Math.hypot of the values, to the bit (vectors of any scale, zeros, infinities and NaN)', () => {
    const random = seededRandom(8);
    for (let n = 0; n < 2_000; n++) {
      const values = Float32Array.from({ length: 1 + (n % 97) }, () => gaussian(random) * 10 ** (random() * 12 - 6));
      expect(Object.is(hypot(values), Math.hypot(...values))).toBe(true);
    }
    for (const values of [[], [0, 0], [0, -0], [3, Infinity, NaN], [NaN, 1], [-Infinity], [1e-40, 3e-41]]) {
      expect(Object.is(hypot(Float32Array.from(values)), Math.hypot(...Float32Array.from(values)))).toBe(true);
    }
  });
});
