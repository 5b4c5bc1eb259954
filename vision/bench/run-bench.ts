import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ParleyError } from '../../bot/core/index.js';
import { TryOnInputError } from '../errors.js';
import { contactSheet } from '../image/contact-sheet.js';
import { decodeImage, encodeImage } from '../image/codec.js';
import type { RgbImage } from '../image/raster.js';
import type { BackendChoice } from '../runtime/backend.js';
import { TryOnEngine, type StageTimings } from '../pipeline.js';

/** What `npm run bench:tryon -- DIR` prints (medians over all person × garment pairs that were tried on). */
export interface TryOnBenchResult {
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
  /** Median share of the torso in the product's colours (the pipeline's own IoU figure is `medianPipelineCoverage`). */
  medianCoverage: number;
  medianPipelineCoverage: number;
  /** Per product photo (file name): the median of each shopper's-eye figure over the people. */
  perGarment: Record<string, Record<string, number>>;
  contactSheet: string;
}

/** The per-pair figures the bench takes medians of. */
const FIGURES = ['coverage', 'colorDeltaE', 'preservedSsim', 'garmentDeltaE', 'oldGarmentResidue', 'showThrough', 'lowerBodySsim', 'headSsim', 'torsoCoverage'] as const;
type FigureName = (typeof FIGURES)[number];

/** The q-quantile by the nearest-rank method; for q = 0.5 the usual median (mean of the two middle values when even). */
function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  if (q === 0.5 && s.length % 2 === 0) return (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Runs every `DIR/human/*` × `DIR/cloth/*` pair through the try-on (one warm engine, pairs one after another) and writes a
 * contact sheet (one row per person: the photo, then each result) to `sheetPath`. Timing is the engine's own `ms`,
 * with the garment cache emptied before each pair, so every pair is timed from both files. With `options.each`, every
 * result is also written full size as `each/PERSON_GARMENT.png` (file names without extensions), after it is timed.
 */
export async function runTryOnBench(dir: string, sheetPath: string, options: { backend?: BackendChoice; each?: string; progress?: (line: string) => void } = {}): Promise<TryOnBenchResult> {
  const list = async (sub: string): Promise<string[]> => {
    try {
      return (await readdir(join(dir, sub))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => join(dir, sub, f));
    } catch (error) {
      throw new ParleyError('bad_request', `${join(dir, sub)} cannot be read (the directory needs human/ and cloth/)`, { cause: error });
    }
  };
  const people = await list('human');
  const garments = await list('cloth');
  if (people.length === 0 || garments.length === 0) throw new ParleyError('bad_request', `${dir} has no images in human/ or cloth/`);
  const engine = await TryOnEngine.create({ backend: options.backend });
  const ms: number[] = [];
  const figures: Record<FigureName, number[]> = { coverage: [], colorDeltaE: [], preservedSsim: [], garmentDeltaE: [], oldGarmentResidue: [], showThrough: [], lowerBodySsim: [], headSsim: [], torsoCoverage: [] };
  const perGarment: Record<string, Record<FigureName, number[]>> = {};
  const stages: StageTimings[] = [];
  const rejected: Record<string, number> = {};
  const cells: (RgbImage | undefined)[] = [];
  const garmentBytes = await Promise.all(garments.map((g) => readFile(g)));
  if (options.each) await mkdir(options.each, { recursive: true });
  const stem = (file: string): string => basename(file, extname(file));
  for (const person of people) {
    const personBytes = await readFile(person);
    cells.push(await decodeImage(personBytes));
    for (const [i, garment] of garmentBytes.entries()) {
      try {
        // Every pair from the files: no garment prepared by an earlier pair is reused.
        engine.forgetGarments();
        const result = await engine.run({ person: personBytes, garment, withMetrics: true });
        ms.push(result.ms);
        stages.push(result.stages);
        const name = basename(garments[i]!);
        perGarment[name] ??= { coverage: [], colorDeltaE: [], preservedSsim: [], garmentDeltaE: [], oldGarmentResidue: [], showThrough: [], lowerBodySsim: [], headSsim: [], torsoCoverage: [] };
        for (const key of FIGURES) {
          figures[key].push(result.metrics![key]);
          perGarment[name][key].push(result.metrics![key]);
        }
        const decoded = await decodeImage(result.image);
        cells.push(decoded);
        if (options.each) await writeFile(join(options.each, `${stem(person)}_${stem(name)}.png`), await encodeImage(decoded, 'png'));
        const m = result.metrics!;
        options.progress?.(`${basename(person)} × ${name}: ${result.ms} ms, ΔE ${m.garmentDeltaE.toFixed(2)}, residue ${m.oldGarmentResidue.toFixed(3)}, show-through ${m.showThrough.toFixed(3)}, lower SSIM ${m.lowerBodySsim.toFixed(3)}, head SSIM ${m.headSsim.toFixed(3)}, coverage ${m.torsoCoverage.toFixed(3)}`);
      } catch (error) {
        if (!(error instanceof TryOnInputError)) throw error;
        rejected[error.reason] = (rejected[error.reason] ?? 0) + 1;
        cells.push(undefined);
        options.progress?.(`${person} × ${garments[i]}: refused (${error.reason})`);
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
    medianPipelineCoverage: round(quantile(figures.coverage, 0.5), 4),
    perGarment: Object.fromEntries(Object.entries(perGarment).map(([name, values]) => [name, Object.fromEntries(FIGURES.map((key) => [key, round(quantile(values[key], 0.5), 4)]))])),
    contactSheet: sheetPath,
  };
}
