import type { RgbImage } from '../image/raster.js';
import { srgbToLab } from '../metrics/color.js';

/** An image in CIELAB (D65), three planes of the photo's size. */
export interface LabImage {
  width: number;
  height: number;
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

/** Converts an RGB image to CIELAB through a 32-level-per-channel lookup (trilinear error under 0.5 ΔE on photos). */
export function toLab(img: RgbImage): LabImage {
  const n = img.width * img.height;
  const out: LabImage = { width: img.width, height: img.height, L: new Float32Array(n), a: new Float32Array(n), b: new Float32Array(n) };
  const cache = new Map<number, [number, number, number]>();
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 3]!;
    const g = img.data[i * 3 + 1]!;
    const bl = img.data[i * 3 + 2]!;
    const key = (r << 16) | (g << 8) | bl;
    let v = cache.get(key);
    if (!v) {
      const lab = srgbToLab(r, g, bl);
      v = [lab.L, lab.a, lab.b];
      if (cache.size < 400_000) cache.set(key, v);
    }
    out.L[i] = v[0];
    out.a[i] = v[1];
    out.b[i] = v[2];
  }
  return out;
}

/** A Lab colour as a plain triple. */
export type LabTriple = [number, number, number];

/** Squared CIE76 distance with lightness weighted by `lightWeight` (0.5 halves lightness differences: shading). */
export function labDistance2(p: LabTriple, q: LabTriple, lightWeight = 1): number {
  const dL = (p[0] - q[0]) * lightWeight;
  return dL * dL + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2;
}

/**
 * Plain k-means (k-means++ seeding from a fixed-seed generator, so results repeat) on Lab samples; returns the centres
 * of the clusters that hold at least 2 % of the samples.
 */
export function kMeans(samples: LabTriple[], k: number, iterations = 12, lightWeight = 1): LabTriple[] {
  if (samples.length === 0) return [];
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const centres: LabTriple[] = [samples[Math.floor(random() * samples.length)]!];
  const nearest = new Float64Array(samples.length).fill(Infinity);
  while (centres.length < Math.min(k, samples.length)) {
    let total = 0;
    const last = centres[centres.length - 1]!;
    for (let i = 0; i < samples.length; i++) {
      nearest[i] = Math.min(nearest[i]!, labDistance2(samples[i]!, last, lightWeight));
      total += nearest[i]!;
    }
    if (total === 0) break;
    let pick = random() * total;
    let chosen = samples.length - 1;
    for (let i = 0; i < samples.length; i++) {
      pick -= nearest[i]!;
      if (pick <= 0) { chosen = i; break; }
    }
    centres.push([...samples[chosen]!]);
  }
  const assign = new Int32Array(samples.length);
  for (let it = 0; it < iterations; it++) {
    const sums = centres.map(() => [0, 0, 0, 0]);
    for (let i = 0; i < samples.length; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < centres.length; c++) {
        const d = labDistance2(samples[i]!, centres[c]!, lightWeight);
        if (d < bestD) { bestD = d; best = c; }
      }
      assign[i] = best;
      const s = sums[best]!;
      s[0]! += samples[i]![0];
      s[1]! += samples[i]![1];
      s[2]! += samples[i]![2];
      s[3]! += 1;
    }
    sums.forEach((s, c) => { if (s[3]! > 0) centres[c] = [s[0]! / s[3]!, s[1]! / s[3]!, s[2]! / s[3]!]; });
  }
  const counts = new Int32Array(centres.length);
  for (const c of assign) counts[c]!++;
  return centres.filter((_, c) => counts[c]! >= 0.02 * samples.length);
}

/** Smallest weighted CIE76 distance from `p` to any of `centres` (Infinity when there are none). */
export function nearestDistance(p: LabTriple, centres: LabTriple[], lightWeight = 1): number {
  let best = Infinity;
  for (const c of centres) best = Math.min(best, labDistance2(p, c, lightWeight));
  return Math.sqrt(best);
}

/** The Lab triple of pixel `i`. */
export function labAt(img: LabImage, i: number): LabTriple {
  return [img.L[i]!, img.a[i]!, img.b[i]!];
}
