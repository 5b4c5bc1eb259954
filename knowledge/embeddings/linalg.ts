import type { SparseVec } from '../indexes/vector-index.js';

/** A deterministic pseudo-random generator (mulberry32), so learned embeddings are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box–Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** rows × k dense product of sparse rows with a dense `cols × k` matrix (row-major). */
export function sparseTimesDense(rows: readonly SparseVec[], dense: Float64Array, k: number): Float64Array {
  const out = new Float64Array(rows.length * k);
  rows.forEach((row, r) => {
    const base = r * k;
    row.indices.forEach((col, i) => {
      const v = row.values[i] as number;
      const from = col * k;
      for (let j = 0; j < k; j++) out[base + j] = (out[base + j] as number) + v * (dense[from + j] as number);
    });
  });
  return out;
}

/** cols × k dense product of the transposed sparse rows with a dense `rows × k` matrix. */
export function sparseTransposeTimesDense(rows: readonly SparseVec[], dense: Float64Array, k: number, cols: number): Float64Array {
  const out = new Float64Array(cols * k);
  rows.forEach((row, r) => {
    const from = r * k;
    row.indices.forEach((col, i) => {
      const v = row.values[i] as number;
      const base = col * k;
      for (let j = 0; j < k; j++) out[base + j] = (out[base + j] as number) + v * (dense[from + j] as number);
    });
  });
  return out;
}

/** Orthonormalizes the k columns of an n × k row-major matrix in place (modified Gram–Schmidt). */
export function orthonormalizeColumns(m: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (m[i * k + j] as number) * (m[i * k + p] as number);
      for (let i = 0; i < n; i++) m[i * k + j] = (m[i * k + j] as number) - dot * (m[i * k + p] as number);
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (m[i * k + j] as number) ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) m[i * k + j] = (m[i * k + j] as number) / norm;
  }
}

/** Eigen-decomposition of a symmetric k × k matrix (cyclic Jacobi): eigenvalues descending and column eigenvectors. */
export function symmetricEigen(a: Float64Array, k: number): { values: number[]; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += (m[p * k + q] as number) ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = m[p * k + q] as number;
        if (Math.abs(apq) < 1e-15) continue;
        const theta = ((m[q * k + q] as number) - (m[p * k + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = m[r * k + p] as number;
          const arq = m[r * k + q] as number;
          m[r * k + p] = c * arp - s * arq;
          m[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = m[p * k + r] as number;
          const aqr = m[q * k + r] as number;
          m[p * k + r] = c * apr - s * aqr;
          m[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p] as number;
          const vrq = v[r * k + q] as number;
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((x, y) => (m[y * k + y] as number) - (m[x * k + x] as number));
  const vectors = new Float64Array(k * k);
  order.forEach((col, j) => {
    for (let r = 0; r < k; r++) vectors[r * k + j] = v[r * k + col] as number;
  });
  return { values: order.map((i) => m[i * k + i] as number), vectors };
}
