import type { RgbImage } from '../image/raster.js';
import { boxBlur, floatImage } from '../image/raster.js';

/** The settings a product can be placed in. */
export const SETTINGS = ['studio', 'gradient', 'wood', 'linen', 'concrete', 'lifestyle'] as const;
/** One of {@link SETTINGS}. */
export type SettingName = (typeof SETTINGS)[number];

/** How a setting is shot: upright on a floor (contact shadow, maybe a reflection) or flat on a surface seen from above. */
export interface SettingStyle {
  pose: 'upright' | 'flat';
  /** Height of the floor line as a share of the image height (upright settings). */
  floor: number;
  /** Strength of the floor reflection at the contact line (0: none). */
  reflection: number;
  /** True for a white setting (the white-fringe measure skips those). */
  white: boolean;
}

/** How each setting is shot. */
export const SETTING_STYLES: Readonly<Record<SettingName, SettingStyle>> = {
  studio: { pose: 'upright', floor: 0.9, reflection: 0, white: true },
  gradient: { pose: 'upright', floor: 0.86, reflection: 0.28, white: false },
  wood: { pose: 'flat', floor: 0, reflection: 0, white: false },
  linen: { pose: 'flat', floor: 0, reflection: 0, white: false },
  concrete: { pose: 'flat', floor: 0, reflection: 0, white: false },
  lifestyle: { pose: 'upright', floor: 0.84, reflection: 0.12, white: false },
};

/** Deterministic lattice noise in [0, 1) with smooth (quintic) interpolation. */
export function valueNoise(x: number, y: number, seed: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  const fx = x - xi;
  const fy = y - yi;
  const u = fx * fx * fx * (fx * (fx * 6 - 15) + 10);
  const v = fy * fy * fy * (fy * (fy * 6 - 15) + 10);
  const h = (i: number, j: number): number => {
    let s = Math.imul(i, 374761393) ^ Math.imul(j, 668265263) ^ Math.imul(seed, 2246822519);
    s = Math.imul(s ^ (s >>> 13), 1274126177);
    return ((s ^ (s >>> 16)) >>> 0) / 4294967296;
  };
  const a = h(xi, yi) + (h(xi + 1, yi) - h(xi, yi)) * u;
  const b = h(xi, yi + 1) + (h(xi + 1, yi + 1) - h(xi, yi + 1)) * u;
  return a + (b - a) * v;
}

/** Fractal (fBm) noise: `octaves` layers of {@link valueNoise}, each twice the frequency and half the amplitude. */
export function fbm(x: number, y: number, seed: number, octaves = 4): number {
  let sum = 0;
  let amp = 0.5;
  let norm = 0;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise(x, y, seed + o * 101);
    norm += amp;
    x *= 2;
    y *= 2;
    amp *= 0.5;
  }
  return sum / norm;
}

type Shader = (x: number, y: number, out: [number, number, number]) => void;

function render(width: number, height: number, shader: Shader): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const px: [number, number, number] = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      shader(x, y, px);
      const p = (y * width + x) * 3;
      data[p] = clamp255(px[0]);
      data[p + 1] = clamp255(px[1]);
      data[p + 2] = clamp255(px[2]);
    }
  }
  return { width, height, data };
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * Draws a setting's backdrop at `width`×`height` (procedural, deterministic for a `seed`): studio white with a faint
 * floor falloff; a soft warm-grey sweep with a vignette; wooden planks with grain; linen weave with slubs; concrete with
 * pores; a lifestyle room (window-lit wall, skirting, plank floor, shallow depth of field).
 */
