import type { UpperBody } from './body.js';
import type { GarmentCutout } from './garment.js';
import type { Correspondences } from './geometry/fit.js';
import { sleeveSource } from './geometry/fit.js';
import type { Capsule } from './geometry/shapes.js';
import { capsuleMask, clearCircle, segmentDistance } from './geometry/shapes.js';
import { fitTps, tpsMap } from './geometry/tps.js';
import type { FloatImage, RgbImage } from './image/raster.js';
import { boxBlur, floatImage, luminance } from './image/raster.js';

/** The composited photo plus what was placed where (for metrics): final alpha and, per pixel, its garment source. */
export interface Composite {
  image: RgbImage;
  /** Final garment opacity per photo pixel (0–1, feathered). */
  alpha: FloatImage;
  /** Garment-photo x/y each photo pixel was sampled from (NaN where no garment). */
  sourceX: Float32Array;
  sourceY: Float32Array;
}

/** Spacing of the grid on which the spline is evaluated exactly (bilinear in between). Default 8 px. */
export const WARP_GRID = 8;
/** Strength of the shading taken from the original clothing (0 = flat garment, 1 = the full luminance ratio). */
export const SHADING_STRENGTH = 0.8;

/** The arm capsules that go in front of the garment's body panel (from partway down the upper arm to the hand). */
export function armCapsules(b: UpperBody): Capsule[] {
  const caps: Capsule[] = [];
  const w = b.shoulderWidth;
  for (const [s, e, h] of [[b.shoulderLeft, b.elbowLeft, b.wristLeft], [b.shoulderRight, b.elbowRight, b.wristRight]] as const) {
    const start = { x: s.x + 0.4 * (e.x - s.x), y: s.y + 0.4 * (e.y - s.y) };
    const hand = { x: h.x + 0.4 * (h.x - e.x), y: h.y + 0.4 * (h.y - e.y) };
    caps.push({ a: start, b: e, radius: 0.15 * w }, { a: e, b: h, radius: 0.12 * w }, { a: h, b: hand, radius: 0.14 * w });
  }
  return caps;
}

/**
 * Warps the garment onto the photo with a thin-plate spline through the correspondences (photo → garment, sampled
 * bilinearly), keeps the person in front where they are in front (head; arms and hands over the garment's body panel,
 * while sleeves are drawn over the arms they dress), clips to the person's silhouette, transfers shading from the
 * original clothing as a clamped luminance ratio, and feathers the edge. Output has the photo's resolution.
 */
