/**
 * Push–pull (pyramid) fill of a 3-channel float image: `known` marks the pixels whose colour is given (1) or not (0).
 * Known pixels are averaged down a pyramid until every cell has a value, then pulled back up with bilinear
 * interpolation. Only the pixels listed in `targets` are written at full resolution (their colour comes from the
 * level above): the work is the pyramid plus the targets, not a full-resolution pass.
 */
export function pushPullFill(colour: Float32Array, known: Uint8Array, width: number, height: number, targets: Int32Array, out: Float32Array): void {
  const filled = pushPullFills({ data: colour, row: width, start: 0 }, known.map((v) => (v ? 1 : 0)), 1, width, height, targets);
  if (filled[0]) out.set(filled[0]);
  else out.fill(0, 0, targets.length * 3);
}

/** Three-channel colours read in place: pixel (x, y) of the fill's area is pixel `start + y * row + x` of `data`. */
export interface ColourWindow {
  data: Float32Array | Uint8Array;
  /** Pixels per row of `data`. */
  row: number;
  /** Pixel index in `data` of the area's top-left pixel. */
  start: number;
}

/**
 * {@link pushPullFill} for several fills at once from one pass over a `width`×`height` area: `source[i]` is 1 + the
 * fill pixel `i` is known for (0: none), `count` the number of fills; colours are read in place from `colour`.
 * Returns each fill's colours at the targets (three numbers per target), or undefined for a fill with no known pixel.
 */
export function pushPullFills(colour: ColourWindow, source: Uint8Array, count: number, width: number, height: number, targets: Int32Array): (Float32Array | undefined)[] {
  const px = colour.data;
  // Level 1 (half resolution) of every fill straight from the binary weights of level 0.
  const w = (width + 1) >> 1;
  const h = (height + 1) >> 1;
  const cs: Float32Array[] = [];
  const as: Float32Array[] = [];
  for (let k = 0; k < count; k++) { cs.push(new Float32Array(w * h * 3)); as.push(new Float32Array(w * h)); }
  const seen = new Int32Array(count);
  for (let y = 0; y < height; y++) {
    const row = (y >> 1) * w;
    const from = colour.start + y * colour.row;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const s = source[i]!;
      if (s === 0 || s > count) continue;
      const c = cs[s - 1]!;
      const a = as[s - 1]!;
      seen[s - 1]!++;
      const j = row + (x >> 1);
      a[j]! += 1;
      const o = (from + x) * 3;
      c[j * 3]! += px[o]!;
      c[j * 3 + 1]! += px[o + 1]!;
      c[j * 3 + 2]! += px[o + 2]!;
    }
  }
  return cs.map((c, k) => {
    if (seen[k] === 0) return undefined;
    const out = new Float32Array(targets.length * 3);
    fillFromHalf(c, as[k]!, w, h, width, targets, out);
    return out;
  });
}

/** The pyramid above a half-resolution level (`c`, `a`: summed colours and weights) and the pull down to the targets. */
function fillFromHalf(halfC: Float32Array, halfA: Float32Array, halfW: number, halfH: number, width: number, targets: Int32Array, out: Float32Array): void {
  type Level = { w: number; h: number; c: Float32Array; a: Float32Array };
  const levels: Level[] = [];
  let w = halfW, h = halfH, c = halfC, a = halfA;
  normalise(c, a);
  levels.push({ w, h, c, a });
  while (w > 1 || h > 1) {
    const nw = (w + 1) >> 1;
    const nh = (h + 1) >> 1;
    const nc = new Float32Array(nw * nh * 3);
    const na = new Float32Array(nw * nh);
    pushLevel(c, a, w, h, nc, na, nw);
    normalise(nc, na);
    w = nw; h = nh; c = nc; a = na;
    levels.push({ w, h, c, a });
  }
  // Pull: each level's missing share comes from the (already complete) level above, bilinearly. The half-resolution
  // level is only read around the targets, so only the cells they touch are completed there.
  const half = levels[0]!;
  const needed = new Uint8Array(half.w * half.h);
  for (let t = 0; t < targets.length; t++) {
    const i = targets[t]!;
    const x = i % width;
    const y = (i - x) / width;
    const x0 = Math.floor(Math.min(Math.max((x - 0.5) / 2, 0), half.w - 1));
    const y0 = Math.floor(Math.min(Math.max((y - 0.5) / 2, 0), half.h - 1));
    const x1 = Math.min(x0 + 1, half.w - 1);
    const y1 = Math.min(y0 + 1, half.h - 1);
    needed[y0 * half.w + x0] = 1; needed[y0 * half.w + x1] = 1; needed[y1 * half.w + x0] = 1; needed[y1 * half.w + x1] = 1;
  }
  const up = new Float64Array(3);
  for (let l = levels.length - 2; l >= 0; l--) pullLevel(levels[l]!, levels[l + 1]!, l === 0 ? needed : undefined, up);
  for (let t = 0; t < targets.length; t++) {
    const i = targets[t]!;
    const x = i % width;
    upsampleInto(half, x, (i - x) / width, out, t * 3);
  }
}

