import { seededRandom } from '../embeddings/linalg.js';
import { ArtefactReader, ArtefactWriter } from '../model/artefact.js';
import { SparsePostings, type PackedVec } from './sparse-postings.js';

/** Random sparse rows whose features follow a skewed (Zipf-like) distribution: a few long lists, many short ones. */
function randomRows(random: () => number, rows: number, features: number, options: { negative?: boolean; duplicates?: number } = {}): PackedVec[] {
  const out: PackedVec[] = [];
  for (let row = 0; row < rows; row++) {
    const chosen = new Set<number>();
    const length = 1 + Math.floor(random() * 12);
    while (chosen.size < length) chosen.add(Math.floor(random() ** 2.5 * features));
    const indices = Uint32Array.from([...chosen].sort((a, b) => a - b));
    const values = Float32Array.from(indices, (f) => (options.negative && random() < 0.1 ? -1 : 1) * (0.05 + random()) * (1 + Math.log(1 + f)));
    out.push({ indices, values });
  }
  // Exact copies of earlier rows: equal scores, to be ordered by row.
  for (let i = 0; i < (options.duplicates ?? 0); i++) out.push(out[Math.floor(random() * out.length)] as PackedVec);
  return out;
}

function randomQuery(random: () => number, features: number): { indices: number[]; values: number[] } {
  const chosen = new Set<number>();
  const length = 1 + Math.floor(random() * 16);
  while (chosen.size < length) chosen.add(Math.floor(random() ** 2 * features));
  const indices = [...chosen].sort((a, b) => a - b);
  return { indices, values: indices.map(() => 0.1 + random()) };
}

/** Every row scored in full (float64), ordered by score then row: what the pruned search must return (first k). */
function exhaustive(rows: readonly PackedVec[], query: { indices: number[]; values: number[] }, accept: (row: number) => boolean) {
  const weights = new Map(query.indices.map((f, i) => [f, query.values[i] as number]));
  const scored: { row: number; score: number }[] = [];
  rows.forEach((vector, row) => {
    let score = 0;
    vector.indices.forEach((f, i) => (score += (weights.get(f) ?? 0) * (vector.values[i] as number)));
    if (score > 0 && accept(row)) scored.push({ row, score });
  });
  return scored.sort((a, b) => b.score - a.score || a.row - b.row);
}

/** Checks a search result against the first k of the exhaustive ranking: same rows in the same order, same scores. */
function expectExact(found: { rows: number[]; values: number[] }, ranking: { row: number; score: number }[], k: number): void {
  const expected = ranking.slice(0, k);
  // One assertion per search (not per row): thousands of searches are checked.
  const wrongRow = expected.findIndex((e, i) => e.row !== found.rows[i]);
  const worstError = Math.max(0, ...expected.map((e, i) => Math.abs(e.score - (found.values[i] ?? Infinity))));
  expect({ length: found.rows.length, wrongRow, scoresMatch: worstError < 1e-9 }).toEqual({ length: expected.length, wrongRow: -1, scoresMatch: true });
}

describe('SparsePostings', () => {
  it('returns the exact top-k of an exhaustive scorer on random skewed data, for small and large k', () => {
    const random = seededRandom(11);
    const rows = randomRows(random, 3_000, 400, { duplicates: 40 });
    const postings = SparsePostings.build(rows);
    let pruned = 0;
    for (let q = 0; q < 200; q++) {
      const query = randomQuery(random, 400);
      const ranking = exhaustive(rows, query, () => true);
      for (const k of [1, 5, 30, 120, 5_000]) {
        expectExact(postings.search(query, k, () => true), ranking, k);
        if (k === 30 && postings.lastSearch.postingsScored < postings.lastSearch.postings) pruned++;
      }
    }
    // The data is skewed enough for pruning to skip postings in many searches: the comparison covered the pruned path.
    expect(pruned).toBeGreaterThan(50);
  });

  it('keeps its result exact when rows are filtered out (scopes, deleted rows)', () => {
    const random = seededRandom(12);
    const rows = randomRows(random, 4_000, 300);
    const postings = SparsePostings.build(rows);
    const scopeOf = rows.map(() => Math.floor(random() * 5));
    for (let q = 0; q < 150; q++) {
      const query = randomQuery(random, 300);
      const scope = q % 5;
      const accept = (row: number) => scopeOf[row] === scope || (scopeOf[row] === 4 && row % 3 !== 0);
      expectExact(postings.search(query, 50, accept), exhaustive(rows, query, accept), 50);
    }
    expect(postings.search(randomQuery(random, 300), 10, () => false)).toEqual({ rows: [], values: [] });
  });

  it('falls back to full scoring, still exact, when weights are negative', () => {
    const random = seededRandom(13);
    const rows = randomRows(random, 2_000, 200, { negative: true });
    const postings = SparsePostings.build(rows);
    for (let q = 0; q < 100; q++) {
      const query = randomQuery(random, 200);
      if (q % 2) query.values[0] = -(query.values[0] as number);
      expectExact(postings.search(query, 40, () => true), exhaustive(rows, query, () => true), 40);
    }
  });

  it('ignores unknown features and zero weights, and answers nothing for an empty query or index', () => {
    const rows: PackedVec[] = [
      { indices: Uint32Array.of(1, 4), values: Float32Array.of(0.5, 1) },
      { indices: Uint32Array.of(4), values: Float32Array.of(2) },
    ];
    const postings = SparsePostings.build(rows);
    const found = postings.search({ indices: [1, 4, 99], values: [1, 0, 5] }, 5, () => true);
    expect(found.rows).toEqual([0]);
    expect(found.values[0]).toBeCloseTo(0.5, 6);
    expect(postings.search({ indices: [], values: [] }, 5, () => true).rows).toEqual([]);
    expect(postings.search({ indices: [4], values: [1] }, 0, () => true).rows).toEqual([]);
    expect(SparsePostings.empty().search({ indices: [4], values: [1] }, 5, () => true).rows).toEqual([]);
  });

  it('gives the same answers when one index is searched many times (its scratch space is reused)', () => {
    const random = seededRandom(14);
    const rows = randomRows(random, 1_500, 150);
    const postings = SparsePostings.build(rows);
    const queries = Array.from({ length: 30 }, () => randomQuery(random, 150));
    const first = queries.map((query) => postings.search(query, 20, () => true));
    for (let round = 0; round < 3; round++) queries.forEach((query, i) => expect(postings.search(query, 20, () => true)).toEqual(first[i]));
  });

  it('reads back what it wrote into an artefact (the same exact results, pruning included), and nothing from one without it', () => {
    const random = seededRandom(13);
    for (const negative of [false, true]) {
      const rows = randomRows(random, 2_000, 300, { negative });
      const bytes = SparsePostings.build(rows).write(new ArtefactWriter(), 'postings').toBytes();
      const read = SparsePostings.read(new ArtefactReader(bytes), 'postings') as SparsePostings;
      expect(read.rowCount).toBe(rows.length);
      for (let q = 0; q < 50; q++) {
        const query = randomQuery(random, 300);
        expectExact(read.search(query, 20, () => true), exhaustive(rows, query, () => true), 20);
      }
    }
    expect(SparsePostings.read(new ArtefactReader(new ArtefactWriter().fact('dims', 3).toBytes()), 'postings')).toBeUndefined();
  });
});
