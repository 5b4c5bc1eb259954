import type { RgbImage } from '../image/raster.js';

/** An image in CIELAB (D65), three float planes of `width`×`height`. */
export interface LabImage {
  width: number;
  height: number;
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
}

const TO_LINEAR = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const v = i / 255;
  TO_LINEAR[i] = v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116;
}

function labFInverse(f: number): number {
  const f3 = f * f * f;
  return f3 > 216 / 24389 ? f3 : (116 * f - 16) / (24389 / 27);
}

function linearToSrgb(v: number): number {
  const c = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
  return Math.min(255, Math.max(0, Math.round(c * 255)));
}

/** One sRGB colour (0–255 each) in CIELAB (D65). */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const lr = TO_LINEAR[r]!;
  const lg = TO_LINEAR[g]!;
  const lb = TO_LINEAR[b]!;
  const fx = labF((0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047);
  const fy = labF(0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb);
  const fz = labF((0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / 1.08883);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** One CIELAB colour back to 8-bit sRGB (out-of-gamut values clipped per channel). */
export function labToRgb(L: number, a: number, b: number): [number, number, number] {
  const fy = (L + 16) / 116;
  const x = 0.95047 * labFInverse(fy + a / 500);
  const y = labFInverse(fy);
  const z = 1.08883 * labFInverse(fy - b / 200);
  return [
    linearToSrgb(3.2404542 * x - 1.5371385 * y - 0.4985314 * z),
    linearToSrgb(-0.969266 * x + 1.8760108 * y + 0.041556 * z),
    linearToSrgb(0.0556434 * x - 0.2040259 * y + 1.0572252 * z),
  ];
}

/** Converts an RGB image to CIELAB planes. */
export function toLab(img: RgbImage): LabImage {
  const n = img.width * img.height;
  const out: LabImage = { width: img.width, height: img.height, L: new Float32Array(n), a: new Float32Array(n), b: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const [L, a, b] = rgbToLab(img.data[i * 3]!, img.data[i * 3 + 1]!, img.data[i * 3 + 2]!);
    out.L[i] = L;
    out.a[i] = a;
    out.b[i] = b;
  }
  return out;
}

/** Converts CIELAB planes back to an 8-bit RGB image. */
export function fromLab(lab: LabImage): RgbImage {
  const n = lab.width * lab.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = labToRgb(lab.L[i]!, lab.a[i]!, lab.b[i]!);
    data[i * 3] = r;
    data[i * 3 + 1] = g;
    data[i * 3 + 2] = b;
  }
  return { width: lab.width, height: lab.height, data };
}
