/**
 * Fréchet distance between two sets of feature vectors, each modelled as a Gaussian (Heusel et al. 2017):
 * `‖μ₁ − μ₂‖² + tr(C₁ + C₂ − 2 (C₁^½ C₂ C₁^½)^½)`. Rows are samples.
 */
export function frechetDistance(a: Float64Array[], b: Float64Array[]): number {
  const { mean: m1, cov: c1 } = meanAndCovariance(a);
  const { mean: m2, cov: c2 } = meanAndCovariance(b);
  const n = m1.length;
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (m1[i]! - m2[i]!) ** 2;
  const root1 = symmetricSqrt(c1);
  const product = multiply(multiply(root1, c2), root1);
  const { values } = symmetricEigen(product);
  const crossTrace = values.reduce((s, v) => s + Math.sqrt(Math.max(0, v)), 0);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += c1[i]![i]! + c2[i]![i]!;
  return Math.max(0, meanTerm + trace - 2 * crossTrace);
}

/** Sample mean and (unbiased) covariance of the rows. */
export function meanAndCovariance(rows: Float64Array[]): { mean: Float64Array; cov: Float64Array[] } {
  const n = rows.length;
  const dim = rows[0]?.length ?? 0;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) mean[i] = mean[i]! + r[i]! / n;
  const cov = Array.from({ length: dim }, () => new Float64Array(dim));
  for (const r of rows) {
    for (let i = 0; i < dim; i++) {
      const di = r[i]! - mean[i]!;
      const row = cov[i]!;
      for (let j = i; j < dim; j++) row[j] = row[j]! + di * (r[j]! - mean[j]!);
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i]![j]! / Math.max(1, n - 1);
      cov[i]![j] = v;
      cov[j]![i] = v;
    }
  }
  return { mean, cov };
}

function multiply(a: Float64Array[], b: Float64Array[]): Float64Array[] {
  const n = a.length;
  const out = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i]![k]!;
      if (aik === 0) continue;
      const bk = b[k]!;
      const oi = out[i]!;
      for (let j = 0; j < n; j++) oi[j] = oi[j]! + aik * bk[j]!;
    }
  }
  return out;
}

/** Square root of a symmetric positive semi-definite matrix (negative eigenvalues from rounding count as 0). */
function symmetricSqrt(m: Float64Array[]): Float64Array[] {
  const { values, vectors } = symmetricEigen(m);
  const n = m.length;
  const out = Array.from({ length: n }, () => new Float64Array(n));
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(0, values[k]!));
    for (let i = 0; i < n; i++) {
      const vik = vectors[i]![k]! * s;
      for (let j = 0; j < n; j++) out[i]![j] = out[i]![j]! + vik * vectors[j]![k]!;
    }
  }
  return out;
}

/** Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigen(input: Float64Array[]): { values: Float64Array; vectors: Float64Array[] } {
  const n = input.length;
  const a = input.map((r) => Float64Array.from(r));
  const v = Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(n);
    r[i] = 1;
    return r;
  });
  let scale = 0;
  for (const r of a) for (const x of r) scale += x * x;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off <= 1e-24 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from(a.map((r, i) => r[i]!)), vectors: v };
}
