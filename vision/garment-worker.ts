import { parentPort, workerData } from 'node:worker_threads';
import { answerGarmentJob, type GarmentJobRequest, type GarmentWorkerData } from './garment-job.js';

// The garment worker thread (started by the try-on engine): decodes product photos and cuts the garments out while the
// engine's thread runs the models. Jobs are answered by id, the cut-out's pixel arrays transferred, not copied.
const port = parentPort;
if (!port) throw new Error('vision/garment-worker.ts must run as a worker thread');
const { limits } = workerData as GarmentWorkerData;
port.on('message', (request: GarmentJobRequest) => {
  void answerGarmentJob(request, limits).then(({ reply, transfer }) => {
    try {
      port.postMessage(reply, transfer);
    } catch {
      // A buffer that cannot be transferred (one owned by sharp, on Node versions that refuse rather than copy): copy them all.
      port.postMessage(reply);
    }
  });
});
