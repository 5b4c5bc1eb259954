import type { ArtefactReader, ArtefactWriter } from '../model/artefact.js';
import { FeatureSlots } from './feature-slots.js';
import { TopK } from './top-k.js';

/** A sparse vector over typed arrays (indices ascending). */
export interface PackedVec {
  indices: Uint32Array;
  values: Float32Array;
}

/** A query as {@link SparsePostings.search} takes it: parallel arrays of features and weights. */
export interface SparseQuery {
  indices: readonly number[];
  values: readonly number[];
}

/** Rows a search ranks: the best first, with their dot products. */
export interface RankedRows {
  rows: number[];
  values: number[];
}

/** Lists no longer than this are always scored in full: checking whether they can be skipped costs as much. */
const SHORT_LIST = 64;
/** A candidate is looked up in a list by galloping search when the list is this many times longer than the candidates. */
const LOOKUP_RATIO = 8;

/** One query term: its postings range and the largest contribution it can add to a row. */
interface Term {
  start: number;
  end: number;
  weight: number;
  bound: number;
}

/**
 * Postings of all sparse features in one compressed-column block (feature → slot, slot → rows ascending with their
 * weights), with each list's largest weight, searched for the exact top-k dot products with MaxScore-style pruning:
 * terms are scored list by list from the most to the least selective, and once the terms left cannot lift a row that
 * none of the scored terms matched above the current k-th score, the remaining (long, low-weight) lists are only
 * looked up for the rows still in contention. The result is the one exhaustive scoring gives.
 */
export class SparsePostings {
  /** Per-query scratch over rows, allocated on the first search and reused. */
  private scratch: { sums: Float64Array; seen: Uint32Array; touched: Int32Array; epoch: number } | undefined;
  private readonly top = new TopK(128);
  /** What the last search did: the postings of its terms, and how many of them it scored or looked up. */
  readonly lastSearch = { postings: 0, postingsScored: 0 };

  private constructor(
    private readonly slots: FeatureSlots,
    private readonly offsets: Uint32Array,
    private readonly rows: Uint32Array,
    private readonly weights: Float32Array,
    private readonly maxWeights: Float32Array,
    /** Number of rows (ids 0 … rowCount-1). */
    readonly rowCount: number,
    /** True when no weight is negative (pruning needs it). */
    private readonly nonNegative: boolean,
  ) {}

  /** Empty postings over no rows. */
  static empty(): SparsePostings {
    return new SparsePostings(new FeatureSlots(), new Uint32Array(1), new Uint32Array(0), new Float32Array(0), new Float32Array(0), 0, true);
  }

  /**
   * The postings of `vectors` (row i is vectors[i]). Two passes (count, then fill) build one block instead of an
   * array per feature; the first pass notes every non-zero's slot, so features are looked up once.
   */
  static build(vectors: readonly PackedVec[]): SparsePostings {
    let nonZeros = 0;
    for (const vector of vectors) nonZeros += vector.indices.length;
    const slotOfNonZero = new Uint32Array(nonZeros);
    const slots = new FeatureSlots();
    const counts: number[] = [];
    let next = 0;
    for (const vector of vectors) {
      for (const feature of vector.indices) {
        const slot = slots.add(feature);
        if (slot === counts.length) counts.push(0);
        counts[slot] = (counts[slot] as number) + 1;
        slotOfNonZero[next++] = slot;
      }
    }
    const offsets = new Uint32Array(counts.length + 1);
    counts.forEach((n, slot) => (offsets[slot + 1] = (offsets[slot] as number) + n));
    const fill = offsets.slice(0, counts.length);
    const rows = new Uint32Array(nonZeros);
    const weights = new Float32Array(nonZeros);
    const maxWeights = new Float32Array(counts.length).fill(-Infinity);
    let nonNegative = true;
    next = 0;
    for (let row = 0; row < vectors.length; row++) {
      const values = (vectors[row] as PackedVec).values;
      for (let i = 0; i < values.length; i++) {
        const slot = slotOfNonZero[next++] as number;
        const at = fill[slot] as number;
        const weight = values[i] as number;
        rows[at] = row;
        weights[at] = weight;
        if (weight > (maxWeights[slot] as number)) maxWeights[slot] = weight;
        if (weight < 0) nonNegative = false;
        fill[slot] = at + 1;
      }
    }
    return new SparsePostings(slots, offsets, rows, weights, maxWeights, vectors.length, nonNegative);
  }

