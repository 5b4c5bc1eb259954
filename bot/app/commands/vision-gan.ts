import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createProgress, type Progress } from '../../../knowledge/index.js';
import { ParleyError } from '../../core/index.js';
import { loadConfig } from '../../config/index.js';
import { wholeNumberOption, type CliIo } from './io.js';

/** The GAN (and TensorFlow.js with it) is loaded by the commands that use it, not by every CLI start. */
const gan = () => import('../../../vision/gan/index.js');

/** The `vision` command group (shared with other vision commands: found or created). */
function visionGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'vision') ?? program.command('vision').description('product images: generated images and listing images');
}

/**
 * `parley vision train-gan --data DIR --out MODEL [--epochs N] [--resume] [--workers N] [--backend wasm|cpu] [--json]`
 * and `parley vision generate --model MODEL --category C --count N --out DIR [--seed S] [--scale K] [--json]`.
 */
export function registerGanCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const vision = visionGroup(program);
  vision
    .command('train-gan')
    .description('train a conditional GAN on categorised product images (IDX files, or one subfolder per category); checkpoint and sample grid each epoch, then judged on held-out images')
    .requiredOption('--data <dir>', 'image folder: *images-idx3-ubyte + *labels-idx1-ubyte (+ *labels.csv names), or subfolders per category of PNG/JPEG/WebP')
    .option('--out <dir>', 'model folder (model.json, weights.bin, samples/epoch-NNN.png); default PARLEY_GAN_MODEL')
    .option('--epochs <n>', 'epochs in total (with --resume, including those already done)', '30')
    .option('--resume', 'continue the model in --out from its last checkpoint')
    .option('--workers <n>', 'gradient worker threads (0 = in the main thread); default PARLEY_GAN_WORKERS')
    .option('--backend <name>', 'training backend: wasm or cpu (tfjs-node-gpu is used when installed)', 'wasm')
    .option('--batch <n>', 'batch size', '32')
    .option('--size <px>', 'image side for folder images (multiple of 4)', '32')
    .option('--json', 'print JSON')
    .action(async (options: { data: string; out?: string; epochs: string; resume?: boolean; workers?: string; backend: string; batch: string; size: string; json?: boolean }) => {
      const config = loadConfig(env);
      const out = options.out ?? config.ganModel;
      if (!out) throw new ParleyError('bad_request', '--out: no model folder given (or set PARLEY_GAN_MODEL)');
      if (options.backend !== 'wasm' && options.backend !== 'cpu') throw new ParleyError('bad_request', `--backend: "${options.backend}" is not one of wasm, cpu`);
      const epochs = wholeNumberOption('--epochs', options.epochs, 1, 10_000);
      const workers = options.workers === undefined ? config.ganWorkers : wholeNumberOption('--workers', options.workers, 0, 16);
      const batchSize = wholeNumberOption('--batch', options.batch, 2, 1024);
      const size = wholeNumberOption('--size', options.size, 8, 128);
      const stream = process.stderr;
      const cpuBefore = process.cpuUsage();
      let progress: Progress | undefined;
      const { trainGan } = await gan();
      const result = await trainGan({
        data: options.data,
        out,
        epochs,
        resume: options.resume === true,
        workers,
        backend: options.backend,
        batchSize,
        size,
        onBatch: (done, total) => {
          progress ??= createProgress({ total: total * epochs, label: 'training GAN (batches)', stream, enabled: stream.isTTY === true });
          progress.tick();
        },
        onEpoch: (epoch, losses, samples) => {
          if (epoch >= epochs) progress?.done();
          if (!options.json) io.err(`epoch ${epoch}/${epochs}: D loss ${losses.dLoss.toFixed(3)}, G loss ${losses.gLoss.toFixed(3)}, samples ${samples}`);
        },
      });
      progress?.done();
      const e = result.evaluation;
      const cpu = process.cpuUsage(cpuBefore);
      const summary = {
        ms: result.ms,
        epochs: result.epochs,
        classifierAccuracy: e?.classifierAccuracy,
        fid: e?.fid,
        fidBlurredBaseline: e?.fidBlurredBaseline,
        fidRealTrain: e?.fidRealTrain,
        realAccuracy: e?.realAccuracy,
        trainMs: result.trainMs,
        // All threads' CPU time, and the machine's load: wall times on a shared machine need both to be read.
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        load1m: Math.round(loadavg()[0]! * 10) / 10,
        epochsThisRun: result.epochsThisRun,
        backend: result.backend,
        workers: result.workers,
        trainImages: result.trainImages,
        heldOutImages: result.heldOutImages,
        out: result.out,
        samples: result.samples,
      };
      io.out(
        options.json
          ? JSON.stringify(summary)
          : `trained ${result.epochs} epochs in ${Math.round(result.ms / 1000)} s on ${result.backend} (${workers} workers): classifier accuracy ${e?.classifierAccuracy} (real held-out ${e?.realAccuracy}), FID ${e?.fid} (blurred real ${e?.fidBlurredBaseline}, real ${e?.fidRealTrain}); samples ${result.samples}`,
      );
    });

  vision
    .command('generate')
    .description('generate new images of a category with a model trained by train-gan (PNG files)')
    .option('--model <dir>', 'model folder written by train-gan; default PARLEY_GAN_MODEL')
    .requiredOption('--category <name>', "a category of the model (its folder name or class name; or its index)")
    .option('--count <n>', 'how many images', '8')
    .requiredOption('--out <dir>', 'folder to write <category>-<n>.png into (created if missing)')
    .option('--seed <n>', 'seed of the latent vectors (same seed, same images)')
    .option('--scale <k>', 'upscale the images k times (nearest neighbour)', '1')
    .option('--json', 'print JSON')
    .action(async (options: { model?: string; category: string; count: string; out: string; seed?: string; scale: string; json?: boolean }) => {
      const dir = options.model ?? loadConfig(env).ganModel;
      if (!dir) throw new ParleyError('bad_request', '--model: no model folder given (or set PARLEY_GAN_MODEL)');
      const count = wholeNumberOption('--count', options.count, 1, 1000);
      const scale = wholeNumberOption('--scale', options.scale, 1, 16);
      const seed = options.seed === undefined ? undefined : wholeNumberOption('--seed', options.seed, 0, 2 ** 31 - 1);
      const { generateProductImages, loadGanModel } = await gan();
      const model = await loadGanModel(dir);
      const category = model.spec.categories.includes(options.category) || !/^\d+$/.test(options.category) ? options.category : Number(options.category);
      const started = performance.now();
      const images = await generateProductImages(model, category, count, { seed, scale });
      const name = (typeof category === 'number' ? model.spec.categories[category]! : category).replace(/[^\w.-]+/g, '_');
      try {
        await mkdir(options.out, { recursive: true });
      } catch (error) {
        throw new ParleyError('bad_request', `--out: cannot create the folder "${options.out}"`, { cause: error });
      }
      const files = images.map((_, i) => join(options.out, `${name}-${String(i + 1).padStart(3, '0')}.png`));
      await Promise.all(images.map((png, i) => writeFile(files[i]!, png)));
      const ms = Math.round(performance.now() - started);
      io.out(options.json ? JSON.stringify({ ms, count, category: name, files }) : `wrote ${count} images of ${name} to ${options.out} in ${ms} ms`);
    });
}
