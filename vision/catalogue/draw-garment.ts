import type { Point } from '../geometry/tps.js';
import type { RgbImage } from '../image/raster.js';

/** Garment shapes the sample-catalogue generator can draw. */
export type GarmentShape = 't-shirt' | 'tank-top' | 'long-sleeve';

/**
 * Construction details drawn on top of the plain garment: `rib` (ribbed cuffs and hem band, as on a knit), `buttons` (a
 * button placket down the front, as on a cardigan), `cables` (cable-knit columns), `pockets` (flap chest pockets and
 * patch hip pockets, a zip down the front, as on a field jacket).
 */
export type GarmentDetail = 'rib' | 'buttons' | 'cables' | 'pockets';

/** What to draw: shape, body colour, an optional stripe colour (a horizontal chest band) and construction details. */
export interface GarmentDrawing {
  shape: GarmentShape;
  colour: [number, number, number];
  stripe?: [number, number, number];
  details?: GarmentDetail[];
}

/** The parts of a flat-laid garment in unit coordinates (x 0–1 across, y 0–1 down). */
interface Pattern {
  /** The body panel, with the front neckline cut into its top. */
  body: Point[];
  /** Left and right sleeves (image left first), each from its shoulder out to the cuff and back to the armpit; none for a tank. */
  sleeves: { polygon: Point[]; root: Point; cuff: Point }[];
  /** The neck opening: between the top of the back collar and the front neckline. */
  innerBack: Point[];
  /** The lower edge of the back collar band, left to right: below it, the inside of the back shows through the opening. */
  backCollar: Point[];
  /** The front neckline, left to right (the collar band is drawn just below it). */
  neckline: Point[];
  hemY: number;
}

/**
 * The pattern's frame in the photo: 1.1 × wider and 0.8 × as tall about (0.5, 0.07), so the body panel is about 1.7 times
 * as long as it is wide (a tee reaching the hips), as on a real tee, with the sleeves still inside the frame.
 */
const FRAME = { scaleX: 1.1, scaleY: 0.8, top: 0.07 };

const NECK_HALF = 0.115;
const NECK_TOP = 0.085;

/** A curve from (x0, yEdge) to (x1, yEdge) dipping `depth` at the middle (a U for a crew neck, deeper for a scoop). */
function dip(x0: number, x1: number, yEdge: number, depth: number, steps = 12): Point[] {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const t = i / steps;
    return { x: x0 + (x1 - x0) * t, y: yEdge + depth * Math.sqrt(Math.max(0, 1 - (2 * t - 1) ** 2)) };
  });
}

const mirror = (points: Point[]): Point[] => points.map((p) => ({ x: 1 - p.x, y: p.y })).reverse();

/**
 * The pattern of a garment laid flat as in a product photo: sleeves angled out from sloping shoulders with a gap between
 * sleeve and body below the armpit (so a cut-out sees them as sleeves), the front neckline cut below the back collar.
 */
function pattern(shape: GarmentShape): Pattern {
  const hemY = 0.93;
  if (shape === 'tank-top') {
    const neckline = dip(0.4, 0.6, 0.06, 0.17);
    const innerBack = [...dip(0.4, 0.6, 0.06, 0.03), ...neckline.slice().reverse()];
    const backCollar = dip(0.41, 0.59, 0.072, 0.03);
    const left = [{ x: 0.3, y: hemY }, { x: 0.29, y: 0.36 }, { x: 0.33, y: 0.27 }, { x: 0.35, y: 0.16 }, { x: 0.355, y: 0.06 }];
    const body = [...left, ...neckline, ...mirror(left)];
    return { body, sleeves: [], innerBack, backCollar, neckline, hemY };
  }
  const long = shape === 'long-sleeve';
  const neckline = dip(0.5 - NECK_HALF, 0.5 + NECK_HALF, NECK_TOP, 0.08);
  const innerBack = [...dip(0.5 - NECK_HALF, 0.5 + NECK_HALF, NECK_TOP, 0.015), ...neckline.slice().reverse()];
  const backCollar = dip(0.5 - NECK_HALF + 0.01, 0.5 + NECK_HALF - 0.01, NECK_TOP + 0.014, 0.015);
  const shoulder = { x: 0.245, y: 0.13 };
  const armpit = { x: 0.285, y: 0.335 };
  const left = [{ x: 0.28, y: hemY }, armpit, shoulder, { x: 0.5 - NECK_HALF, y: NECK_TOP }];
  const body = [...left, ...neckline.slice(1, -1), ...mirror(left)];
  // Short sleeves stick out at about 50° from the vertical; long ones hang at about 15°, clear of the body.
  const outer = long ? { x: 0.075, y: 0.8 } : { x: 0.095, y: 0.37 };
  const inner = long ? { x: 0.15, y: 0.83 } : { x: 0.175, y: 0.43 };
  const sleeve = [shoulder, outer, inner, armpit, { x: 0.31, y: 0.2 }];
  const root = { x: (shoulder.x + armpit.x) / 2, y: (shoulder.y + armpit.y) / 2 };
  const cuff = { x: (outer.x + inner.x) / 2, y: (outer.y + inner.y) / 2 };
  const sleeves = [
    { polygon: sleeve, root, cuff },
    { polygon: mirror(sleeve), root: { x: 1 - root.x, y: root.y }, cuff: { x: 1 - cuff.x, y: cuff.y } },
  ];
  return { body, sleeves, innerBack, backCollar, neckline, hemY };
}

