import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ParleyError } from '../bot/core/index.js';
import { garmentFromReply, type GarmentJobReply, type GarmentJobRequest, type GarmentWorkerData, type PreparedGarment } from './garment-job.js';
import type { ImageLimits } from './image/codec.js';

interface Waiting {
  resolve(prepared: PreparedGarment): void;
  reject(error: unknown): void;
}

/**
 * The try-on engine's garment worker: prepares product photos (decode and cut-out) on a second thread, so a product
 * tried for the first time is cut out while the models run. Jobs are correlated by id, so several may be pending. The
 * worker does not keep the process alive while idle; when it dies, the jobs it held reject with a ParleyError
 * `internal` and the next job starts a new one.
 */
export class GarmentThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Waiting>();

  /** @param spawn starts a worker that answers {@link GarmentJobRequest}s (tests give their own). */
  constructor(private readonly spawn: () => Worker) {}

  /**
   * A garment thread on the compiled `garment-worker.js` beside this module, or `undefined` when it is not there
   * (running from the TypeScript sources, as Jest does): the engine then prepares garments inline.
   */
  static compiled(limits: ImageLimits): GarmentThread | undefined {
    const url = new URL('./garment-worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) return undefined;
    return new GarmentThread(() => new Worker(url, { workerData: { limits } satisfies GarmentWorkerData }));
  }

  /** Starts the worker now (it is otherwise started by the first job), so the first try-on does not wait for it to load. */
  start(): void {
    this.running();
  }

  /** Prepares the product photo on the worker; refusals reject exactly as inline (see {@link garmentFromReply}). */
  prepare(bytes: Uint8Array): Promise<PreparedGarment> {
    const worker = this.running();
    const id = this.nextId++;
    return new Promise<PreparedGarment>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // keep the process alive while a job is out
      // Copied, not transferred: the caller still needs its bytes.
      worker.postMessage({ id, bytes } satisfies GarmentJobRequest);
    });
  }

  /** Stops the worker; pending jobs reject. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.retire(worker, new ParleyError('internal', 'the garment worker was closed'));
    await worker.terminate();
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: GarmentJobReply) => this.answered(worker, reply));
    worker.on('error', (error) => this.retire(worker, new ParleyError('internal', `the garment worker stopped: ${error.message}`, { cause: error })));
    worker.on('messageerror', (error) => {
      this.retire(worker, new ParleyError('internal', 'a garment could not be read back from the garment worker', { cause: error }));
      void worker.terminate();
    });
    worker.on('exit', (code) => this.retire(worker, new ParleyError('internal', `the garment worker exited (code ${code})`)));
    return worker;
  }

  private answered(worker: Worker, reply: GarmentJobReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    try {
      waiting.resolve(garmentFromReply(reply));
    } catch (error) {
      waiting.reject(error);
    }
  }

  /** Forgets a worker that died or was closed: its pending jobs reject and the next job starts a new worker. */
  private retire(worker: Worker, error: ParleyError): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    worker.unref();
  }
}
