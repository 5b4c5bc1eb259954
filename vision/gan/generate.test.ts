import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { initBackend, loadNodeGpu } from '../runtime/backend.js';
import { generateProductImages, loadGanModel } from './generate.js';
import { trainGan } from './train.js';

/** Two categories of 8×8 PNGs: dark squares and light squares. */
async function writeFolderSet(dir: string): Promise<void> {
  for (const [category, value] of [['dark', 30], ['light', 220]] as const) {
    await mkdir(join(dir, category), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: value + i, g: value, b: value } } }).png().toBuffer();
      await writeFile(join(dir, category, `${i}.png`), png);
    }
  }
}

describe('GAN training and generation from a folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-gan-gen-'));
    await writeFolderSet(join(dir, 'data'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('falls back to WASM when @tensorflow/tfjs-node-gpu is not installed', async () => {
    expect(await loadNodeGpu()).toBe(false);
    expect(await initBackend('auto')).toBe('wasm');
  });

  it('trains an epoch in this thread, writes a checkpoint and a sample grid, refuses to overwrite without --resume, and resumes', async () => {
    const out = join(dir, 'model');
    const options = { data: join(dir, 'data'), out, epochs: 1, workers: 0, size: 8, batchSize: 4, evaluate: false, spec: { gWidth: 8, dWidth: 4, zDim: 4 } };
    const first = await trainGan(options);
    expect(first).toMatchObject({ epochs: 1, epochsThisRun: 1, trainImages: 6, heldOutImages: 2 });
    expect(await readdir(join(out, 'samples'))).toEqual(['epoch-001.png']);
    const grid = await sharp(join(out, 'samples', 'epoch-001.png')).metadata();
    expect(grid.height).toBeGreaterThan(2 * 8 * 3);
    await expect(trainGan(options)).rejects.toThrow(/--out: .* already holds a model/);
    const resumed = await trainGan({ ...options, epochs: 2, resume: true });
    expect(resumed).toMatchObject({ epochs: 2, epochsThisRun: 1 });

    const model = await loadGanModel(out);
    expect(model.spec.categories).toEqual(['dark', 'light']);
    const images = await generateProductImages(model, 'light', 3, { seed: 1, scale: 2 });
    expect(images).toHaveLength(3);
    for (const png of images) {
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(await sharp(png).metadata()).toMatchObject({ width: 16, height: 16, channels: 3 });
    }
    expect(await generateProductImages(model, 1, 2, { seed: 5 })).toEqual(await generateProductImages(model, 'light', 2, { seed: 5 }));
    await expect(generateProductImages(model, 'purple', 1)).rejects.toThrow(/--category: "purple" is not one of the model's categories \(dark, light\)/);
    await expect(generateProductImages(model, 'dark', 0)).rejects.toThrow(/--count/);
  }, 120_000);

  it('names --data when the folder has no categories', async () => {
    await mkdir(join(dir, 'empty'), { recursive: true });
    await expect(trainGan({ data: join(dir, 'empty'), out: join(dir, 'm2'), epochs: 1, workers: 0 })).rejects.toThrow(/--data: .* at least two category subfolders/);
    await expect(trainGan({ data: join(dir, 'nope'), out: join(dir, 'm2'), epochs: 1, workers: 0 })).rejects.toThrow(/--data: cannot read the folder/);
  });
});
