import { ArtefactReader, ArtefactWriter } from '../model/artefact.js';
import { denseScore, denseTopK, hypot, permuteRows, rowDot } from './dense-search.js';
import { InvertedFile } from './ivf.js';
import { SparsePostings } from './sparse-postings.js';
import { TopK } from './top-k.js';
import { payloadPredicate, reciprocalRankFusion, type IndexPoint, type IndexQuery, type ScoredPoint, type VectorIndex } from './vector-index.js';

interface StoredPoint {
  sparse: { indices: Uint32Array; values: Float32Array };
  /** The unit dense vector while the point is in the delta segment; empty once merged (the base matrix holds it). */
  dense: Float32Array;
  /** The point's row in the base segment (-1: not merged yet). */
  row: number;
  payload: Record<string, unknown>;
  /** The inverted-file list the point was assigned to at the last merge (-1: not yet). */
  cluster: number;
}

/** The merged part of the index: postings, dense matrix and inverted file over rows fixed at the last merge. */
interface BaseSegment {
  rowIds: string[];
  rows: StoredPoint[];
  rowOf: Map<string, number>;
  /** 1 for rows replaced or deleted since the merge. */
  dead: Uint8Array;
  deadCount: number;
  postings: SparsePostings;
  matrix: Float32Array;
  ivf: InvertedFile | undefined;
}

/** A ranking with its scores, best first. */
interface Ranked {
  ids: string[];
  scores: number[];
}

/** Merges a base ranking and a delta ranking by score (base first on ties), keeping `k`. */
function mergeRanked(base: Ranked, delta: Ranked, k: number): string[] {
  if (delta.ids.length === 0) return base.ids.slice(0, k);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (out.length < k && (i < base.ids.length || j < delta.ids.length)) {
    const takeBase = j >= delta.ids.length || (i < base.ids.length && (base.scores[i] as number) >= (delta.scores[j] as number));
    out.push(takeBase ? (base.ids[i++] as string) : (delta.ids[j++] as string));
  }
  return out;
}

function emptyBase(): BaseSegment {
  return { rowIds: [], rows: [], rowOf: new Map(), dead: new Uint8Array(0), deadCount: 0, postings: SparsePostings.empty(), matrix: new Float32Array(0), ivf: undefined };
}

/** The dense vector of a merged point (its row of the base matrix is the vector). */
const NO_VECTOR = new Float32Array(0);

/** A restored row no point has claimed yet (dead until one does). */
const UNCLAIMED: StoredPoint = { sparse: { indices: new Uint32Array(0), values: new Float32Array(0) }, dense: NO_VECTOR, row: -1, payload: {}, cluster: -1 };

/** Above this many rows, dense search probes the nearest k-means clusters instead of scanning every row. */
const EXACT_DENSE_UP_TO = 20_000;
/** Clusters probed per dense query on large indexes (of about √rows). */
const PROBES = 12;
/** Changes kept in the exact delta segment before a merge: at least this many, or this share of the base rows. */
const DELTA_MIN = 1_000;
const DELTA_SHARE = 0.05;

/**
 * The embedded {@link VectorIndex}: an inverted index for sparse vectors (dot product) and unit dense vectors
 * (cosine; exact up to 20,000 rows, an inverted file of k-means clusters above), fused by RRF. In process memory.
 * Points live in a merged base segment plus a small delta segment of recent changes that is searched exactly (a
 * replaced or deleted base row is skipped), so one upsert never rebuilds anything; the delta is merged into the base
 * when it grows large (the inverted file keeps its clusters and only places new rows, until the rows double).
 */
export class MemoryIndex implements VectorIndex {
  readonly engine = 'memory';
  private readonly points = new Map<string, StoredPoint>();
  private readonly delta = new Map<string, StoredPoint>();
  private dims = 0;
  private base: BaseSegment = emptyBase();
  /** Rows the inverted file's clusters were learned on. */
  private ivfTrainedRows = 0;
  private mergeScheduled = false;
  /** The dense ranking's selection, reused by every query. */
  private readonly denseTop = new TopK(128);
  /**
   * While a restored snapshot's base segment is being claimed: rows not yet claimed by an upsert of their point (each
   * row is dead until claimed), and `trust(id)`, true when the point is unchanged since the snapshot.
   */
  private restored: { claimable: Uint8Array; unclaimed: number; clusters: Int32Array; trust: (id: string) => boolean } | undefined;

  async ensure(options: { dims: number; payloadKeys: string[] }): Promise<void> {
    if (this.dims !== options.dims) {
      this.reset();
      this.dims = options.dims;
    }
  }