function inside(poly: Point[], x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i]!;
    const b = poly[j]!;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) hit = !hit;
  }
  return hit;
}

/** The neckline's height at `x` (linear between its points), or undefined outside it. */
function necklineAt(neckline: Point[], x: number): number | undefined {
  for (let i = 1; i < neckline.length; i++) {
    const a = neckline[i - 1]!;
    const b = neckline[i]!;
    if (x >= a.x && x <= b.x) return a.y + ((b.y - a.y) * (x - a.x)) / Math.max(1e-9, b.x - a.x);
  }
  return undefined;
}

/** A small deterministic noise in −1…1 (the grain of a photographed fabric; the same drawing gives the same pixels). */
function grain(x: number, y: number): number {
  const s = Math.sin(x * 12.9898 + y * 78.233) * 43758.5453;
  return 2 * (s - Math.floor(s)) - 1;
}

/** How light the fabric is at (u, v) of one part (1 = lit), with `axis` 0–1 across a sleeve (0.5 its middle). */
function fabricLight(u: number, v: number, across: number, drawing: GarmentDrawing, pattern: Pattern, sleeve: boolean): number {
  // Rounded like a body or an arm under a soft light from the upper left: darker towards the sides.
  let light = 0.8 + 0.2 * Math.cos((across - 0.42) * Math.PI * 0.95);
  // Soft folds: drapes falling from the armpits on the body, creases across a sleeve at the elbow.
  if (!sleeve) {
    const fold = Math.exp(-(((Math.abs(u - 0.5) - 0.17 + 0.05 * (v - 0.35)) / 0.025) ** 2)) * Math.max(0, Math.min(1, (v - 0.35) / 0.2));
    light -= 0.06 * fold * (v < pattern.hemY - 0.02 ? 1 : 0);
    light -= 0.05 * Math.exp(-(((v - pattern.hemY + 0.03) / 0.02) ** 2)) * (0.5 + 0.5 * Math.sin(u * 40));
  }
  const details = drawing.details ?? [];
  if (details.includes('rib') || details.includes('cables')) light *= 0.97 + 0.03 * Math.sin(u * 384 * 0.9);
  return light;
}

/**
 * Draws a product photo of a garment (front view, laid flat, on a plain off-white background) at `width`×`height`: sleeves
 * angled out from the shoulders, the neckline's opening with the inside of the back behind it and a collar band, soft
 * shading (rounded sides, folds) and a fine grain, like a studio flat-lay photo. Used for the bundled sample catalogue and
 * in tests; no photo is copied.
 */
export function drawGarment(drawing: GarmentDrawing, width = 384, height = 512): RgbImage {
  const pat = pattern(drawing.shape);
  const details = drawing.details ?? [];
  const data = new Uint8Array(width * height * 3);
  const toU = (x: number): number => 0.5 + (x / width - 0.5) / FRAME.scaleX;
  const toV = (y: number): number => FRAME.top + (y / height - FRAME.top) / FRAME.scaleY;
  // Which part each pixel's centre is in: only pixels on a border between parts need more than one sample.
  const parts = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) parts[y * width + x] = partAt(toU(x + 0.5), toV(y + 0.5), pat);
  const rgb = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const part = parts[i]!;
      const border = (x > 0 && parts[i - 1] !== part) || (x < width - 1 && parts[i + 1] !== part) || (y > 0 && parts[i - width] !== part) || (y < height - 1 && parts[i + width] !== part);
      // 2×2 samples on borders: smooth (anti-aliased) outlines, as a photo's.
      const sub = border ? [0.25, 0.75] : [0.5];
      const weight = 1 / (sub.length * sub.length);
      rgb[0] = rgb[1] = rgb[2] = 0;
      for (const sy of sub) {
        for (const sx of sub) {
          const u = toU(x + sx);
          const v = toV(y + sy);
          const colour = shadeAt(u, v, border ? partAt(u, v, pat) : part, drawing, details, pat);
          for (let c = 0; c < 3; c++) rgb[c]! += colour[c]! * weight;
        }
      }
      // The grain scales with the light (a photo's noise is smaller in the shadows).
      const g = 2 * grain(x, y) * Math.min(1, (rgb[0]! + rgb[1]! + rgb[2]!) / 300);
      for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(rgb[c]! + g)));
    }
  }
  return { width, height, data };
}

const BACKGROUND: [number, number, number] = [247, 247, 245];

