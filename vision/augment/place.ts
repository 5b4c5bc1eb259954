import type { Point } from '../geometry/tps.js';
import type { FloatImage, RgbImage } from '../image/raster.js';
import { boxBlur, floatImage } from '../image/raster.js';
import type { SettingStyle } from './backdrops.js';
import type { ProductCutout } from './matte.js';

/** Small viewpoint changes: straight on, or turned a little so the left or right side recedes. */
export const VIEWS = ['front', 'left', 'right'] as const;
/** One of {@link VIEWS}. */
export type ViewName = (typeof VIEWS)[number];

/** A placed product: the final image, the product's matte on it, and the setting (with shadows) behind it. */
export interface Placement {
  image: RgbImage;
  alpha: FloatImage;
  backdrop: RgbImage;
}

/** A 3×3 projective transform, row-major, mapping (x, y, 1) to (x', y', w'). */
export type Homography = [number, number, number, number, number, number, number, number, number];

/** The homography taking the four `from` points to the four `to` points (direct linear solution, h₃₃ = 1). */
export function homography(from: readonly Point[], to: readonly Point[]): Homography {
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i]!;
    const { x: u, y: v } = to[i]!;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gaussian elimination with partial pivoting on the 8×9 augmented matrix.
  for (let c = 0; c < 8; c++) {
    let pivot = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(rows[r]![c]!) > Math.abs(rows[pivot]![c]!)) pivot = r;
    [rows[c], rows[pivot]] = [rows[pivot]!, rows[c]!];
    const p = rows[c]![c]!;
    if (Math.abs(p) < 1e-12) throw new Error('homography: degenerate points');
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = rows[r]![c]! / p;
      for (let k = c; k < 9; k++) rows[r]![k]! -= f * rows[c]![k]!;
    }
  }
  const h = rows.map((row, i) => row[8]! / row[i]!);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

/** Applies a homography to a point. */
export function project(h: Homography, x: number, y: number): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return { x: (h[0] * x + h[1] * y + h[2]) / w, y: (h[3] * x + h[4] * y + h[5]) / w };
}

/** The corners (clockwise from top left) of a box seen from a slightly turned viewpoint: the far side shorter and nearer. */
export function viewQuad(view: ViewName, left: number, top: number, right: number, bottom: number): Point[] {
  const w = right - left;
  const h = bottom - top;
  if (view === 'front') return [{ x: left, y: top }, { x: right, y: top }, { x: right, y: bottom }, { x: left, y: bottom }];
  // About 10° of turn: the receding edge is 8 % shorter and the product 6 % narrower on that side.
  const shrink = 0.04 * h;
  const inset = 0.06 * w;
  return view === 'left'
    ? [{ x: left + inset, y: top + shrink }, { x: right, y: top }, { x: right, y: bottom }, { x: left + inset, y: bottom - shrink }]
    : [{ x: left, y: top }, { x: right - inset, y: top + shrink }, { x: right - inset, y: bottom - shrink }, { x: left, y: bottom }];
}

/**
 * Places a cut-out product (`colours`: its decontaminated or recoloured colours) on `backdrop`: scaled to fit (never
 * enlarged), upright on the floor line or flat in the middle, seen from `view` (a perspective warp, resampled
 * bilinearly with premultiplied alpha so edges stay clean); then shadows: an upright product gets a contact shadow
 * (dark and tight where the hem meets the floor, a soft squashed silhouette beyond it) and, on glossy floors, a
 * reflection fading with distance; a flat-laid product a soft drop shadow and a little ambient occlusion.
 */
export function placeProduct(cutout: ProductCutout, colours: RgbImage, backdrop: RgbImage, style: SettingStyle, view: ViewName): Placement {
  const { width: W, height: H } = backdrop;
  const { left, top, right, bottom } = cutout.box;
  const bw = right - left + 1;
  const bh = bottom - top + 1;
  const scale = Math.min(1, (style.pose === 'upright' ? 0.76 : 0.8) * H / bh, 0.82 * W / bw);
  const dw = bw * scale;
  const dh = bh * scale;
  const dx = (W - dw) / 2;
  const dy = style.pose === 'upright' ? style.floor * H - dh : (H - dh) / 2;
  const source = [{ x: left, y: top }, { x: right + 1, y: top }, { x: right + 1, y: bottom + 1 }, { x: left, y: bottom + 1 }];
  const target = viewQuad(view, dx, dy, dx + dw, dy + dh);
  const inverse = homography(target, source);
  const { alpha, colour } = warp(cutout.alpha, colours, inverse, W, H);
  const back = { width: W, height: H, data: new Uint8Array(backdrop.data) };
  if (style.pose === 'upright') {
    const floorY = Math.min(H - 1, Math.round(dy + dh));
    if (style.reflection > 0) reflect(back, alpha, colour, floorY, dh, style.reflection);
    contactShadow(back, alpha, floorY);
  } else {
    dropShadow(back, alpha);
  }
  const image = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    const a = alpha.data[i]!;
    for (let c = 0; c < 3; c++) image[i * 3 + c] = Math.round(colour[i * 3 + c]! + (1 - a) * back.data[i * 3 + c]!);
  }
  return { image: { width: W, height: H, data: image }, alpha, backdrop: back };
}