  /** Adds the postings to `writer` as sections named `<prefix>.…` (read back by {@link SparsePostings.read}). */
  write(writer: ArtefactWriter, prefix: string): ArtefactWriter {
    return writer
      .fact(`${prefix}.rowCount`, this.rowCount)
      .fact(`${prefix}.nonNegative`, this.nonNegative)
      .array(`${prefix}.features`, this.slots.bySlot())
      .array(`${prefix}.offsets`, this.offsets)
      .array(`${prefix}.rows`, this.rows)
      .array(`${prefix}.weights`, this.weights)
      .array(`${prefix}.maxWeights`, this.maxWeights);
  }

  /** Postings written by {@link SparsePostings.write} under `prefix`, or undefined when the artefact has none. */
  static read(reader: ArtefactReader, prefix: string): SparsePostings | undefined {
    const rowCount = reader.fact<number>(`${prefix}.rowCount`);
    if (rowCount === undefined || !reader.has(`${prefix}.features`)) return undefined;
    return new SparsePostings(
      FeatureSlots.of(reader.array(`${prefix}.features`, 'u32')),
      reader.array(`${prefix}.offsets`, 'u32'),
      reader.array(`${prefix}.rows`, 'u32'),
      reader.array(`${prefix}.weights`, 'f32'),
      reader.array(`${prefix}.maxWeights`, 'f32'),
      rowCount,
      reader.fact<boolean>(`${prefix}.nonNegative`) ?? false,
    );
  }

