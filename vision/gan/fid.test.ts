import { frechetDistance, meanAndCovariance, symmetricEigen } from './fid.js';

function gaussianRows(n: number, dim: number, seed: number, shift = 0, scale = 1): Float64Array[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, () => Float64Array.from({ length: dim }, () => shift + scale * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())));
}

describe('Fréchet distance', () => {
  it('is 0 for identical sets', () => {
    const rows = gaussianRows(300, 8, 1);
    expect(frechetDistance(rows, rows)).toBeLessThan(1e-6);
  });

  it('is the squared mean shift for sets that differ by a translation', () => {
    const rows = gaussianRows(300, 4, 2);
    const shifted = rows.map((r) => r.map((v) => v + 0.5));
    expect(frechetDistance(rows, shifted)).toBeCloseTo(4 * 0.25, 6);
  });

  it('grows with the difference of spread: N(0, I) against N(0, 4I) in 3 dimensions ≈ 3 · (2 − 1)²', () => {
    const a = gaussianRows(20000, 3, 3);
    const b = gaussianRows(20000, 3, 4, 0, 2);
    expect(frechetDistance(a, b)).toBeGreaterThan(2.7);
    expect(frechetDistance(a, b)).toBeLessThan(3.3);
  });

  it('finds the eigenvalues of a symmetric matrix', () => {
    const m = [Float64Array.from([2, 1, 0]), Float64Array.from([1, 2, 0]), Float64Array.from([0, 0, 5])];
    expect([...symmetricEigen(m).values].sort((x, y) => x - y).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 3, 5]);
    expect(meanAndCovariance([Float64Array.from([1, 2]), Float64Array.from([3, 6])]).cov[0]![1]).toBe(4);
  });
});