  private reset(): void {
    this.points.clear();
    this.delta.clear();
    this.base = emptyBase();
    this.ivfTrainedRows = 0;
    this.restored = undefined;
  }

  async upsert(points: IndexPoint[]): Promise<void> {
    // The restored base row of each point that can claim one (-1: none), whose vector goes into the base matrix.
    const claims = points.map((point) => this.claimableRow(point));
    // One block per batch for every point's vectors (views on it), instead of three small arrays per point.
    let nonZeros = 0;
    let denseLength = 0;
    points.forEach((point, i) => {
      nonZeros += point.sparse.indices.length;
      if (claims[i] === -1) denseLength += point.dense.length;
    });
    const indices = new Uint32Array(nonZeros);
    const values = new Float32Array(nonZeros);
    const denseBlock = new Float32Array(denseLength);
    let sparseAt = 0;
    let denseAt = 0;
    points.forEach((point, i) => {
      const end = sparseAt + point.sparse.indices.length;
      indices.set(point.sparse.indices, sparseAt);
      values.set(point.sparse.values, sparseAt);
      const sparse = { indices: indices.subarray(sparseAt, end), values: values.subarray(sparseAt, end) };
      sparseAt = end;
      const row = claims[i] as number;
      if (row >= 0) return this.claim(point, sparse, row);
      const dense = denseBlock.subarray(denseAt, (denseAt += point.dense.length));
      dense.set(point.dense);
      normalize(dense);
      const stored = { sparse, dense, row: -1, payload: point.payload, cluster: -1 };
      this.kill(point.id);
      this.points.set(point.id, stored);
      this.delta.set(point.id, stored);
    });
    this.scheduleMerge();
  }

  async delete(ids: string[]): Promise<void> {
    for (const id of ids) {
      this.kill(id);
      this.points.delete(id);
      this.delta.delete(id);
    }
    this.scheduleMerge();
  }

  /**
   * The merged base segment as bytes, after merging pending changes: its rows' ids, sparse postings and inverted-file
   * clusters (the dense vectors are the points' own, upserted again); undefined while the index is empty. A restart
   * {@link restore}s it instead of building the postings and clustering again.
   */
  snapshot(): Uint8Array | undefined {
    this.settleRestore();
    if (this.delta.size > 0 || this.base.deadCount > 0) this.merge();
    const { ivf, rowIds, rows } = this.base;
    if (rowIds.length === 0) return undefined;
    const writer = new ArtefactWriter()
      .fact('dims', this.dims)
      .fact('trainedRows', this.ivfTrainedRows)
      .strings('ids', rowIds)
      .array('clusters', Int32Array.from(rows, (p) => p.cluster));
    if (ivf) writer.array('centroids', ivf.centroidVectors);
    return this.base.postings.write(writer, 'postings').toBytes();
  }

  /**
   * Restores a base segment written by {@link snapshot} before the points are upserted again: an upserted point that
   * `trust(id)` says is unchanged since the snapshot claims its row (its vector fills the row of the dense matrix),
   * others go to the delta segment, and rows no point claimed by the first query are dead. Nothing is built or
   * clustered again. A snapshot of another width, or of an earlier release (clusters without postings), is ignored.
   */
  restore(snapshot: Uint8Array, trust: (id: string) => boolean): void {
    const reader = new ArtefactReader(snapshot);
    const postings = reader.fact<number>('dims') === this.dims ? SparsePostings.read(reader, 'postings') : undefined;
    if (!postings) return;
    const rowIds = reader.strings('ids');
    const clusters = reader.array('clusters', 'i32');
    const n = rowIds.length;
    const matrix = new Float32Array(n * this.dims);
    this.reset();
    this.base = {
      rowIds,
      rows: new Array<StoredPoint>(n).fill(UNCLAIMED),
      rowOf: rowMap(rowIds),
      dead: new Uint8Array(n).fill(1),
      deadCount: 0,
      postings,
      matrix,
      ivf: reader.has('centroids') ? InvertedFile.fromCentroids(this.dims, reader.array('centroids', 'f32')).reassign(matrix, n, clusters) : undefined,
    };
    this.ivfTrainedRows = reader.fact<number>('trainedRows') ?? n;
    this.restored = { claimable: new Uint8Array(n).fill(1), unclaimed: n, clusters, trust };
  }

