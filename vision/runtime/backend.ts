import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ParleyError } from '../../bot/core/index.js';

/** Which tensor backend to run on: `auto` = tfjs-node-gpu when installed, else WASM. */
export type BackendChoice = 'auto' | 'wasm' | 'tensorflow' | 'cpu';
/** The backend actually running (`tensorflow` is tfjs-node-gpu's native CUDA backend). */
export type BackendName = 'wasm' | 'tensorflow' | 'cpu';

const require = createRequire(import.meta.url);
/** The optional native package; never a static dependency, only loaded when installed. */
const NODE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';

let active: Promise<BackendName> | undefined;

/**
 * Initialises TensorFlow.js once per thread with the chosen backend (default `auto`). The WASM binaries are read from
 * `node_modules/@tensorflow/tfjs-backend-wasm/dist`; nothing is fetched. `tensorflow` fails with `unsupported` when
 * `@tensorflow/tfjs-node-gpu` is not installed.
 */
export function initBackend(choice: BackendChoice = 'auto'): Promise<BackendName> {
  active ??= select(choice);
  return active;
}

async function select(choice: BackendChoice): Promise<BackendName> {
  if (choice === 'tensorflow' || choice === 'auto') {
    const loaded = await loadNodeGpu();
    if (loaded && (await tf.setBackend('tensorflow'))) return 'tensorflow';
    if (choice === 'tensorflow') {
      throw new ParleyError('unsupported', `PARLEY_VISION_BACKEND=tensorflow needs ${NODE_GPU_PACKAGE} installed (npm install ${NODE_GPU_PACKAGE}).`);
    }
  }
  if (choice === 'cpu') {
    await tf.setBackend('cpu');
    return 'cpu';
  }
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  if (!(await tf.setBackend('wasm'))) throw new ParleyError('internal', 'The TensorFlow.js WASM backend failed to start.');
  await tf.ready();
  return 'wasm';
}

/** Loads `@tensorflow/tfjs-node-gpu` (registering its `tensorflow` backend) when installed; false when it is not. */
export async function loadNodeGpu(): Promise<boolean> {
  try {
    require.resolve(NODE_GPU_PACKAGE);
  } catch {
    return false;
  }
  // A variable specifier keeps bundlers and the type checker from treating it as a dependency.
  const specifier: string = NODE_GPU_PACKAGE;
  await import(specifier);
  return true;
}
