import { Worker } from 'node:worker_threads';
import { ParleyError } from '../bot/core/index.js';
import { TryOnInputError } from './errors.js';
import { GarmentThread } from './garment-thread.js';

// A stand-in garment worker speaking the protocol of vision/garment-worker.ts (Jest runs the TypeScript sources, which a
// worker cannot load). It holds jobs until it has `batch` of them, then answers them last first. The first byte says
// what to do: 1 answers with a one-pixel "cut-out" whose value is the second byte, 2 refuses, 3 throws (the worker
// crashes), 4 exits the thread.
const FAKE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const held = [];
parentPort.on('message', ({ id, bytes }) => {
  if (bytes[0] === 3) throw new Error('boom');
  if (bytes[0] === 4) process.exit(7);
  held.push({ id, bytes });
  if (held.length < workerData.batch) return;
  for (const job of held.reverse()) {
    if (job.bytes[0] === 2) {
      parentPort.postMessage({ type: 'refused', id: job.id, reason: 'too_small', message: 'small', details: { width: 9, height: 9 } });
      continue;
    }
    const pixel = { width: 1, height: 1, data: new Uint8Array([job.bytes[1], 0, 0]) };
    parentPort.postMessage({ type: 'done', id: job.id, ms: 5, cutout: { image: pixel, photo: pixel, alpha: { width: 1, height: 1, data: new Float32Array([1]) }, landmarks: {} } });
  }
  held.length = 0;
});
`;

describe('garment thread', () => {
  const threads: GarmentThread[] = [];
  afterEach(async () => {
    await Promise.all(threads.splice(0).map((t) => t.close()));
  });

  function thread(batch: number): { thread: GarmentThread; spawned: () => number } {
    let spawned = 0;
    const t = new GarmentThread(() => {
      spawned++;
      return new Worker(FAKE_WORKER, { eval: true, workerData: { batch } });
    });
    threads.push(t);
    return { thread: t, spawned: () => spawned };
  }

  it('matches answers that come back out of order to their jobs by id', async () => {
    const { thread: t } = thread(3);
    const jobs = [11, 22, 33].map((value) => t.prepare(new Uint8Array([1, value])));
    const prepared = await Promise.all(jobs);
    expect(prepared.map((p) => p.cutout.image.data[0])).toEqual([11, 22, 33]);
    expect(prepared[0]!.ms).toBe(5);
  });

  it('rejects a refused product photo with its TryOnInputError, and goes on with the next job', async () => {
    const { thread: t, spawned } = thread(1);
    const error = await t.prepare(new Uint8Array([2])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TryOnInputError);
    expect(error).toMatchObject({ reason: 'too_small', message: 'small', details: { width: 9, height: 9 } });
    expect((await t.prepare(new Uint8Array([1, 5]))).cutout.image.data[0]).toBe(5);
    expect(spawned()).toBe(1);
  });

  it.each([
    ['throws', 3],
    ['exits', 4],
  ])('when the worker %s, rejects its pending jobs as internal errors and starts a new worker for the next job', async (_what, crash) => {
    const { thread: t, spawned } = thread(2);
    const held = t.prepare(new Uint8Array([1, 1])); // waits for a second job that never comes
    const crashed = t.prepare(new Uint8Array([crash]));
    for (const job of [held, crashed]) {
      const error = await job.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ParleyError);
      expect(error).not.toBeInstanceOf(TryOnInputError);
      expect((error as ParleyError).code).toBe('internal');
    }
    const again = await Promise.all([t.prepare(new Uint8Array([1, 8])), t.prepare(new Uint8Array([1, 9]))]);
    expect(again.map((p) => p.cutout.image.data[0])).toEqual([8, 9]);
    expect(spawned()).toBe(2);
  });

  it('rejects the jobs still pending when closed', async () => {
    const { thread: t } = thread(2);
    const pending = t.prepare(new Uint8Array([1, 1])).catch((e: unknown) => e);
    await t.close();
    expect(await pending).toMatchObject({ code: 'internal', message: 'the garment worker was closed' });
  });
});
