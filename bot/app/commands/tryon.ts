import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ParleyError } from '../../core/index.js';
import { loadConfig } from '../../config/index.js';
import { formatForPath, readCatalogueFile, TryOnEngine, type BackendChoice } from '../../../vision/index.js';
import { createParley } from '../parley.js';
import type { CliIo } from './io.js';

const BACKENDS: BackendChoice[] = ['auto', 'wasm', 'tensorflow', 'cpu'];

async function readInput(flag: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ParleyError('bad_request', `${flag}: cannot read "${path}"`, { cause: error });
  }
}

/**
 * `parley tryon --person P --garment G --out O [--backend B] [--json]`: one virtual try-on; prints
 * `{"ms" (warm: second run), "firstMs", "loadMs", "backend", "poseScore", "coverage", "colorDeltaE", "preservedSsim", "stages", "width", "height", "out"}`.
 * A refused photo exits 2 with `{"error": {"code": "no_person"|"several_people"|"no_torso"|"back_view"|"not_an_image"|"too_large"|"too_small"|"no_garment", "message"}}`.
 */
export function registerTryonCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  program
    .command('tryon')
    .description('virtual try-on: put the garment of a product photo on the person of a photo (JPEG/PNG), write the result')
    .requiredOption('--person <file>', "the shopper's photo (JPEG or PNG, facing the camera, upper body visible)")
    .requiredOption('--garment <file>', 'the product photo of an upper-body garment on a plain light background')
    .requiredOption('--out <file>', 'where to write the result (.png for PNG, otherwise JPEG), at the photo resolution')
    .option('--backend <name>', `tensor backend: ${BACKENDS.join(', ')} (default PARLEY_VISION_BACKEND, else auto)`)
    .option('--json', 'print JSON')
    .action(async (options: { person: string; garment: string; out: string; backend?: string; json?: boolean }) => {
      if (options.backend !== undefined && !BACKENDS.includes(options.backend as BackendChoice)) {
        throw new ParleyError('bad_request', `--backend: "${options.backend}" is not one of ${BACKENDS.join(', ')}`);
      }
      const backend = (options.backend as BackendChoice | undefined) ?? loadConfig(env).visionBackend;
      const person = await readInput('--person', options.person);
      const garment = await readInput('--garment', options.garment);
      const engine = await TryOnEngine.create({ backend });
      // The contract's `ms` is a warm figure: a first run on the same inputs warms the kernels and the JIT (its time
      // is reported as `firstMs`); a refused photo stops there.
      const first = await engine.run({ person, garment, format: formatForPath(options.out) });
      engine.forgetGarments();
      const result = await engine.run({ person, garment, format: formatForPath(options.out), withMetrics: true });
      try {
        await writeFile(options.out, result.image);
      } catch (error) {
        throw new ParleyError('bad_request', `--out: cannot write "${options.out}"`, { cause: error });
      }
      const summary = {
        ms: result.ms,
        firstMs: first.ms,
        loadMs: Math.round(engine.loadMs),
        backend: result.backend,
        poseScore: result.poseScore,
        coverage: result.metrics!.coverage,
        colorDeltaE: result.metrics!.colorDeltaE,
        preservedSsim: result.metrics!.preservedSsim,
        stages: result.stages,
        width: result.width,
        height: result.height,
        out: options.out,
      };
      io.out(options.json ? JSON.stringify(summary) : `wrote ${options.out} (${result.width}×${result.height}) in ${result.ms} ms on ${result.backend}: coverage ${summary.coverage.toFixed(3)}, ΔE ${summary.colorDeltaE.toFixed(2)}, preserved SSIM ${summary.preservedSsim.toFixed(4)}`);
    });

  const catalogue = program.command('catalogue').description('the product catalogue shoppers can try on');
  catalogue
    .command('import <file>')
    .description('add or replace products from a JSON array or JSON Lines file of {"id", "name", "description"?, "price"?, "image"} (image: path of a JPEG/PNG product photo, relative to the file)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const products = await readCatalogueFile(file);
      const parley = await createParley(loadConfig(env, { sampleData: false }));
      try {
        const imported = await parley.store.tryon.upsertProducts(products);
        const total = await parley.store.tryon.countProducts();
        const result = { imported, total, ids: products.map((p) => p.id) };
        io.out(options.json ? JSON.stringify(result) : `imported ${imported} products (${total} in the catalogue)`);
      } finally {
        await parley.close();
      }
    });
  catalogue
    .command('list')
    .description('list the catalogue products')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const parley = await createParley(loadConfig(env));
      try {
        const products = await parley.store.tryon.listProducts();
        io.out(options.json ? JSON.stringify({ products }) : products.map((p) => `${p.id}  ${p.name}  ${p.price}`).join('\n'));
      } finally {
        await parley.close();
      }
    });
}