/** Inverse-maps every output pixel through `inverse` into the source; returns the matte and premultiplied colours. */
function warp(srcAlpha: FloatImage, src: RgbImage, inverse: Homography, W: number, H: number): { alpha: FloatImage; colour: Float32Array } {
  const alpha = floatImage(W, H);
  const colour = new Float32Array(W * H * 3);
  const sw = src.width;
  const sh = src.height;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = project(inverse, x + 0.5, y + 0.5);
      const fx = p.x - 0.5;
      const fy = p.y - 0.5;
      if (fx < -1 || fy < -1 || fx > sw || fy > sh) continue;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const wx = fx - x0;
      const wy = fy - y0;
      let a = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < 4; k++) {
        const sx = x0 + (k & 1);
        const sy = y0 + (k >> 1);
        if (sx < 0 || sy < 0 || sx >= sw || sy >= sh) continue;
        const wgt = ((k & 1) ? wx : 1 - wx) * ((k >> 1) ? wy : 1 - wy);
        const s = sy * sw + sx;
        const sa = srcAlpha.data[s]! * wgt;
        a += sa;
        r += src.data[s * 3]! * sa;
        g += src.data[s * 3 + 1]! * sa;
        b += src.data[s * 3 + 2]! * sa;
      }
      const i = y * W + x;
      alpha.data[i] = a;
      colour[i * 3] = r;
      colour[i * 3 + 1] = g;
      colour[i * 3 + 2] = b;
    }
  }
  return { alpha, colour };
}

function darken(back: RgbImage, shadow: FloatImage, opacity: number): void {
  for (let i = 0; i < shadow.data.length; i++) {
    const f = 1 - opacity * Math.min(1, shadow.data[i]!);
    for (let c = 0; c < 3; c++) back.data[i * 3 + c] = Math.round(back.data[i * 3 + c]! * f);
  }
}

function contactShadow(back: RgbImage, alpha: FloatImage, floorY: number): void {
  const { width: W, height: H } = back;
  const scale = Math.max(W, H) / 1024;
  // The footprint: how much product touches the floor in each column (the bottom few rows of the matte).
  const foot = new Float32Array(W);
  const reach = Math.max(2, Math.round(0.02 * H));
  for (let y = Math.max(0, floorY - reach); y <= floorY; y++) for (let x = 0; x < W; x++) foot[x] = Math.max(foot[x]!, alpha.data[y * W + x]!);
  const tight = floatImage(W, H);
  const soft = floatImage(W, H);
  const decay = 6 * scale;
  for (let y = Math.max(0, floorY - 2); y < H; y++) {
    const d = Math.max(0, y - floorY);
    for (let x = 0; x < W; x++) {
      tight.data[y * W + x] = foot[x]! * Math.exp(-d / decay);
      // The silhouette squashed onto the floor: the light comes from above and a little in front.
      const sy = Math.round(floorY - d / 0.1);
      soft.data[y * W + x] = sy >= 0 ? alpha.data[sy * W + x]! : 0;
    }
  }
  darken(back, boxBlur(soft, Math.round(14 * scale), 3), 0.22);
  darken(back, boxBlur(tight, Math.round(4 * scale), 2), 0.5);
}

function reflect(back: RgbImage, alpha: FloatImage, colour: Float32Array, floorY: number, productHeight: number, strength: number): void {
  const { width: W, height: H } = back;
  const fade = 0.3 * productHeight;
  for (let y = floorY + 1; y < H; y++) {
    const d = y - floorY;
    const sy = floorY - d;
    if (sy < 0 || d > fade) break;
    const k = strength * (1 - d / fade) ** 2;
    for (let x = 0; x < W; x++) {
      const s = sy * W + x;
      const a = alpha.data[s]! * k;
      if (a <= 0) continue;
      const i = y * W + x;
      // colour is premultiplied by the matte: divide it back out before mixing.
      for (let c = 0; c < 3; c++) back.data[i * 3 + c] = Math.round((colour[s * 3 + c]! / Math.max(1e-3, alpha.data[s]!)) * a + back.data[i * 3 + c]! * (1 - a));
    }
  }
}

function dropShadow(back: RgbImage, alpha: FloatImage): void {
  const { width: W, height: H } = back;
  const ox = Math.round(0.01 * W);
  const oy = Math.round(0.016 * H);
  const shifted = floatImage(W, H);
  for (let y = oy; y < H; y++) for (let x = ox; x < W; x++) shifted.data[y * W + x] = alpha.data[(y - oy) * W + x - ox]!;
  darken(back, boxBlur(shifted, Math.round(0.012 * W), 3), 0.4);
  darken(back, boxBlur(alpha, Math.max(1, Math.round(0.003 * W)), 2), 0.25);
}
