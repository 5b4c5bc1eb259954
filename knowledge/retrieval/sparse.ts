/** A sparse vector: feature id → weight. */
export type SparseVector = Map<number, number>;

/** Counts occurrences of each feature. */
export function termCounts(features: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of features) counts.set(f, (counts.get(f) ?? 0) + 1);
  return counts;
}

/** Scales `vector` in place to unit length; returns it. */
export function normalize(vector: SparseVector): SparseVector {
  let norm = 0;
  for (const w of vector.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [k, w] of vector) vector.set(k, w / norm);
  return vector;
}

/** Dot product of two sparse vectors (iterates the smaller). */
export function dot(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [k, w] of small) {
    const other = large.get(k);
    if (other !== undefined) sum += w * other;
  }
  return sum;
}
