import type { InvertedFile } from './ivf.js';
import type { RankedRows } from './sparse-postings.js';
import { TopK } from './top-k.js';

/**
 * Cosine scores are shifted into (0, 2] so that, as for keyword scores, "score > 0" means rankable: negatively
 * correlated rows stay rankable (last).
 */
const SHIFT = 1 + 1e-6;

/**
 * Dot product of row `row` of `matrix` (`dims` wide) with `q`. Summed in index order into one accumulator, so scores
 * are bit-identical to a plain loop (rankings do not change with the unrolling).
 */
export function rowDot(matrix: Float32Array, row: number, q: Float32Array, dims: number): number {
  const at = row * dims;
  let sum = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    sum += (matrix[at + i] as number) * (q[i] as number);
    sum += (matrix[at + i + 1] as number) * (q[i + 1] as number);
    sum += (matrix[at + i + 2] as number) * (q[i + 2] as number);
    sum += (matrix[at + i + 3] as number) * (q[i + 3] as number);
  }
  for (; i < dims; i++) sum += (matrix[at + i] as number) * (q[i] as number);
  return sum;
}

/**
 * `Math.hypot` of a typed array's values, computed as V8 computes it (the largest magnitude factored out, a
 * Kahan-compensated sum of squares), so the result is the same number; about 4× faster than applying `Math.hypot`
 * to the array's 64 values (spreading a typed array into arguments is the slow part), once per upserted point.
 */
export function hypot(values: Float32Array): number {
  let max = 0;
  let nan = false;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (Number.isNaN(x)) nan = true;
    else if (Math.abs(x) > max) max = Math.abs(x);
  }
  if (max === Infinity) return Infinity;
  if (nan) return NaN;
  if (max === 0) return 0;
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const n = Math.abs(values[i] as number) / max;
    const summand = n * n - compensation;
    const preliminary = sum + summand;
    compensation = preliminary - sum - summand;
    sum = preliminary;
  }
  return Math.sqrt(sum) * max;
}

/** The shifted cosine score of a unit row and a unit query (see {@link SHIFT}). */
export function denseScore(dot: number): number {
  return dot + SHIFT;
}

/**
 * The `k` accepted rows of `matrix` (`rows` unit vectors, `dims` wide, row-major) nearest to the unit query `q`, best
 * first, with their shifted cosine scores: every row, or only the rows of the `probes` nearest inverted-file lists.
 * Rows are scored straight into a bounded heap: nothing of the size of the matrix is allocated per query.
 */
export function denseTopK(
  matrix: Float32Array,
  rows: number,
  dims: number,
  q: Float32Array,
  k: number,
  accept: (row: number) => boolean,
  search: { ivf: InvertedFile | undefined; probes: number; top?: TopK },
): RankedRows {
  const top = (search.top ?? new TopK(k)).reset(k);
  const consider = (row: number, dot: number) => {
    const score = denseScore(dot);
    if (top.wouldKeep(row, score) && accept(row)) top.offer(row, score);
  };
  if (!search.ivf) {
    scoreRows(matrix, dims, q, rows, (i) => i, consider);
  } else {
    for (const list of search.ivf.candidates(q, search.probes)) scoreRows(matrix, dims, q, list.length, (i) => list[i] as number, consider);
  }
  return top.drain();
}

/**
 * Hands `consider` the dot product with `q` of rows `rowAt(0)` … `rowAt(count - 1)`, in that order. Four rows are
 * scored per pass over `q` (each query value loaded once for four rows), each summed in index order into its own
 * accumulator: the same dot products, bit for bit, as {@link rowDot} one row at a time.
 */
function scoreRows(matrix: Float32Array, dims: number, q: Float32Array, count: number, rowAt: (i: number) => number, consider: (row: number, dot: number) => void): void {
  let i = 0;
  for (; i + 3 < count; i += 4) {
    const r0 = rowAt(i);
    const r1 = rowAt(i + 1);
    const r2 = rowAt(i + 2);
    const r3 = rowAt(i + 3);
    const a = r0 * dims;
    const b = r1 * dims;
    const c = r2 * dims;
    const d = r3 * dims;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < dims; j++) {
      const x = q[j] as number;
      s0 += (matrix[a + j] as number) * x;
      s1 += (matrix[b + j] as number) * x;
      s2 += (matrix[c + j] as number) * x;
      s3 += (matrix[d + j] as number) * x;
    }
    consider(r0, s0);
    consider(r1, s1);
    consider(r2, s2);
    consider(r3, s3);
  }
  for (; i < count; i++) {
    const row = rowAt(i);
    consider(row, rowDot(matrix, row, q, dims));
  }
}

/**
 * Reorders the rows of `matrix` (`dims` wide) in place so that new row i is old row `order[i]` (`order` a
 * permutation): cycle by cycle, with one row of temporary space.
 */
export function permuteRows(matrix: Float32Array, dims: number, order: Uint32Array): void {
  const placed = new Uint8Array(order.length);
  const held = new Float32Array(dims);
  for (let start = 0; start < order.length; start++) {
    if (placed[start] || order[start] === start) continue;
    held.set(matrix.subarray(start * dims, (start + 1) * dims));
    let at = start;
    for (;;) {
      const from = order[at] as number;
      placed[at] = 1;
      if (from === start) {
        matrix.set(held, at * dims);
        break;
      }
      matrix.copyWithin(at * dims, from * dims, (from + 1) * dims);
      at = from;
    }
  }
}
