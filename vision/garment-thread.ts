import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { garmentFromReply, type GarmentJobReply, type GarmentWorkerData, type PreparedGarment } from './garment-job.js';
import type { ImageLimits } from './image/codec.js';
import { WorkerJobs } from './runtime/worker-jobs.js';

/**
 * The try-on engine's garment worker: prepares product photos (decode and cut-out) on a second thread, so a product
 * tried for the first time is cut out while the models run. Several jobs may be pending; when the worker dies, the
 * jobs it held reject with a ParleyError `internal` and the next job starts a new one (see {@link WorkerJobs}).
 */
export class GarmentThread extends WorkerJobs<{ bytes: Uint8Array }, GarmentJobReply, PreparedGarment> {
  /** @param spawn starts a worker that answers {@link GarmentJobRequest}s (tests give their own). */
  constructor(spawn: () => Worker) {
    super('the garment worker', spawn, garmentFromReply);
  }

  /**
   * A garment thread on the compiled `garment-worker.js` beside this module, or `undefined` when it is not there
   * (running from the TypeScript sources, as Jest does): the engine then prepares garments inline.
   */
  static compiled(limits: ImageLimits): GarmentThread | undefined {
    const url = new URL('./garment-worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) return undefined;
    return new GarmentThread(() => new Worker(url, { workerData: { limits } satisfies GarmentWorkerData }));
  }

  /** Prepares the product photo on the worker; refusals reject exactly as inline (see {@link garmentFromReply}). */
  prepare(bytes: Uint8Array): Promise<PreparedGarment> {
    return this.run({ bytes });
  }
}