export function composite(photo: RgbImage, personMask: FloatImage, body: UpperBody, garment: GarmentCutout, fit: Correspondences): Composite {
  const { width, height } = photo;
  const tps = fitTps(fit.body, fit.garment, 1e-3);
  const g = garment.image;
  const ga = garment.alpha;
  const margin = 0.35 * body.shoulderWidth;
  const placed = [...fit.body, ...fit.sleeves.map((s) => s.bodyCuff)];
  const xs = placed.map((p) => p.x);
  const ys = placed.map((p) => p.y);
  const bx0 = Math.max(0, Math.floor(Math.min(...xs) - margin));
  const bx1 = Math.min(width - 1, Math.ceil(Math.max(...xs) + margin));
  const by0 = Math.max(0, Math.floor(Math.min(...ys) - margin));
  const by1 = Math.min(height - 1, Math.ceil(Math.max(...ys) + margin));
  const sourceX = new Float32Array(width * height).fill(NaN);
  const sourceY = new Float32Array(width * height).fill(NaN);
  const raw = floatImage(width, height);
  // Spline on a coarse grid, bilinear in between: exact at grid nodes, smooth everywhere.
  const gw = Math.ceil((bx1 - bx0) / WARP_GRID) + 2;
  const gh = Math.ceil((by1 - by0) / WARP_GRID) + 2;
  const gridX = new Float32Array(gw * gh);
  const gridY = new Float32Array(gw * gh);
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const p = tpsMap(tps, bx0 + i * WARP_GRID, by0 + j * WARP_GRID);
      gridX[j * gw + i] = p.x;
      gridY[j * gw + i] = p.y;
    }
  }
  const arms = capsuleMask(width, height, armCapsules(body));
  const { bodyLeft, bodyRight } = garment.landmarks;
  const slack = 0.05 * (bodyRight - bodyLeft);
  for (let y = by0; y <= by1; y++) {
    const fj = (y - by0) / WARP_GRID;
    const j = Math.floor(fj);
    const wy = fj - j;
    for (let x = bx0; x <= bx1; x++) {
      const fi = (x - bx0) / WARP_GRID;
      const i = Math.floor(fi);
      const wx = fi - i;
      const k = j * gw + i;
      let sx = (gridX[k]! * (1 - wx) + gridX[k + 1]! * wx) * (1 - wy) + (gridX[k + gw]! * (1 - wx) + gridX[k + gw + 1]! * wx) * wy;
      let sy = (gridY[k]! * (1 - wx) + gridY[k + 1]! * wx) * (1 - wy) + (gridY[k + gw]! * (1 - wx) + gridY[k + gw + 1]! * wx) * wy;
      const p = y * width + x;
      let a = 0;
      // Sleeves are drawn over the body panel: take a sleeve's source when it lands on that sleeve's garment pixels.
      for (const sleeve of fit.sleeves) {
        // Only around the arm it dresses: a sleeve never reaches across the torso.
        if (segmentDistance({ x, y }, sleeve.bodyRoot, sleeve.bodyCuff) > 0.3 * body.shoulderWidth) continue;
        const s = sleeveSource(sleeve, { x, y });
        const onSleeve = sleeve.garmentCuff.x < sleeve.garmentRoot.x ? s.x < bodyLeft : s.x > bodyRight;
        if (!onSleeve || s.x < 0 || s.y < 0 || s.x > g.width - 1 || s.y > g.height - 1) continue;
        const sa = sampleFloat(ga, s.x, s.y);
        if (sa > 0) { sx = s.x; sy = s.y; a = sa; break; }
      }
      if (a === 0) {
        if (sx < 0 || sy < 0 || sx > g.width - 1 || sy > g.height - 1) continue;
        // With sleeves, the body panel's spline only supplies body-panel pixels (the sleeves come from their own fit).
        if (fit.sleeves.length > 0 && (sx < bodyLeft - slack || sx > bodyRight + slack)) continue;
        a = sampleFloat(ga, sx, sy);
        if (a <= 0) continue;
        // An arm in front of the body panel hides it; a sleeve is worn over its own arm.
        if (arms.data[p]! > 0 && personMask.data[p]! > 0.5) continue;
      }
      raw.data[p] = a;
      sourceX[p] = sx;
      sourceY[p] = sy;
    }
  }
  clearCircle(raw, body.head, body.head.radius);
  const feather = Math.max(1, Math.round((width + height) / 900));
  const soft = boxBlur(raw, feather, 2);
  const alpha = floatImage(width, height);
  for (let p = 0; p < alpha.data.length; p++) {
    const m = personMask.data[p]!;
    const inside = m <= 0.3 ? 0 : m >= 0.7 ? 1 : (m - 0.3) / 0.4;
    alpha.data[p] = soft.data[p]! * inside;
  }
  const image = shadeAndBlend(photo, alpha, g, ga, sourceX, sourceY);
  return { image, alpha, sourceX, sourceY };
}

