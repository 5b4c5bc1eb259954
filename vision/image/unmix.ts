/**
 * Separating a foreground colour from the background it was photographed against, at a soft edge: shared by the
 * product-image cut-out (`augment/matte.ts`) and the try-on garment's edge band (`garment-edge.ts`).
 */

/**
 * One pixel's foreground colour (rounded, 0–255, into `out`) given its matte `a`, the background colour and the
 * nearby garment colour: `F = (I − (1 − a)·B) / a` where the matte is solid enough to trust the division, blending to
 * the nearby colour where it is thin (all of it at or below a = 0.3).
 */
export function decontaminatePixel(pixel: ArrayLike<number>, a: number, background: readonly number[], nearby: ArrayLike<number>, out: Float32Array): void {
  if (a >= 0.999) { for (let c = 0; c < 3; c++) out[c] = pixel[c]!; return; }
  const t = smoothstep(0.3, 0.8, a);
  for (let c = 0; c < 3; c++) {
    const unmixed = a > 0.05 ? (pixel[c]! - (1 - a) * background[c]!) / a : nearby[c]!;
    const v = t * unmixed + (1 - t) * nearby[c]!;
    out[c] = Math.min(255, Math.max(0, Math.round(v)));
  }
}

/** 0 below `edge0`, 1 above `edge1`, a smooth Hermite step between. */
export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}
