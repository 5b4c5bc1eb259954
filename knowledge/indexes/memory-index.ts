import { InvertedFile } from './ivf.js';
import { matchesFilter, reciprocalRankFusion, type IndexPoint, type IndexQuery, type ScoredPoint, type SparseVec, type VectorIndex } from './vector-index.js';

interface StoredPoint {
  sparse: { indices: Uint32Array; values: Float32Array };
  dense: Float32Array;
  payload: Record<string, unknown>;
}

/** Postings of all sparse features in one compressed-column block: feature → slot, slot → [start, end). */
interface Postings {
  slots: Map<number, number>;
  offsets: Uint32Array;
  rows: Uint32Array;
  weights: Float32Array;
}

/** Indices of the `k` largest scores (scores ≤ 0 never qualify), best first. */
function topK(scores: Float32Array, k: number, accept: (row: number) => boolean): number[] {
  const rows: number[] = [];
  const values: number[] = [];
  let floor = 0;
  for (let row = 0; row < scores.length; row++) {
    const score = scores[row] as number;
    if (score <= floor && rows.length >= k) continue;
    if (score <= 0 || !accept(row)) continue;
    let at = rows.length;
    while (at > 0 && (values[at - 1] as number) < score) at--;
    rows.splice(at, 0, row);
    values.splice(at, 0, score);
    if (rows.length > k) {
      rows.pop();
      values.pop();
    }
    if (rows.length >= k) floor = values[values.length - 1] as number;
  }
  return rows;
}

/** Above this many rows, dense search probes the nearest k-means clusters instead of scanning every row. */
const EXACT_DENSE_UP_TO = 20_000;
/** Clusters probed per dense query on large indexes (of about √rows). */
const PROBES = 12;

/**
 * The embedded {@link VectorIndex}: an inverted index for sparse vectors (dot product) and unit dense vectors
 * (cosine; exact up to 20,000 rows, an inverted file of k-means clusters above), fused by RRF. In process memory; rebuilt from the store at start. Postings are compacted
 * lazily after changes.
 */
export class MemoryIndex implements VectorIndex {
  readonly engine = 'memory';
  private readonly points = new Map<string, StoredPoint>();
  private dims = 0;
  private rowIds: string[] = [];
  private rows: StoredPoint[] = [];
  private postings: Postings = { slots: new Map(), offsets: new Uint32Array(1), rows: new Uint32Array(0), weights: new Float32Array(0) };
  private matrix = new Float32Array(0);
  private ivf: InvertedFile | undefined;
  private dirty = true;

  async ensure(options: { dims: number; payloadKeys: string[] }): Promise<void> {
    if (this.dims !== options.dims) {
      this.points.clear();
      this.dims = options.dims;
      this.dirty = true;
    }
  }

  async upsert(points: IndexPoint[]): Promise<void> {
    for (const point of points) {
      const dense = Float32Array.from(point.dense);
      const norm = Math.hypot(...dense) || 1;
      for (let i = 0; i < dense.length; i++) dense[i] = (dense[i] as number) / norm;
      const sparse = { indices: Uint32Array.from(point.sparse.indices), values: Float32Array.from(point.sparse.values) };
      this.points.set(point.id, { sparse, dense, payload: point.payload });
    }
    this.dirty = true;
  }

  async delete(ids: string[]): Promise<void> {
    for (const id of ids) this.points.delete(id);
    this.dirty = true;
  }

  async count(): Promise<number> {
    return this.points.size;
  }

  async clear(): Promise<void> {
    this.points.clear();
    this.dirty = true;
  }