export function drawBackdrop(setting: SettingName, width: number, height: number, seed = 1): RgbImage {
  const s = Math.max(width, height) / 1024;
  switch (setting) {
    case 'studio':
      return render(width, height, (x, y, o) => {
        const v = 252 - 10 * Math.max(0, (y / height - 0.75) / 0.25) ** 2;
        o[0] = v; o[1] = v; o[2] = v;
      });
    case 'gradient':
      return render(width, height, (x, y, o) => {
        const t = y / height;
        const dx = x / width - 0.5;
        const dy = t - 0.45;
        const vignette = 1 - 0.35 * Math.min(1, (dx * dx + dy * dy) * 1.6);
        const base = 236 - 38 * t;
        o[0] = (base + 6) * vignette; o[1] = (base + 1) * vignette; o[2] = (base - 6) * vignette;
      });
    case 'wood': {
      const plank = Math.round(150 * s);
      return render(width, height, (x, y, o) => {
        const row = Math.floor(y / plank);
        const shift = valueNoise(row * 3.1, 0.5, seed) * 400 * s;
        const tone = 0.85 + 0.3 * valueNoise(row * 7.3, Math.floor((x + shift) / (700 * s)), seed + 9);
        const grain = fbm((x + shift) / (300 * s), y / (9 * s), seed + 3, 4);
        const ring = 0.5 + 0.5 * Math.sin((y / (5 * s)) + grain * 14);
        const gap = (y % plank) < 2 * s || ((x + shift) % (700 * s)) < 2 * s ? 0.55 : 1;
        const v = tone * gap * (0.82 + 0.18 * ring);
        o[0] = 150 * v; o[1] = 102 * v; o[2] = 64 * v;
      });
    }
    case 'linen':
      return render(width, height, (x, y, o) => {
        const warp = 0.5 + 0.5 * Math.sin((x / (2.2 * s)) * Math.PI);
        const weft = 0.5 + 0.5 * Math.sin((y / (2.2 * s)) * Math.PI);
        const slubX = fbm(x / (3 * s), y / (160 * s), seed, 3);
        const slubY = fbm(x / (160 * s), y / (3 * s), seed + 5, 3);
        const v = 0.9 + 0.05 * (warp * slubX + weft * slubY) + 0.05 * fbm(x / (200 * s), y / (200 * s), seed + 7, 3);
        o[0] = 214 * v; o[1] = 200 * v; o[2] = 176 * v;
      });
    case 'concrete':
      return render(width, height, (x, y, o) => {
        const large = fbm(x / (260 * s), y / (260 * s), seed, 5);
        const fine = valueNoise(x / (1.5 * s), y / (1.5 * s), seed + 11);
        const pore = valueNoise(x / (4 * s), y / (4 * s), seed + 13) > 0.93 ? 0.8 : 1;
        const v = (0.78 + 0.22 * large + 0.06 * (fine - 0.5)) * pore;
        o[0] = 160 * v; o[1] = 160 * v; o[2] = 156 * v;
      });
    case 'lifestyle':
      return lifestyleRoom(width, height, seed);
  }
}

function lifestyleRoom(width: number, height: number, seed: number): RgbImage {
  const floorY = SETTING_STYLES.lifestyle.floor * height;
  const skirting = floorY - 0.03 * height;
  const sharp = render(width, height, (x, y, o) => {
    if (y < skirting) {
      // A warm wall lit from a window on the left, with a soft window patch.
      const light = 0.78 + 0.22 * Math.exp(-((x / width - 0.15) ** 2) / 0.08);
      const patch = x / width > 0.62 && x / width < 0.86 && y / height > 0.12 && y / height < 0.5 ? 0.06 : 0;
      const v = light + patch + 0.02 * (fbm(x / 90, y / 90, seed, 3) - 0.5);
      o[0] = 232 * v; o[1] = 222 * v; o[2] = 206 * v;
      // A plant's leaves to the right: a few dark green blobs.
      const leaf = fbm(x / 40, y / 40, seed + 4, 3);
      const inPlant = Math.hypot((x / width - 0.9) * 1.6, y / height - 0.55) < 0.16 && leaf > 0.52;
      if (inPlant) { o[0] = 60 + 40 * leaf; o[1] = 96 + 50 * leaf; o[2] = 58 + 20 * leaf; }
    } else if (y < floorY) {
      o[0] = 244; o[1] = 240; o[2] = 232;
    } else {
      const depth = (y - floorY) / (height - floorY);
      const boards = Math.floor(((x - width / 2) / (1 + 2 * depth)) / (width / 9));
      const tone = 0.8 + 0.2 * valueNoise(boards * 5.7, 1.3, seed + 2) + 0.05 * fbm(x / 300, y / 6, seed + 6, 3);
      o[0] = 176 * tone; o[1] = 130 * tone; o[2] = 92 * tone;
    }
  });
  // Shallow depth of field: the room is out of focus behind the product.
  const planes = [0, 1, 2].map((c) => {
    const plane = floatImage(width, height);
    for (let i = 0; i < plane.data.length; i++) plane.data[i] = sharp.data[i * 3 + c]!;
    return boxBlur(plane, Math.max(1, Math.round(width / 180)), 3).data;
  });
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) sharp.data[i * 3 + c] = clamp255(planes[c]![i]!);
  return sharp;
}
