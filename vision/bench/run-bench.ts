import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ParleyError } from '../../bot/core/index.js';
import { TryOnInputError } from '../errors.js';
import { contactSheet } from '../image/contact-sheet.js';
import { decodeImage, encodeImage } from '../image/codec.js';
import type { RgbImage } from '../image/raster.js';
import type { BackendChoice } from '../runtime/backend.js';
import { TryOnEngine, type StageTimings } from '../pipeline.js';
import { sampleCatalogue } from '../catalogue/sample-catalogue.js';

/** The figures of one set of garments on every person (medians over all person × garment pairs that were tried on). */
export interface TryOnBenchFigures {
  pairs: number;
  /** Pairs refused with a coded reason (e.g. `no_torso`), counted per reason. */
  rejected: Record<string, number>;
  backend: string;
  loadMs: number;
  medianMs: number;
  p95Ms: number;
  medianStagesMs: StageTimings;
  medianColorDeltaE: number;
  medianPreservedSsim: number;
  /** Medians of the shopper's-eye figures (see `ShopperMetrics`): measured against an independent parse of each photo. */
  medianGarmentDeltaE: number;
  medianOldGarmentResidue: number;
  medianShowThrough: number;
  medianLowerBodySsim: number;
  medianHeadSsim: number;
  /**
   * The look's failures in single pairs (see `LookMetrics`), as the median and the worst pair (the largest, or for
   * `repaintedSkinSpread` the smallest: the flattest repaint) — one pair's collar left on is a failure a median hides.
   */
  medianLargestResiduePatch: number;
  worstLargestResiduePatch: number;
  medianGarmentBeyondBody: number;
  worstGarmentBeyondBody: number;
  medianSleeveGap: number;
  worstSleeveGap: number;
  medianRepaintedSkinSpread: number;
  worstRepaintedSkinSpread: number;
  /** Median share of the torso in the product's colours (the pipeline's own IoU figure is `medianPipelineCoverage`). */
  medianCoverage: number;
  medianPipelineCoverage: number;
  /** Per product photo (file name, or catalogue product id): the median of each shopper's-eye figure over the people. */
  perGarment: Record<string, Record<string, number>>;
  contactSheet: string;
}

/**
 * What `npm run bench:tryon -- DIR` prints: the figures of the dataset's product photos and, with `--catalogue`, the same
 * figures for the bundled sample catalogue's garments (what the demo store's shoppers try on), kept apart.
 */
export interface TryOnBenchResult extends TryOnBenchFigures {
  catalogue?: TryOnBenchFigures;
}

/** The per-pair figures the bench takes medians of. */
const FIGURES = ['coverage', 'colorDeltaE', 'preservedSsim', 'garmentDeltaE', 'oldGarmentResidue', 'showThrough', 'lowerBodySsim', 'headSsim', 'torsoCoverage', 'largestResiduePatch', 'garmentBeyondBody', 'sleeveGap', 'repaintedSkinSpread'] as const;
type FigureName = (typeof FIGURES)[number];

/** One empty list per figure. */
function emptyFigures(): Record<FigureName, number[]> {
  return Object.fromEntries(FIGURES.map((key) => [key, []])) as unknown as Record<FigureName, number[]>;
}

/**
 * The q-quantile by the nearest-rank method; for q = 0.5 the usual median (mean of the two middle values when even).
 * Values that are not numbers (a figure a pair has nothing to judge by, e.g. no repainted skin) are left out.
 */
