/** A 2-D point in pixels. */
export interface Point {
  x: number;
  y: number;
}

/** A fitted thin-plate spline mapping the plane onto itself; evaluate it with {@link tpsMap}. */
export interface ThinPlateSpline {
  controls: Point[];
  /** Per control point weights for x and y, then the affine part [a0, ax, ay] for x and y. */
  wx: Float64Array;
  wy: Float64Array;
}

function kernel(r2: number): number {
  return r2 === 0 ? 0 : r2 * Math.log(r2);
}

/**
 * Fits the thin-plate spline that maps every `from[i]` exactly onto `to[i]` with minimal bending energy (Bookstein
 * 1989). `regularization` (default 0) trades exactness for smoothness. Needs at least 3 non-collinear points.
 */
export function fitTps(from: Point[], to: Point[], regularization = 0): ThinPlateSpline {
  const n = from.length;
  if (n !== to.length || n < 3) throw new Error('fitTps needs at least 3 matching point pairs');
  const m = n + 3;
  const A = Array.from({ length: m }, () => new Float64Array(m));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = from[i]!.x - from[j]!.x;
      const dy = from[i]!.y - from[j]!.y;
      A[i]![j] = kernel(dx * dx + dy * dy) + (i === j ? regularization : 0);
    }
    const row = [1, from[i]!.x, from[i]!.y];
    for (let k = 0; k < 3; k++) {
      A[i]![n + k] = row[k]!;
      A[n + k]![i] = row[k]!;
    }
  }
  const bx = new Float64Array(m);
  const by = new Float64Array(m);
  to.forEach((p, i) => { bx[i] = p.x; by[i] = p.y; });
  const [wx, wy] = solve(A, [bx, by]);
  return { controls: from.map((p) => ({ ...p })), wx: wx!, wy: wy! };
}

/** Evaluates a thin-plate spline at (x, y). */
export function tpsMap(tps: ThinPlateSpline, x: number, y: number): Point {
  const n = tps.controls.length;
  let sx = tps.wx[n]! + tps.wx[n + 1]! * x + tps.wx[n + 2]! * y;
  let sy = tps.wy[n]! + tps.wy[n + 1]! * x + tps.wy[n + 2]! * y;
  for (let i = 0; i < n; i++) {
    const c = tps.controls[i]!;
    const dx = x - c.x;
    const dy = y - c.y;
    const u = kernel(dx * dx + dy * dy);
    sx += tps.wx[i]! * u;
    sy += tps.wy[i]! * u;
  }
  return { x: sx, y: sy };
}

/** Gaussian elimination with partial pivoting on a copy of A for several right-hand sides. */
function solve(A: Float64Array[], rhs: Float64Array[]): Float64Array[] {
  const m = A.length;
  const M = A.map((r) => Float64Array.from(r));
  const B = rhs.map((r) => Float64Array.from(r));
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[pivot]![col]!)) pivot = r;
    if (Math.abs(M[pivot]![col]!) < 1e-12) throw new Error('fitTps: control points are degenerate (collinear or repeated)');
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    for (const b of B) [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let r = col + 1; r < m; r++) {
      const f = M[r]![col]! / M[col]![col]!;
      if (f === 0) continue;
      for (let c = col; c < m; c++) M[r]![c]! -= f * M[col]![c]!;
      for (const b of B) b[r]! -= f * b[col]!;
    }
  }
  return B.map((b) => {
    const x = new Float64Array(m);
    for (let r = m - 1; r >= 0; r--) {
      let s = b[r]!;
      for (let c = r + 1; c < m; c++) s -= M[r]![c]! * x[c]!;
      x[r] = s / M[r]![r]!;
    }
    return x;
  });
}