  /** The restored row `point` can claim (unclaimed, unchanged since the snapshot, same width), else -1. */
  private claimableRow(point: IndexPoint): number {
    const restored = this.restored;
    if (!restored || point.dense.length !== this.dims) return -1;
    const row = this.base.rowOf.get(point.id);
    return row !== undefined && restored.claimable[row] === 1 && restored.trust(point.id) ? row : -1;
  }

  /** Makes restored row `row` the point's: its unit vector into the matrix, the row alive. */
  private claim(point: IndexPoint, sparse: StoredPoint['sparse'], row: number): void {
    const restored = this.restored as NonNullable<MemoryIndex['restored']>;
    restored.claimable[row] = 0;
    restored.unclaimed--;
    const base = this.base;
    const vector = base.matrix.subarray(row * this.dims, (row + 1) * this.dims);
    vector.set(point.dense);
    normalize(vector);
    const stored = { sparse, dense: NO_VECTOR, row, payload: point.payload, cluster: restored.clusters[row] as number };
    base.rows[row] = stored;
    base.dead[row] = 0;
    this.points.set(point.id, stored);
  }

  /** Ends a restore: rows no point claimed are dead from now on (a merge drops them once they are many). */
  private settleRestore(): void {
    if (!this.restored) return;
    this.base.deadCount += this.restored.unclaimed;
    this.restored = undefined;
  }

  /** Marks the base row of `id` (if any) as replaced or deleted. */
  private kill(id: string): void {
    const row = this.base.rowOf.get(id);
    if (row === undefined || this.base.dead[row]) return;
    this.base.dead[row] = 1;
    this.base.deadCount++;
  }

  async count(): Promise<number> {
    return this.points.size;
  }

  async clear(): Promise<void> {
    this.reset();
  }

  private get mergeDue(): boolean {
    const rows = this.base.rows.length;
    return this.delta.size > Math.max(DELTA_MIN, rows * DELTA_SHARE) || this.base.deadCount > Math.max(DELTA_MIN, rows * DELTA_SHARE) || (rows === 0 && this.delta.size > 0);
  }

  /** Merges a large delta off the query path (a timer), so queries rarely pay for it. */
  private scheduleMerge(): void {
    if (this.mergeScheduled || this.base.rows.length === 0 || !this.mergeDue) return;
    this.mergeScheduled = true;
    setTimeout(() => {
      this.mergeScheduled = false;
      if (this.mergeDue) this.merge();
    }, 0).unref();
  }

  async query(query: IndexQuery): Promise<ScoredPoint[]> {
    this.settleRestore();
    if (this.mergeDue) this.merge();
    const mode = query.mode ?? 'hybrid';
    const base = this.base;
    const wanted = query.filter ? payloadPredicate(query.filter) : undefined;
    const accept = wanted ? (row: number) => base.dead[row] === 0 && wanted((base.rows[row] as StoredPoint).payload) : (row: number) => base.dead[row] === 0;
    // Each ranking fetches more than `limit` so fusion has overlap to work with (as Qdrant's prefetch does).
    const depth = mode === 'hybrid' ? Math.max(query.limit * 4, 50) : query.limit;
    const ranked = (top: { rows: number[]; values: number[] }, deltaScore: (point: StoredPoint) => number): string[] => {
      const baseRanked = { ids: top.rows.map((r) => base.rowIds[r] as string), scores: top.values };
      return mergeRanked(baseRanked, this.rankDelta(deltaScore, depth, wanted), depth);
    };
    const rankings: string[][] = [];
    if (mode !== 'dense') {
      const lookup = this.delta.size ? new Map(query.sparse.indices.map((f, i) => [f, query.sparse.values[i] as number])) : undefined;
      rankings.push(ranked(base.postings.search(query.sparse, depth, accept), (point) => sparseScore(point, lookup as Map<number, number>)));
    }
    if (mode !== 'keyword' && this.dims > 0) {
      const q = unit(query.dense, this.dims);
      const top = denseTopK(base.matrix, base.rows.length, this.dims, q, depth, accept, { ivf: base.ivf, probes: PROBES, top: this.denseTop });
      rankings.push(ranked(top, (point) => denseScore(rowDot(point.dense, 0, q, this.dims))));
    }
    if (mode !== 'hybrid') {
      const ranking = rankings[0] ?? [];
      return ranking.slice(0, query.limit).map((id, i) => ({ id, score: 1 / (i + 1) }));
    }
    return reciprocalRankFusion(rankings, query.limit);
  }