  async query(query: IndexQuery): Promise<ScoredPoint[]> {
    this.compact();
    const mode = query.mode ?? 'hybrid';
    const accept = (row: number) => matchesFilter((this.rows[row] as StoredPoint).payload, query.filter);
    // Each ranking fetches more than `limit` so fusion has overlap to work with (as Qdrant's prefetch does).
    const depth = mode === 'hybrid' ? Math.max(query.limit * 4, 50) : query.limit;
    const rankings: string[][] = [];
    if (mode !== 'dense') rankings.push(topK(this.sparseScores(query.sparse), depth, accept).map((r) => this.rowIds[r] as string));
    if (mode !== 'keyword' && this.dims > 0) rankings.push(topK(this.denseScores(query.dense), depth, accept).map((r) => this.rowIds[r] as string));
    if (mode !== 'hybrid') {
      const ranking = rankings[0] ?? [];
      return ranking.slice(0, query.limit).map((id, i) => ({ id, score: 1 / (i + 1) }));
    }
    return reciprocalRankFusion(rankings, query.limit);
  }

  private sparseScores(sparse: SparseVec): Float32Array {
    const scores = new Float32Array(this.rows.length);
    const { slots, offsets, rows, weights } = this.postings;
    sparse.indices.forEach((feature, i) => {
      const slot = slots.get(feature);
      if (slot === undefined) return;
      const q = sparse.values[i] as number;
      for (let j = offsets[slot] as number, end = offsets[slot + 1] as number; j < end; j++) {
        const row = rows[j] as number;
        scores[row] = (scores[row] as number) + q * (weights[j] as number);
      }
    });
    return scores;
  }

  private denseScores(dense: readonly number[]): Float32Array {
    const d = this.dims;
    const q = Float32Array.from(dense);
    const norm = Math.hypot(...q) || 1;
    for (let i = 0; i < d; i++) q[i] = (q[i] as number) / norm;
    const scores = new Float32Array(this.rows.length);
    const m = this.matrix;
    const score = (row: number) => {
      let sum = 0;
      const base = row * d;
      for (let i = 0; i < d; i++) sum += (m[base + i] as number) * (q[i] as number);
      // Shifted into (0, 2] so that topK's "score > 0" test keeps negatively correlated rows rankable.
      scores[row] = sum + 1 + 1e-6;
    };
    if (!this.ivf) {
      for (let row = 0; row < scores.length; row++) score(row);
      return scores;
    }
    for (const list of this.ivf.candidates(q, PROBES)) for (const row of list) score(row);
    return scores;
  }

  private compact(): void {
    if (!this.dirty) return;
    this.rowIds = [...this.points.keys()];
    this.rows = this.rowIds.map((id) => this.points.get(id) as StoredPoint);
    // Two passes (count, then fill) build one compressed-column block instead of an array per feature.
    const slots = new Map<number, number>();
    const counts: number[] = [];
    for (const point of this.rows) {
      for (const feature of point.sparse.indices) {
        let slot = slots.get(feature);
        if (slot === undefined) slots.set(feature, (slot = counts.push(0) - 1));
        counts[slot] = (counts[slot] as number) + 1;
      }
    }
    const offsets = new Uint32Array(counts.length + 1);
    counts.forEach((n, slot) => (offsets[slot + 1] = (offsets[slot] as number) + n));
    const fill = offsets.slice(0, counts.length);
    const rows = new Uint32Array(offsets[counts.length] as number);
    const weights = new Float32Array(rows.length);
    this.rows.forEach((point, row) => {
      const { indices, values } = point.sparse;
      for (let i = 0; i < indices.length; i++) {
        const slot = slots.get(indices[i] as number) as number;
        const at = fill[slot] as number;
        rows[at] = row;
        weights[at] = values[i] as number;
        fill[slot] = at + 1;
      }
    });
    this.postings = { slots, offsets, rows, weights };
    this.matrix = new Float32Array(this.rows.length * this.dims);
    this.rows.forEach((point, row) => this.matrix.set(point.dense.subarray(0, this.dims), row * this.dims));
    this.ivf = this.rows.length > EXACT_DENSE_UP_TO && this.dims > 0 ? InvertedFile.build(this.matrix, this.rows.length, this.dims) : undefined;
    this.dirty = false;
  }
}