function shadeAndBlend(photo: RgbImage, alpha: FloatImage, g: RgbImage, ga: FloatImage, sourceX: Float32Array, sourceY: Float32Array): RgbImage {
  const lum = boxBlur(luminance(photo), 2, 1);
  const inside: number[] = [];
  for (let p = 0; p < alpha.data.length; p += 7) if (alpha.data[p]! > 0.5) inside.push(lum.data[p]!);
  inside.sort((a, b) => a - b);
  const ref = Math.max(8, inside[inside.length >> 1] ?? 128);
  const out = new Uint8Array(photo.data);
  for (let p = 0; p < alpha.data.length; p++) {
    const a = alpha.data[p]!;
    if (a <= 0) continue;
    let sx = sourceX[p]!;
    let sy = sourceY[p]!;
    if (Number.isNaN(sx)) {
      // Feathered fringe just outside the sampled area: reuse the nearest sampled neighbour's source.
      const q = nearestSampled(sourceX, alpha.width, alpha.height, p);
      if (q < 0) continue;
      sx = sourceX[q]!;
      sy = sourceY[q]!;
    }
    const ratio = Math.min(1.25, Math.max(0.55, lum.data[p]! / ref));
    const shade = 1 + SHADING_STRENGTH * (ratio - 1);
    for (let c = 0; c < 3; c++) {
      const garmentValue = Math.min(255, sampleGarment(g, ga, sx, sy, c) * shade);
      out[p * 3 + c] = Math.round(photo.data[p * 3 + c]! * (1 - a) + garmentValue * a);
    }
  }
  return { width: photo.width, height: photo.height, data: out };
}

function nearestSampled(sx: Float32Array, width: number, height: number, p: number): number {
  const x = p % width;
  const y = (p - x) / width;
  for (let r = 1; r <= 4; r++) {
    for (const [dx, dy] of [[r, 0], [-r, 0], [0, r], [0, -r], [r, r], [-r, -r], [r, -r], [-r, r]] as const) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx >= 0 && ny >= 0 && nx < width && ny < height && !Number.isNaN(sx[ny * width + nx]!)) return ny * width + nx;
    }
  }
  return -1;
}

/** Bilinear sample of a float image at fractional coordinates (clamped to the image). */
export function sampleFloat(img: FloatImage, x: number, y: number): number {
  const x0 = Math.min(Math.floor(x), img.width - 2);
  const y0 = Math.min(Math.floor(y), img.height - 2);
  const wx = x - x0;
  const wy = y - y0;
  const i = y0 * img.width + x0;
  return (img.data[i]! * (1 - wx) + img.data[i + 1]! * wx) * (1 - wy) + (img.data[i + img.width]! * (1 - wx) + img.data[i + img.width + 1]! * wx) * wy;
}

/**
 * Bilinear sample of one garment channel weighted by the garment's matte (premultiplied), so that background pixels
 * next to the garment's edge never bleed a light fringe into it.
 */
export function sampleGarment(img: RgbImage, matte: FloatImage, x: number, y: number, c: number): number {
  const x0 = Math.min(Math.max(Math.floor(x), 0), img.width - 2);
  const y0 = Math.min(Math.max(Math.floor(y), 0), img.height - 2);
  const wx = x - x0;
  const wy = y - y0;
  let sum = 0;
  let weight = 0;
  for (const [dx, dy, w] of [[0, 0, (1 - wx) * (1 - wy)], [1, 0, wx * (1 - wy)], [0, 1, (1 - wx) * wy], [1, 1, wx * wy]] as const) {
    const i = (y0 + dy) * img.width + x0 + dx;
    const a = matte.data[i]! * w;
    sum += img.data[i * 3 + c]! * a;
    weight += a;
  }
  return weight > 1e-6 ? sum / weight : sampleChannel(img, x, y, c);
}

/** Bilinear sample of one channel of an RGB image at fractional coordinates. */
export function sampleChannel(img: RgbImage, x: number, y: number, c: number): number {
  const x0 = Math.min(Math.max(Math.floor(x), 0), img.width - 2);
  const y0 = Math.min(Math.max(Math.floor(y), 0), img.height - 2);
  const wx = x - x0;
  const wy = y - y0;
  const i = (y0 * img.width + x0) * 3 + c;
  const row = img.width * 3;
  return (img.data[i]! * (1 - wx) + img.data[i + 3]! * wx) * (1 - wy) + (img.data[i + row]! * (1 - wx) + img.data[i + row + 3]! * wx) * wy;
}
