import type { FloatImage } from '../image/raster.js';
import { floatImage } from '../image/raster.js';
import type { Point } from './tps.js';

/** A line segment with a radius (a "stadium"): limbs are drawn as capsules. */
export interface Capsule {
  a: Point;
  b: Point;
  radius: number;
}

/** Distance from p to the segment a–b. */
export function segmentDistance(p: Point, a: Point, b: Point): number {
  const abx = b.x - a.x;
  const aby = b.y - a.y;
  const l2 = abx * abx + aby * aby;
  const t = l2 === 0 ? 0 : Math.min(1, Math.max(0, ((p.x - a.x) * abx + (p.y - a.y) * aby) / l2));
  return Math.hypot(p.x - (a.x + t * abx), p.y - (a.y + t * aby));
}

/** Rasterises capsules into a 0/1 mask of the given size (union). */
export function capsuleMask(width: number, height: number, capsules: Capsule[]): FloatImage {
  const out = floatImage(width, height);
  for (const c of capsules) {
    const x0 = Math.max(0, Math.floor(Math.min(c.a.x, c.b.x) - c.radius));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(c.a.x, c.b.x) + c.radius));
    const y0 = Math.max(0, Math.floor(Math.min(c.a.y, c.b.y) - c.radius));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(c.a.y, c.b.y) + c.radius));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) if (segmentDistance({ x, y }, c.a, c.b) <= c.radius) out.data[y * width + x] = 1;
    }
  }
  return out;
}

/** Rasterises a convex polygon (vertices in order) into `mask` (sets 1 inside). */
export function fillConvexPolygon(mask: FloatImage, poly: Point[]): void {
  const ys = poly.map((p) => p.y);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(mask.height - 1, Math.ceil(Math.max(...ys)));
  for (let y = y0; y <= y1; y++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < poly.length; i++) {
      const a = poly[i]!;
      const b = poly[(i + 1) % poly.length]!;
      if ((a.y <= y && b.y >= y) || (b.y <= y && a.y >= y)) {
        const x = a.y === b.y ? Math.min(a.x, b.x) : a.x + ((y - a.y) / (b.y - a.y)) * (b.x - a.x);
        const x2 = a.y === b.y ? Math.max(a.x, b.x) : x;
        lo = Math.min(lo, x);
        hi = Math.max(hi, x2);
      }
    }
    for (let x = Math.max(0, Math.ceil(lo)); x <= Math.min(mask.width - 1, Math.floor(hi)); x++) mask.data[y * mask.width + x] = 1;
  }
}

/** Sets `mask` to 0 inside the circle. */
export function clearCircle(mask: FloatImage, centre: Point, radius: number): void {
  const y0 = Math.max(0, Math.floor(centre.y - radius));
  const y1 = Math.min(mask.height - 1, Math.ceil(centre.y + radius));
  for (let y = y0; y <= y1; y++) {
    const half = Math.sqrt(Math.max(0, radius * radius - (y - centre.y) ** 2));
    for (let x = Math.max(0, Math.ceil(centre.x - half)); x <= Math.min(mask.width - 1, Math.floor(centre.x + half)); x++) mask.data[y * mask.width + x] = 0;
  }
}
