import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileModelHandler, modelsDir } from './models.js';

describe('the shipped graph models', () => {
  it('are the files listed in vision/models/SHA256SUMS, byte for byte', async () => {
    const lines = (await readFile(join(modelsDir(), 'SHA256SUMS'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[1]).sort()).toEqual(['movenet-multipose.bin', 'movenet-multipose.json', 'selfie.bin', 'selfie.json']);
    for (const line of lines) {
      const [sum, file] = line.split(/\s+/) as [string, string];
      expect(`${file} ${createHash('sha256').update(await readFile(join(modelsDir(), file))).digest('hex')}`).toBe(`${file} ${sum}`);
    }
  });

  it.each(['movenet-multipose', 'selfie'])('%s loads from the folder: topology, and weight data of the size its manifest declares', async (name) => {
    const artifacts = await fileModelHandler(modelsDir(), name).load!();
    expect(artifacts.format).toBe('graph-model');
    expect(artifacts.modelTopology).toBeDefined();
    const bytesPerValue: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
    const expected = artifacts.weightSpecs!.reduce((total, spec) => {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      return total + (spec.quantization ? count * (spec.quantization.dtype === 'uint8' ? 1 : 2) : count * bytesPerValue[spec.dtype]!);
    }, 0);
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(expected);
  });

  it('names the missing file when a model is not in the folder', async () => {
    await expect(fileModelHandler(modelsDir(), 'no-such-model').load!()).rejects.toThrow(/no-such-model\.json is missing or unreadable/);
  });
});
