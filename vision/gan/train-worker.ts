import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../runtime/backend.js';
import { computeGradients, type GradientRequest } from './gradients.js';

// A GAN training worker: answers each gradient request (see pool.ts) with the shard's loss and gradients, on
// tfjs-node-gpu when installed, else the chosen backend (WASM or CPU; the convolutions' filter gradients are forward
// convolutions, see conv.ts, so WASM's missing Conv2DBackpropFilter kernel is never needed).
const port = parentPort!;
const { backend } = workerData as { backend: 'wasm' | 'cpu' };
const active = await initBackend(backend === 'cpu' ? 'cpu' : 'auto');
port.postMessage({ ready: true, backend: active });
port.on('message', (request: GradientRequest) => {
  try {
    const result = computeGradients(request);
    port.postMessage({ ok: true, result }, Object.values(result.grads).map((g) => g.buffer as ArrayBuffer));
  } catch (error) {
    port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
