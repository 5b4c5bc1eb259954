/**
 * One fabric in light and in shade: the k-means colour models of `wardrobe.ts` split a plain top into a lit and a
 * shaded cluster (same hue, different brightness). Dividing the photo's luma by each cluster's own luma would divide
 * the body's light out with the colour, leaving a flat garment; dividing by the fabric's luma keeps it.
 */

/** Largest difference of chromaticity (opponent chroma over luma) between two clusters of one fabric. Default 0.12. */
export const SAME_FABRIC_CHROMATICITY = 0.12;
/** Largest brightness ratio between a fabric's lit and shaded clusters. Default 2.2. */
export const SAME_FABRIC_LUMA_RATIO = 2.2;
/** Luma below which chromaticity is measured as if at this luma (near-black has no reliable hue). Default 24. */
const DARK_LUMA = 24;

/**
 * The reference luma of each colour model centre (three opponent numbers each: luma, red–green, yellow–blue): the
 * sample-weighted mean luma of the centres of the same fabric — within {@link SAME_FABRIC_CHROMATICITY} of its
 * chromaticity and {@link SAME_FABRIC_LUMA_RATIO} of its brightness, joined transitively — so a print or stripe of
 * another colour keeps its own luma, and light and shade on one fabric stay in `luma / reference`.
 */
export function fabricLumas(centres: Float32Array, counts: ArrayLike<number>): Float32Array {
  const n = centres.length / 3;
  const group = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (group[i] !== i) i = group[i] = group[group[i]!]!;
    return i;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const li = Math.max(DARK_LUMA, centres[i * 3]!);
      const lj = Math.max(DARK_LUMA, centres[j * 3]!);
      const da = centres[i * 3 + 1]! / li - centres[j * 3 + 1]! / lj;
      const db = centres[i * 3 + 2]! / li - centres[j * 3 + 2]! / lj;
      const ratio = Math.max(li, lj) / Math.min(li, lj);
      if (Math.hypot(da, db) <= SAME_FABRIC_CHROMATICITY && ratio <= SAME_FABRIC_LUMA_RATIO) group[find(i)] = find(j);
    }
  }
  const sum = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = find(i);
    const w = Math.max(1e-6, counts[i] ?? 1);
    sum[g]! += w * centres[i * 3]!;
    weight[g]! += w;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = sum[find(i)]! / weight[find(i)]!;
  return out;
}
