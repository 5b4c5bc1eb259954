import type { FloatImage, RgbImage } from '../image/raster.js';
import { fromLab, rgbToLab, toLab } from './lab-image.js';
import { smoothstep } from '../image/unmix.js';

/** A colour a product can be recoloured to: its name as asked for and its sRGB value. */
export interface Colourway {
  /** Lower-case name (`navy`) or the hex code as given (`#1f2a44`). */
  name: string;
  rgb: [number, number, number];
}

/** Colour names shoppers and operators use, with the sRGB value a colourway aims at. */
export const NAMED_COLOURS: Readonly<Record<string, [number, number, number]>> = {
  navy: [31, 42, 68], black: [24, 24, 26], white: [240, 240, 236], grey: [128, 128, 130], gray: [128, 128, 130],
  charcoal: [58, 60, 64], red: [178, 34, 40], burgundy: [110, 28, 40], pink: [232, 150, 170], orange: [226, 110, 40],
  mustard: [204, 160, 40], yellow: [236, 204, 60], olive: [104, 108, 50], khaki: [176, 160, 112], green: [46, 120, 70],
  'forest green': [34, 78, 50], sage: [140, 162, 128], teal: [30, 112, 118], blue: [40, 80, 170], 'sky blue': [130, 180, 220],
  'royal blue': [42, 70, 180], purple: [100, 50, 130], lavender: [180, 160, 210], brown: [100, 64, 40], camel: [190, 146, 96],
  beige: [216, 200, 170], cream: [240, 232, 208], ivory: [242, 238, 222], coral: [240, 120, 100], rust: [170, 80, 40],
};

/** Parses a colour as a known name (see {@link NAMED_COLOURS}) or `#rrggbb` / `#rgb`; undefined when neither. */
export function parseColour(text: string): Colourway | undefined {
  const name = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const named = NAMED_COLOURS[name];
  if (named) return { name, rgb: [...named] };
  const hex = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/.exec(name);
  if (!hex) return undefined;
  const digits = hex[1]!.length === 3 ? [...hex[1]!].map((d) => d + d).join('') : hex[1]!;
  return { name: `#${digits}`, rgb: [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number] };
}

/** The product's main colour in CIELAB and how far its pixels spread in lightness. */
export interface DominantColour {
  L: number;
  a: number;
  b: number;
}

/**
 * The product's dominant colour: the fullest cell of a coarse Lab histogram of the solid matte pixels (lightness cells
 * twice as wide, since shading spreads lightness), refined to the mean of the pixels near it.
 */
export function dominantColour(L: Float32Array, a: Float32Array, b: Float32Array, alpha: FloatImage): DominantColour {
  const cells = new Map<number, number>();
  for (let i = 0; i < L.length; i++) {
    if (alpha.data[i]! < 0.95) continue;
    const key = Math.round(L[i]! / 16) * 10000 + (Math.round(a[i]! / 8) + 50) * 100 + (Math.round(b[i]! / 8) + 50);
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = -1;
  for (const [key, count] of cells) if (count > bestCount) { best = key; bestCount = count; }
  let centre = { L: Math.floor(best / 10000) * 16, a: (Math.floor(best / 100) % 100 - 50) * 8, b: (best % 100 - 50) * 8 };
  for (let pass = 0; pass < 3; pass++) {
    let sL = 0, sa = 0, sb = 0, n = 0;
    for (let i = 0; i < L.length; i++) {
      if (alpha.data[i]! < 0.95 || memberDistance(L[i]!, a[i]!, b[i]!, centre) > 20) continue;
      sL += L[i]!; sa += a[i]!; sb += b[i]!; n++;
    }
    if (n === 0) break;
    centre = { L: sL / n, a: sa / n, b: sb / n };
  }
  return centre;
}

/**
 * Distance to the dominant colour: lightness at half weight and chroma at 0.6 (shading moves both on dyed cloth), hue
 * difference in full (ΔH, as in CIE colour differences).
 */
function memberDistance(L: number, a: number, b: number, c: DominantColour): number {
  const C = Math.hypot(a, b);
  const C0 = Math.hypot(c.a, c.b);
  const dC = C - C0;
  const dH2 = Math.max(0, (a - c.a) ** 2 + (b - c.b) ** 2 - dC * dC);
  return Math.sqrt(((L - c.L) * 0.5) ** 2 + (dC * 0.6) ** 2 + dH2);
}

/**
 * Recolours a product to `target` in CIELAB, keeping its shading and texture. Only the product's dominant colour
 * changes (pixels near it in Lab, softly; prints, trims and buttons keep theirs). Lightness is remapped as
 * `L' = c + k·(L − L₀)` around the dominant lightness L₀: the target's lightness `c` keeps every local difference
 * (k = 1) unless the product's own spread would not fit in 2–98, when it is compressed (and `c` moved) just enough;
 * chroma and hue become the target's, with chroma fading in deep shadows and towards highlights as on dyed cloth.
 * Returns the new colours (alpha is unchanged).
 */
export function recolour(image: RgbImage, alpha: FloatImage, target: Colourway): RgbImage {
  const lab = toLab(image);
  const dominant = dominantColour(lab.L, lab.a, lab.b, alpha);
  const [Lt, at, bt] = rgbToLab(...target.rgb);
  const n = image.width * image.height;
  const weight = new Float32Array(n);
  const deltas: number[] = [];
  for (let i = 0; i < n; i++) {
    if (alpha.data[i]! <= 0) continue;
    weight[i] = 1 - smoothstep(16, 28, memberDistance(lab.L[i]!, lab.a[i]!, lab.b[i]!, dominant));
    if (weight[i]! > 0.5 && alpha.data[i]! > 0.95 && (i & 3) === 0) deltas.push(lab.L[i]! - dominant.L);
  }
  deltas.sort((x, y) => x - y);
  const low = deltas.length ? deltas[Math.floor(0.02 * (deltas.length - 1))]! : 0;
  const high = deltas.length ? deltas[Math.floor(0.98 * (deltas.length - 1))]! : 0;
  const k = Math.min(1, 96 / Math.max(1e-3, high - low));
  const centre = Math.min(98 - k * high, Math.max(2 - k * low, Lt));
  const Ct = Math.hypot(at, bt);
  for (let i = 0; i < n; i++) {
    const w = weight[i]!;
    if (w <= 0) continue;
    const L = lab.L[i]!;
    const newL = Math.min(100, Math.max(0, centre + k * (L - dominant.L)));
    // Dyed cloth: chroma falls off in shadow and washes out towards white highlights.
    const shade = newL < centre ? 0.35 + 0.65 * newL / Math.max(1, centre) : (100 - newL) / Math.max(1, 100 - centre);
    const scale = Ct > 0 ? Math.min(1.1, Math.max(0, shade)) : 0;
    lab.L[i] = w * newL + (1 - w) * L;
    lab.a[i] = w * at * scale + (1 - w) * lab.a[i]!;
    lab.b[i] = w * bt * scale + (1 - w) * lab.b[i]!;
  }
  return fromLab(lab);
}
