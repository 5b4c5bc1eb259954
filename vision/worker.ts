import { parentPort, workerData } from 'node:worker_threads';
import { TryOnInputError } from './errors.js';
import { TryOnEngine, type TryOnEngineOptions } from './pipeline.js';
import type { WorkerReply, WorkerRequest } from './service.js';

// The try-on worker thread: one engine (models loaded and warmed once), requests handled one at a time.
const port = parentPort;
if (!port) throw new Error('vision/worker.ts must run as a worker thread');
const engine = TryOnEngine.create(workerData as TryOnEngineOptions);
engine.then(
  (e) => port.postMessage({ type: 'ready', backend: e.backend, loadMs: e.loadMs } satisfies WorkerReply),
  (error: unknown) => port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
);
port.on('message', (request: WorkerRequest) => {
  void (async () => {
    try {
      const result = await (await engine).run({ person: request.person, garment: request.garment, format: request.format });
      port.postMessage({ type: 'result', id: request.id, result } satisfies WorkerReply, [result.image.buffer as ArrayBuffer]);
    } catch (error) {
      const reason = error instanceof TryOnInputError ? error.reason : undefined;
      port.postMessage({ type: 'error', id: request.id, reason, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
    }
  })();
});