/** Which part (u, v) is in: 0 background, 1 body panel, 2 + i the i-th sleeve, 9 the neck opening. */
function partAt(u: number, v: number, pat: Pattern): number {
  if (inside(pat.body, u, v)) return 1;
  const sleeve = pat.sleeves.findIndex((s) => inside(s.polygon, u, v));
  if (sleeve >= 0) return 2 + sleeve;
  return inside(pat.innerBack, u, v) ? 9 : 0;
}

/** The colour at (u, v) of `part` ({@link partAt}): background, inside of the back, or the fabric of the body or a sleeve with its details. */
function shadeAt(u: number, v: number, part: number, drawing: GarmentDrawing, details: GarmentDetail[], pat: Pattern): readonly number[] {
  const sleeve = part >= 2 && part < 9 ? pat.sleeves[part - 2] : undefined;
  if (part === 0) return BACKGROUND;
  if (part === 9) {
    // The back collar band along the top, and under it the inside of the back in the garment's shade.
    const collar = necklineAt(pat.backCollar, u);
    if (collar === undefined || v < collar) return drawing.colour.map((c) => c * 0.9);
    return drawing.colour.map((c) => c * 0.25 + 2);
  }
  let colour: readonly number[] = drawing.colour;
  let light: number;
  if (sleeve) {
    // Position along (0 root … 1 cuff) and across the sleeve.
    const ax = sleeve.cuff.x - sleeve.root.x;
    const ay = sleeve.cuff.y - sleeve.root.y;
    const len2 = ax * ax + ay * ay;
    const along = ((u - sleeve.root.x) * ax + (v - sleeve.root.y) * ay) / len2;
    const across = 0.5 + ((u - sleeve.root.x) * ay - (v - sleeve.root.y) * ax) / Math.sqrt(len2) / 0.16;
    light = fabricLight(u, v, Math.min(1, Math.max(0, across)), drawing, pat, true);
    // The seam where the sleeve is set in, and a band at the cuff (ribbed on a knit).
    if (along < 0.04) light *= 0.9;
    if (along > 0.93) light *= details.includes('rib') ? 0.86 + 0.06 * Math.sin(v * 900) : 0.93;
  } else {
    light = fabricLight(u, v, (u - 0.5) / 0.44 + 0.5, drawing, pat, false);
    if (drawing.stripe && v > 0.42 && v < 0.5) colour = drawing.stripe;
    const neck = Math.abs(u - 0.5) < 0.2 ? necklineAt(pat.neckline, u) : undefined;
    // The collar band along the neckline.
    if (neck !== undefined && v - neck < 0.022) light *= v - neck < 0.006 ? 1.15 : 0.88;
    if (details.includes('rib') && v > pat.hemY - 0.045) light *= 0.88 + 0.06 * Math.sin(u * 900);
    if (details.includes('cables')) light *= cable(u, v);
    if (details.includes('buttons')) light *= placket(u, v, neck);
    if (details.includes('pockets')) light *= pockets(u, v);
  }
  return colour.map((c) => c * light);
}

/** Cable-knit columns either side of the front: twisted ropes drawn as alternating light and shade. */
function cable(u: number, v: number): number {
  for (const centre of [0.39, 0.61]) {
    const d = (u - centre) / 0.035;
    if (Math.abs(d) > 1) continue;
    const twist = Math.sin((v * 28 + Math.sign(d) * 0.5 * Math.abs(d)) * Math.PI);
    return 0.86 + 0.12 * Math.abs(twist) * (1 - Math.abs(d) * 0.5);
  }
  return 1;
}

/** A button placket down the centre front: its edges, and buttons every 0.09 of the height. */
function placket(u: number, v: number, neck: number | undefined): number {
  if (v < (neck ?? 0.17) || Math.abs(u - 0.5) > 0.03) return 1;
  if (Math.abs(Math.abs(u - 0.5) - 0.028) < 0.002) return 0.8;
  const row = (v - 0.2) / 0.09;
  const nearest = Math.round(row);
  if (nearest >= 0 && v < 0.9 && Math.hypot(u - 0.5, (row - nearest) * 0.09) < 0.012) return 0.55;
  return 0.95;
}

/** A field jacket's front: a zip line, flap chest pockets and patch hip pockets (their outlines and stitching). */
function pockets(u: number, v: number): number {
  if (Math.abs(u - 0.5) < 0.004 && v > 0.17) return 0.6;
  const box = (x0: number, x1: number, y0: number, y1: number): number => {
    const x = Math.abs(u - 0.5);
    if (x < x0 - 0.003 || x > x1 + 0.003 || v < y0 - 0.003 || v > y1 + 0.003) return 1;
    const edge = Math.min(Math.abs(x - x0), Math.abs(x - x1), Math.abs(v - y0), Math.abs(v - y1));
    return edge < 0.004 ? 0.72 : 1;
  };
  return box(0.07, 0.19, 0.25, 0.36) * box(0.07, 0.19, 0.25, 0.28) * box(0.05, 0.2, 0.6, 0.8);
}
