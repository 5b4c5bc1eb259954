#!/usr/bin/env node
/**
 * `npm run bench:augment -- [DIR] [--out SHEET.png] [--colours navy,red,olive]`: every product photo in DIR (default
 * `../shared/data/tryon/cloth`) cut out, recoloured and placed in every setting. Prints one JSON line: per garment and as
 * medians, the colourways' luminance SSIM and shading SSIM (contrast × structure) against the original product (over
 * the matte) and the white fringe on the non-white settings; the lowest shading SSIM and highest fringe; CPU time; the
 * contact sheet path. Progress goes to stderr. Exit 2 on bad input.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { asParleyError, ParleyError } from '../../bot/core/index.js';
import { augmentPrepared, parseColour, prepareProduct, SETTING_STYLES, type Colourway } from '../augment/index.js';
import { lumaSsim, shadingSsim, whiteFringe } from '../augment/quality.js';
import { contactSheet } from '../image/contact-sheet.js';
import { decodeImage, encodeImage } from '../image/codec.js';
import type { RgbImage } from '../image/raster.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const valueAt = new Set(['--out', '--colours'].map((n) => args.indexOf(n)).filter((i) => i >= 0).map((i) => i + 1));
const dir = resolve(args.find((a, i) => !a.startsWith('--') && !valueAt.has(i)) ?? '../shared/data/tryon/cloth');
const sheetPath = resolve(option('--out') ?? join(tmpdir(), `parley-augment-sheet-${process.pid}.png`));

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (v: number): number => Math.round(v * 10000) / 10000;

async function main(): Promise<void> {
  const colours: Colourway[] = (option('--colours') ?? 'navy,red,olive').split(',').map((name) => {
    const colour = parseColour(name);
    if (!colour) throw new ParleyError('bad_request', `--colours: "${name}" is not a colour name or #rrggbb`);
    return colour;
  });
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  } catch (error) {
    throw new ParleyError('bad_request', `DIR: cannot read "${dir}"`, { cause: error });
  }
  if (files.length === 0) throw new ParleyError('bad_request', `DIR: no JPEG or PNG files in "${dir}"`);
  const perGarment: Record<string, { lumaSsim: Record<string, number>; shadingSsim: Record<string, number>; whiteFringe: Record<string, number>; cpuMs: number }> = {};
  const cells: (RgbImage | undefined)[] = [];
  const columns = 1 + colours.length + 5 + 2;
  const start = process.cpuUsage();
  for (const file of files) {
    const photo = await decodeImage(await readFile(join(dir, file)));
    const before = process.cpuUsage();
    const row: RgbImage[] = [photo];
    const figures = { lumaSsim: {} as Record<string, number>, shadingSsim: {} as Record<string, number>, whiteFringe: {} as Record<string, number>, cpuMs: 0 };
    const prepared = prepareProduct(photo, colours);
    const { alpha } = prepared.cutout;
    const original = prepared.colourways.get('original')!;
    for (const [colour, product] of prepared.colourways) {
      if (colour === 'original') continue;
      figures.lumaSsim[colour] = round(lumaSsim(original, product, alpha));
      figures.shadingSsim[colour] = round(shadingSsim(original, product, alpha));
    }
    for (const { setting, colour, view, placement } of augmentPrepared(prepared)) {
      if (view === 'front' && colour === 'original' && !SETTING_STYLES[setting].white) figures.whiteFringe[setting] = round(whiteFringe(placement));
      // The sheet's row: the photo, the colourways in the studio, the original in the other settings, the turned views.
      const shown = view !== 'front' || (colour === 'original' ? setting !== 'studio' : setting === 'studio');
      if (shown) row.push(placement.image);
    }
    perGarment[file] = figures;
    process.stderr.write(`${file}: done\n`);
    cells.push(...row.slice(0, columns), ...new Array<undefined>(Math.max(0, columns - row.length)).fill(undefined));
    figures.cpuMs = Math.round((process.cpuUsage(before).user + process.cpuUsage(before).system) / 1000);
  }
  const sheet = contactSheet(cells, columns, 192, 256);
  await writeFile(sheetPath, await encodeImage(sheet, 'png'));
  const used = process.cpuUsage(start);
  const all = (key: 'lumaSsim' | 'shadingSsim' | 'whiteFringe'): number[] => Object.values(perGarment).flatMap((g) => Object.values(g[key]));
  process.stdout.write(`${JSON.stringify({
    garments: files.length,
    colours: colours.map((c) => c.name),
    medianLumaSsim: round(median(all('lumaSsim'))),
    medianShadingSsim: round(median(all('shadingSsim'))),
    minShadingSsim: round(Math.min(...all('shadingSsim'))),
    medianWhiteFringe: round(median(all('whiteFringe'))),
    maxWhiteFringe: round(Math.max(...all('whiteFringe'))),
    cpuMs: Math.round((used.user + used.system) / 1000),
    perGarment,
    contactSheet: sheetPath,
  })}\n`);
}

try {
  await main();
} catch (error) {
  const err = asParleyError(error);
  process.stderr.write(`bench:augment: ${err.message}\n`);
  process.stdout.write(`${JSON.stringify(err.toJSON())}\n`);
  process.exit(err.isClientError ? 2 : 1);
}