/** Weighted sums of a level's cells into the level above (`nc`, `na`; `nw` cells a row). */
function pushLevel(c: Float32Array, a: Float32Array, w: number, h: number, nc: Float32Array, na: Float32Array, nw: number): void {
  for (let y = 0; y < h; y++) {
    const row = (y >> 1) * nw;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const wt = a[i]!;
      if (wt === 0) continue;
      const j = row + (x >> 1);
      na[j]! += wt;
      nc[j * 3]! += c[i * 3]! * wt;
      nc[j * 3 + 1]! += c[i * 3 + 1]! * wt;
      nc[j * 3 + 2]! += c[i * 3 + 2]! * wt;
    }
  }
}

/** Completes `fine` from the complete level above (only the cells marked in `needed`, when given). */
function pullLevel(fine: { w: number; h: number; c: Float32Array; a: Float32Array }, coarse: { w: number; h: number; c: Float32Array }, needed: Uint8Array | undefined, up: Float64Array): void {
  for (let y = 0; y < fine.h; y++) {
    for (let x = 0; x < fine.w; x++) {
      const i = y * fine.w + x;
      const wt = Math.min(1, fine.a[i]!);
      if (wt >= 1 || (needed && !needed[i])) continue;
      upsampleInto(coarse, x, y, up, 0);
      for (let k = 0; k < 3; k++) fine.c[i * 3 + k] = wt * fine.c[i * 3 + k]! + (1 - wt) * up[k]!;
      fine.a[i] = 1;
    }
  }
}

function normalise(c: Float32Array, a: Float32Array): void {
  for (let j = 0; j < a.length; j++) {
    const s = a[j]!;
    if (s > 0) {
      c[j * 3]! /= s; c[j * 3 + 1]! /= s; c[j * 3 + 2]! /= s;
      a[j] = Math.min(1, s);
    }
  }
}

/** Bilinear colour (three channels, into `out` at `o`) of a half-resolution level at the finer pixel (x, y). */
function upsampleInto(level: { w: number; h: number; c: Float32Array }, x: number, y: number, out: Float32Array | Float64Array, o: number): void {
  const fx = Math.min(Math.max((x - 0.5) / 2, 0), level.w - 1);
  const fy = Math.min(Math.max((y - 0.5) / 2, 0), level.h - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, level.w - 1);
  const y1 = Math.min(y0 + 1, level.h - 1);
  const wx = fx - x0;
  const wy = fy - y0;
  const c = level.c;
  const w = level.w;
  const a = (y0 * w + x0) * 3, b = (y0 * w + x1) * 3, d = (y1 * w + x0) * 3, e = (y1 * w + x1) * 3;
  for (let k = 0; k < 3; k++) out[o + k] = (c[a + k]! * (1 - wx) + c[b + k]! * wx) * (1 - wy) + (c[d + k]! * (1 - wx) + c[e + k]! * wx) * wy;
}