function quantile(all: number[], q: number): number {
  const values = all.filter((v) => Number.isFinite(v));
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  if (q === 0.5 && s.length % 2 === 0) return (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** One product photo to try on: its name in the report (a file name, or a catalogue product's id) and its bytes. */
export interface BenchGarment {
  name: string;
  bytes: Uint8Array;
}

/** Options of {@link runTryOnBench}. */
export interface TryOnBenchOptions {
  /** Tensor backend; default `wasm` as chosen by the caller. */
  backend?: BackendChoice;
  /** Folder every result is also written to full size (`PERSON_GARMENT.png`), outside the timed part. */
  each?: string;
  progress?: (line: string) => void;
  /**
   * Also run every person with the bundled sample catalogue's garments (the ones the demo store's shoppers try on),
   * reported apart as `catalogue` with the same independent figures, and its contact sheet written beside `sheetPath`
   * (`NAME-catalogue.png`). Default false.
   */
  catalogue?: boolean;
}

/** Lists `dir/sub`'s JPEG and PNG files, sorted. */
async function listImages(dir: string, sub: string): Promise<string[]> {
  try {
    return (await readdir(join(dir, sub))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => join(dir, sub, f));
  } catch (error) {
    throw new ParleyError('bad_request', `${join(dir, sub)} cannot be read (the directory needs human/ and cloth/)`, { cause: error });
  }
}

/**
 * Runs every `DIR/human/*` × `DIR/cloth/*` pair through the try-on (one warm engine, pairs one after another) and writes a
 * contact sheet (one row per person: the photo, then each result) to `sheetPath`. Timing is the engine's own `ms`,
 * with the garment cache emptied before each pair, so every pair is timed from both files. With `options.each`, every
 * result is also written full size as `each/PERSON_GARMENT.png` (file names without extensions), after it is timed.
 * With `options.catalogue`, the same people are also run with the bundled sample catalogue's drawn garments, and those
 * figures are reported apart under `catalogue` (the top-level figures stay those of the dataset's product photos).
 */
export async function runTryOnBench(dir: string, sheetPath: string, options: TryOnBenchOptions = {}): Promise<TryOnBenchResult> {
  const people = await listImages(dir, 'human');
  const garmentFiles = await listImages(dir, 'cloth');
  if (people.length === 0 || garmentFiles.length === 0) throw new ParleyError('bad_request', `${dir} has no images in human/ or cloth/`);
  const engine = await TryOnEngine.create({ backend: options.backend });
  if (options.each) await mkdir(options.each, { recursive: true });
  const garments = await Promise.all(garmentFiles.map(async (file) => ({ name: basename(file), bytes: new Uint8Array(await readFile(file)) })));
  const result = await benchSet(engine, people, garments, sheetPath, options);
  if (!options.catalogue) return result;
  const products = await sampleCatalogue();
  const catalogueSheet = sheetPath.replace(/(\.png)?$/i, '-catalogue.png');
  const catalogue = await benchSet(engine, people, products.map((p) => ({ name: p.id, bytes: p.image })), catalogueSheet, options);
  return { ...result, catalogue };
}

/** One set of garments on every person: the figures of {@link TryOnBenchResult} (without `catalogue`). */
async function benchSet(engine: TryOnEngine, people: string[], garments: BenchGarment[], sheetPath: string, options: TryOnBenchOptions): Promise<TryOnBenchFigures> {
  const ms: number[] = [];
  const figures = emptyFigures();
  const perGarment: Record<string, Record<FigureName, number[]>> = {};
  const stages: StageTimings[] = [];
  const rejected: Record<string, number> = {};
  const cells: (RgbImage | undefined)[] = [];
  const stem = (file: string): string => basename(file, extname(file));
  for (const person of people) {
    const personBytes = await readFile(person);
    cells.push(await decodeImage(personBytes));
    for (const { name, bytes: garment } of garments) {
      try {
        // Every pair from the files: no garment prepared by an earlier pair is reused.
        engine.forgetGarments();
        const result = await engine.run({ person: personBytes, garment, withMetrics: true });
        ms.push(result.ms);
        stages.push(result.stages);
        perGarment[name] ??= emptyFigures();
        for (const key of FIGURES) {
          figures[key].push(result.metrics![key]);
          perGarment[name][key].push(result.metrics![key]);
        }
        const decoded = await decodeImage(result.image);
        cells.push(decoded);
        if (options.each) await writeFile(join(options.each, `${stem(person)}_${stem(name)}.png`), await encodeImage(decoded, 'png'));
        const m = result.metrics!;
        options.progress?.(`${basename(person)} × ${name}: ${result.ms} ms, ΔE ${m.garmentDeltaE.toFixed(2)}, residue ${m.oldGarmentResidue.toFixed(3)}, show-through ${m.showThrough.toFixed(3)}, lower SSIM ${m.lowerBodySsim.toFixed(3)}, head SSIM ${m.headSsim.toFixed(3)}, coverage ${m.torsoCoverage.toFixed(3)}, residue patch ${m.largestResiduePatch.toFixed(4)}, beyond body ${m.garmentBeyondBody.toFixed(4)}, sleeve gap ${m.sleeveGap.toFixed(3)}, repaint spread ${m.repaintedSkinSpread.toFixed(2)}`);
      } catch (error) {
        if (!(error instanceof TryOnInputError)) throw error;
        rejected[error.reason] = (rejected[error.reason] ?? 0) + 1;
        cells.push(undefined);
        options.progress?.(`${person} × ${name}: refused (${error.reason})`);
      }
    }
  }
  await writeFile(sheetPath, await encodeImage(contactSheet(cells, garments.length + 1, 192, 256), 'png'));
  const stageMedian = (key: keyof StageTimings): number => round(quantile(stages.map((s) => s[key]), 0.5), 1);
  return {
    pairs: ms.length,
    rejected,
    backend: engine.backend,
    loadMs: round(engine.loadMs, 0),
    medianMs: round(quantile(ms, 0.5), 1),
    p95Ms: round(quantile(ms, 0.95), 1),
    medianStagesMs: { decode: stageMedian('decode'), perception: stageMedian('perception'), garment: stageMedian('garment'), fit: stageMedian('fit'), composite: stageMedian('composite'), encode: stageMedian('encode') },
    medianColorDeltaE: round(quantile(figures.colorDeltaE, 0.5), 3),
    medianPreservedSsim: round(quantile(figures.preservedSsim, 0.5), 4),
    medianGarmentDeltaE: round(quantile(figures.garmentDeltaE, 0.5), 3),
    medianOldGarmentResidue: round(quantile(figures.oldGarmentResidue, 0.5), 4),
    medianShowThrough: round(quantile(figures.showThrough, 0.5), 4),
    medianLowerBodySsim: round(quantile(figures.lowerBodySsim, 0.5), 4),
    medianHeadSsim: round(quantile(figures.headSsim, 0.5), 4),
    medianCoverage: round(quantile(figures.torsoCoverage, 0.5), 4),
    medianLargestResiduePatch: round(quantile(figures.largestResiduePatch, 0.5), 4),
    worstLargestResiduePatch: round(quantile(figures.largestResiduePatch, 1), 4),
    medianGarmentBeyondBody: round(quantile(figures.garmentBeyondBody, 0.5), 4),
    worstGarmentBeyondBody: round(quantile(figures.garmentBeyondBody, 1), 4),
    medianSleeveGap: round(quantile(figures.sleeveGap, 0.5), 4),
    worstSleeveGap: round(quantile(figures.sleeveGap, 1), 4),
    medianRepaintedSkinSpread: round(quantile(figures.repaintedSkinSpread, 0.5), 4),
    worstRepaintedSkinSpread: round(quantile(figures.repaintedSkinSpread, 0), 4),
    medianPipelineCoverage: round(quantile(figures.coverage, 0.5), 4),
    perGarment: Object.fromEntries(Object.entries(perGarment).map(([name, values]) => [name, Object.fromEntries(FIGURES.map((key) => [key, round(quantile(values[key], 0.5), 4)]))])),
    contactSheet: sheetPath,
  };
}