  /**
   * The `k` accepted rows with the largest dot product with `query` (rows scoring ≤ 0 never qualify), best first; on
   * equal scores the lower row first. Exact: pruning only skips rows whose score cannot reach the k-th best.
   */
  search(query: SparseQuery, k: number, accept: (row: number) => boolean): RankedRows {
    if (k <= 0 || this.rowCount === 0) return { rows: [], values: [] };
    const terms = this.termsOf(query);
    const scratch = this.scratchFor();
    const epoch = (scratch.epoch += 2);
    if (epoch >= 0xfffffff0) {
      scratch.seen.fill(0);
      scratch.epoch = 2;
      return this.search(query, k, accept);
    }
    const { sums, seen, touched } = scratch;
    // Pruning needs every contribution ≥ 0 (a partial sum is then a lower bound of the row's score).
    const prunable = this.nonNegative && terms.every((t) => t.weight >= 0);
    let remaining = terms.reduce((sum, t) => sum + t.bound, 0);
    this.lastSearch.postings = terms.reduce((sum, t) => sum + t.end - t.start, 0);
    this.lastSearch.postingsScored = 0;
    let touchedCount = 0;
    let next = 0;
    let theta = -Infinity;
    for (; next < terms.length; next++) {
      const term = terms[next] as Term;
      const length = term.end - term.start;
      if (prunable && length > SHORT_LIST && 2 * length >= touchedCount) {
        theta = this.kthScore(touched, touchedCount, k, accept);
        if (remaining < theta - slack(theta)) break;
      }
      this.lastSearch.postingsScored += length;
      for (let j = term.start; j < term.end; j++) {
        const row = this.rows[j] as number;
        const add = term.weight * (this.weights[j] as number);
        if (seen[row] !== epoch) {
          seen[row] = epoch;
          sums[row] = add;
          touched[touchedCount++] = row;
        } else sums[row] = (sums[row] as number) + add;
      }
      remaining -= term.bound;
    }
    if (next === terms.length) return this.best(touched, touchedCount, k, accept);
    // Rows no scored term matched cannot reach theta: the rest is settled among the rows still in contention, kept
    // (ascending) at the front of `touched`.
    let count = this.contenders(touched, touchedCount, remaining, theta, accept);
    for (; next < terms.length && count > 0; next++) {
      const term = terms[next] as Term;
      this.addTerm(term, touched, count, epoch + 1);
      remaining -= term.bound;
      theta = this.kthScore(touched, count, k, () => true);
      const floor = theta - slack(theta) - remaining;
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const row = touched[i] as number;
        if ((sums[row] as number) >= floor) touched[kept++] = row;
      }
      count = kept;
    }
    return this.best(touched, count, k, () => true);
  }

  /** The query's terms present in the postings, most selective (largest possible contribution) first. */
  private termsOf(query: SparseQuery): Term[] {
    const terms: Term[] = [];
    for (let i = 0; i < query.indices.length; i++) {
      const weight = query.values[i] as number;
      const slot = this.slots.get(query.indices[i] as number);
      if (slot < 0 || weight === 0) continue;
      const start = this.offsets[slot] as number;
      const end = this.offsets[slot + 1] as number;
      terms.push({ start, end, weight, bound: Math.max(0, weight * (this.maxWeights[slot] as number)) });
    }
    return terms.sort((a, b) => b.bound - a.bound || a.end - a.start - (b.end - b.start));
  }

  private scratchFor(): { sums: Float64Array; seen: Uint32Array; touched: Int32Array; epoch: number } {
    this.scratch ??= { sums: new Float64Array(this.rowCount), seen: new Uint32Array(this.rowCount), touched: new Int32Array(this.rowCount), epoch: 0 };
    return this.scratch;
  }

  /** The k-th best partial sum among accepted rows of `rows` (-Infinity when fewer than k). */
  private kthScore(rows: Int32Array, count: number, k: number, accept: (row: number) => boolean): number {
    const top = this.top.reset(k);
    const sums = (this.scratch as { sums: Float64Array }).sums;
    for (let i = 0; i < count; i++) {
      const row = rows[i] as number;
      const sum = sums[row] as number;
      if (sum > 0 && top.wouldKeep(row, sum) && accept(row)) top.offer(row, sum);
    }
    return top.threshold;
  }

  /**
   * Moves the accepted rows whose partial sum plus what the remaining terms can add reaches theta to the front of
   * `touched`, ascending; returns how many.
   */
  private contenders(touched: Int32Array, count: number, remaining: number, theta: number, accept: (row: number) => boolean): number {
    const sums = (this.scratch as { sums: Float64Array }).sums;
    const floor = theta - slack(theta) - remaining;
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const row = touched[i] as number;
      if ((sums[row] as number) >= floor && accept(row)) touched[kept++] = row;
    }
    touched.subarray(0, kept).sort();
    return kept;
  }

  /**
   * Adds one term's contributions to the first `count` rows of `candidates` (ascending): by galloping search when the
   * list is much longer than the candidates, else by a pass over the list that skips rows not marked with `mark`.
   */
  private addTerm(term: Term, candidates: Int32Array, count: number, mark: number): void {
    const { sums, seen } = this.scratch as { sums: Float64Array; seen: Uint32Array };
    const length = term.end - term.start;
    if (length > LOOKUP_RATIO * count) {
      this.lastSearch.postingsScored += count;
      let at = term.start;
      for (let i = 0; i < count; i++) {
        const row = candidates[i] as number;
        at = seek(this.rows, at, term.end, row);
        if (at >= term.end) break;
        if (this.rows[at] === row) sums[row] = (sums[row] as number) + term.weight * (this.weights[at] as number);
      }
      return;
    }
    this.lastSearch.postingsScored += length;
    for (let i = 0; i < count; i++) seen[candidates[i] as number] = mark;
    for (let j = term.start; j < term.end; j++) {
      const row = this.rows[j] as number;
      if (seen[row] === mark) sums[row] = (sums[row] as number) + term.weight * (this.weights[j] as number);
    }
  }

  /** The k best accepted rows of `rows` by their (complete) sums. */
  private best(rows: Int32Array, count: number, k: number, accept: (row: number) => boolean): RankedRows {
    const top = this.top.reset(k);
    const sums = (this.scratch as { sums: Float64Array }).sums;
    for (let i = 0; i < count; i++) {
      const row = rows[i] as number;
      const sum = sums[row] as number;
      if (sum > 0 && top.wouldKeep(row, sum) && accept(row)) top.offer(row, sum);
    }
    return top.drain();
  }
}

/** Tolerance for rounding when a bound is compared with a score. */
function slack(theta: number): number {
  return Number.isFinite(theta) ? 1e-9 + 1e-7 * Math.abs(theta) : 0;
}

/** The first position in [from, end) of ascending `rows` whose row is ≥ `row` (galloping, then binary search). */
function seek(rows: Uint32Array, from: number, end: number, row: number): number {
  if (from >= end || (rows[from] as number) >= row) return from;
  let step = 1;
  let low = from;
  let high = from + 1;
  while (high < end && (rows[high] as number) < row) {
    low = high;
    step *= 2;
    high = from + step;
  }
  if (high > end) high = end;
  // rows[low] < row ≤ rows[high] (or high = end).
  while (low + 1 < high) {
    const mid = (low + high) >>> 1;
    if ((rows[mid] as number) < row) low = mid;
    else high = mid;
  }
  return high;
}
