import type { Worker } from 'node:worker_threads';
import { ParleyError } from '../../bot/core/index.js';

/**
 * Jobs answered by one worker thread, correlated by id so that several may be pending. The worker is started by the
 * first job (or {@link start}) and keeps the process alive only while jobs are out; when it dies (an error, an exit, a
 * reply that cannot be read back) the jobs it held reject with a ParleyError `internal` and the next job starts a new
 * one. Requests are copied to the worker, not transferred (the caller keeps its buffers).
 */
export class WorkerJobs<Request extends object, Reply extends { id: number }, Result> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(result: Result): void; reject(error: unknown): void }>();

  /**
   * @param name the worker as errors name it ("the garment worker")
   * @param spawn starts a worker that answers each request with one reply of the request's `id`
   * @param settle the job's result from its reply; throwing rejects the job with what it threw
   */
  constructor(
    private readonly name: string,
    private readonly spawn: () => Worker,
    private readonly settle: (reply: Reply) => Result,
  ) {}

  /** Jobs sent and not answered yet. */
  get size(): number {
    return this.pending.size;
  }

  /** Starts the worker now (it is otherwise started by the first job), so the first job does not wait for it to load. */
  start(): void {
    this.running();
  }

  /** Sends `request` (with its id added) and resolves with the settled reply. */
  run(request: Request): Promise<Result> {
    const worker = this.running();
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // keep the process alive while a job is out
      worker.postMessage({ ...request, id });
    });
  }

  /** Stops the worker; pending jobs reject. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.retire(worker, new ParleyError('internal', `${this.name} was closed`));
    await worker.terminate();
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: Reply) => this.answered(worker, reply));
    worker.on('error', (error) => this.retire(worker, new ParleyError('internal', `${this.name} stopped: ${error.message}`, { cause: error })));
    worker.on('messageerror', (error) => {
      this.retire(worker, new ParleyError('internal', `a reply could not be read back from ${this.name}`, { cause: error }));
      void worker.terminate();
    });
    worker.on('exit', (code) => this.retire(worker, new ParleyError('internal', `${this.name} exited (code ${code})`)));
    return worker;
  }

  private answered(worker: Worker, reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    try {
      waiting.resolve(this.settle(reply));
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