  /** The delta segment's best points for a score function (exact: every delta point is scored). */
  private rankDelta(score: (point: StoredPoint) => number, k: number, wanted: ((payload: Record<string, unknown>) => boolean) | undefined): Ranked {
    if (this.delta.size === 0) return { ids: [], scores: [] };
    const scored: { id: string; score: number }[] = [];
    for (const [id, point] of this.delta) {
      const value = score(point);
      if (value > 0 && (!wanted || wanted(point.payload))) scored.push({ id, score: value });
    }
    scored.sort((a, b) => b.score - a.score);
    const top = scored.slice(0, k);
    return { ids: top.map((s) => s.id), scores: top.map((s) => s.score) };
  }

  /** Rebuilds the base segment from every live point and empties the delta. */
  private merge(): void {
    let rowIds = [...this.points.keys()];
    let rows = rowIds.map((id) => this.points.get(id) as StoredPoint);
    const d = this.dims;
    const matrix = new Float32Array(rows.length * d);
    const previous = this.base.matrix;
    rows.forEach((point, row) => {
      // A merged point's vector is in the previous matrix; a new point's in its batch's block, dropped now.
      const from = point.row >= 0 ? previous.subarray(point.row * d, (point.row + 1) * d) : point.dense.subarray(0, d);
      matrix.set(from, row * d);
      point.dense = NO_VECTOR;
      point.row = row;
    });
    let ivf = this.invertedFile(rows, matrix);
    if (ivf) {
      // Rows ordered by list: a dense query then reads each probed list as one contiguous block of the matrix.
      const order = ivf.listOrder();
      rowIds = Array.from(order, (row) => rowIds[row] as string);
      rows = Array.from(order, (row) => rows[row] as StoredPoint);
      permuteRows(matrix, d, order);
      ivf = ivf.reassign(matrix, rows.length, Int32Array.from(rows, (p) => p.cluster));
      rows.forEach((point, row) => (point.row = row));
    }
    this.base = {
      rowIds,
      rows,
      rowOf: rowMap(rowIds),
      dead: new Uint8Array(rows.length),
      deadCount: 0,
      postings: SparsePostings.build(rows.map((point) => point.sparse)),
      matrix,
      ivf,
    };
    this.delta.clear();
    this.restored = undefined;
  }

  /** The inverted file of the merged rows: new clusters when the rows doubled since the last training, else new rows placed. */
  private invertedFile(rows: StoredPoint[], matrix: Float32Array): InvertedFile | undefined {
    if (rows.length <= EXACT_DENSE_UP_TO || this.dims === 0) {
      this.ivfTrainedRows = 0;
      return undefined;
    }
    const previous = this.base.ivf;
    let ivf: InvertedFile;
    if (previous && rows.length <= 2 * this.ivfTrainedRows) {
      ivf = previous.reassign(matrix, rows.length, Int32Array.from(rows, (p) => p.cluster));
    } else {
      ivf = InvertedFile.build(matrix, rows.length, this.dims);
      this.ivfTrainedRows = rows.length;
    }
    rows.forEach((point, row) => (point.cluster = ivf.clusterOf(row)));
    return ivf;
  }
}

/** Each id's row, filled in place (no [id, row] pair per row). */
function rowMap(rowIds: readonly string[]): Map<string, number> {
  const rowOf = new Map<string, number>();
  for (let row = 0; row < rowIds.length; row++) rowOf.set(rowIds[row] as string, row);
  return rowOf;
}

/** Scales `vector` to unit length in place (a zero vector stays zero). */
function normalize(vector: Float32Array): void {
  const norm = hypot(vector) || 1;
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
}

/** The query as a unit vector of `dims`. */
function unit(dense: readonly number[], dims: number): Float32Array {
  const q = Float32Array.from(dense);
  normalize(q.subarray(0, dims));
  return q;
}

function sparseScore(point: StoredPoint, query: Map<number, number>): number {
  let sum = 0;
  const { indices, values } = point.sparse;
  for (let i = 0; i < indices.length; i++) {
    const q = query.get(indices[i] as number);
    if (q !== undefined) sum += q * (values[i] as number);
  }
  return sum;
}

/** An index whose derived search structures can be saved with a knowledge version and restored at a restart. */
export interface SnapshotIndex {
  snapshot(): Uint8Array | undefined;
  restore(snapshot: Uint8Array, trust: (id: string) => boolean): void;
}

/** True when `index` supports {@link SnapshotIndex}. */
export function isSnapshotIndex(index: object): index is SnapshotIndex {
  return typeof (index as Partial<SnapshotIndex>).snapshot === 'function' && typeof (index as Partial<SnapshotIndex>).restore === 'function';
}
