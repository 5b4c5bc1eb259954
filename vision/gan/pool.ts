import { Worker } from 'node:worker_threads';
import { ParleyError } from '../../bot/core/index.js';
import { computeGradients, type GradientRequest, type GradientResult } from './gradients.js';

/** Computes gradient shards: in this thread, or spread over worker threads (one shard each). */
export interface GradientPool {
  /** Shards computed at once (the batch is split this many ways). */
  readonly width: number;
  /** The workers' tensor backend (undefined in-thread: the caller's). */
  readonly backend?: string;
  run(requests: GradientRequest[]): Promise<GradientResult[]>;
  close(): Promise<void>;
}

/** Gradients in the calling thread (tests, and `--workers 0`). */
export function inThreadPool(): GradientPool {
  return {
    width: 1,
    run: (requests) => Promise.resolve(requests.map(computeGradients)),
    close: () => Promise.resolve(),
  };
}

type Reply = { ok: true; result: GradientResult } | { ok: false; message: string };

/**
 * `count` worker threads on TensorFlow.js's CPU backend (or tfjs-node-gpu when installed): each computes one shard of
 * a batch; the caller averages the shards' gradients (data parallelism).
 */
export async function workerPool(count: number, backend: 'wasm' | 'cpu' = 'wasm'): Promise<GradientPool> {
  const url = new URL('./train-worker.js', import.meta.url);
  const workers = Array.from({ length: count }, () => new Worker(url, { workerData: { backend } }));
  const backends = await Promise.all(
    workers.map(
      (w) =>
        new Promise<string>((resolve, reject) => {
          w.once('message', (ready: { backend: string }) => resolve(ready.backend));
          w.once('error', reject);
        }),
    ),
  );
  const ask = (worker: Worker, request: GradientRequest) =>
    new Promise<GradientResult>((resolve, reject) => {
      const onError = (error: Error) => reject(new ParleyError('internal', `GAN training worker failed: ${error.message}`, { cause: error }));
      worker.once('error', onError);
      worker.once('message', (reply: Reply) => {
        worker.off('error', onError);
        if (reply.ok) resolve(reply.result);
        else reject(new ParleyError('internal', `GAN training worker failed: ${reply.message}`));
      });
      worker.postMessage(request);
    });
  return {
    width: count,
    backend: backends[0],
    run: (requests) => {
      if (requests.length > count) return Promise.reject(new ParleyError('internal', `${requests.length} shards for ${count} workers`));
      return Promise.all(requests.map((r, i) => ask(workers[i]!, r)));
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
