import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ParleyError } from '../bot/core/index.js';
import { TryOnInputError, type TryOnRejection } from './errors.js';
import type { ImageFormat } from './image/codec.js';
import { TryOnEngine, type TryOnEngineOptions, type TryOnResult } from './pipeline.js';

/** What the conversation needs from try-on: run one, and whether the models are loaded. */
export interface TryOnRunner {
  /** True once the models are loaded and warm. */
  readonly ready: boolean;
  /** Tries the garment on the person; bad photos reject with {@link TryOnInputError}. */
  tryOn(person: Uint8Array, garment: Uint8Array, format?: ImageFormat): Promise<TryOnResult>;
}

/** @internal Messages to the worker thread. */
export interface WorkerRequest {
  id: number;
  person: Uint8Array;
  garment: Uint8Array;
  format?: ImageFormat;
}

/** @internal Messages from the worker thread. */
export type WorkerReply =
  | { type: 'ready'; backend: string; loadMs: number }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; result: TryOnResult }
  | { type: 'error'; id: number; reason?: TryOnRejection; message: string };

/** Options of {@link TryOnService}. */
export interface TryOnServiceOptions extends TryOnEngineOptions {
  /** Most requests waiting for the worker; more are refused as busy. Default 16. */
  maxQueue?: number;
  /** Run in this thread instead of a worker (tests; also used automatically when running from TypeScript sources). */
  inline?: boolean;
}

/**
 * Runs try-ons off the chat path: a worker thread owns the tensor backend and the models, so a busy try-on never
 * blocks message handling. `start()` loads and warms the models in the background (the server does not wait);
 * requests made before it finishes wait for it.
 */
export class TryOnService implements TryOnRunner {
  private worker: Worker | undefined;
  private inlineEngine: Promise<TryOnEngine> | undefined;
  private starting: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(r: TryOnResult): void; reject(e: unknown): void }>();
  private isReady = false;
  /** Backend the models run on, once ready. */
  backend: string | undefined;
  /** Milliseconds it took to load and warm the models, once ready. */
  loadMs: number | undefined;

  constructor(private readonly options: TryOnServiceOptions = {}) {}

  get ready(): boolean {
    return this.isReady;
  }

  /** Starts the worker and loads the models (idempotent); resolves when they are warm. */
  start(): Promise<void> {
    this.starting ??= this.launch();
    return this.starting;
  }

  private launch(): Promise<void> {
    const workerUrl = new URL('./worker.js', import.meta.url);
    const { maxQueue: _maxQueue, inline, ...engineOptions } = this.options;
    if (inline || !existsSync(fileURLToPath(workerUrl))) {
      this.inlineEngine = TryOnEngine.create(engineOptions);
      return this.inlineEngine.then((engine) => {
        this.backend = engine.backend;
        this.loadMs = engine.loadMs;
        this.isReady = true;
      });
    }
    return new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerUrl, { workerData: engineOptions });
      this.worker = worker;
      worker.unref();
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          this.backend = reply.backend;
          this.loadMs = reply.loadMs;
          this.isReady = true;
          resolve();
        } else if (reply.type === 'failed') {
          reject(new ParleyError('internal', `the try-on models failed to load: ${reply.message}`));
        } else {
          const waiting = this.pending.get(reply.id);
          this.pending.delete(reply.id);
          if (!waiting) return;
          if (reply.type === 'result') waiting.resolve({ ...reply.result, image: new Uint8Array(reply.result.image) });
          else waiting.reject(reply.reason ? new TryOnInputError(reply.reason, reply.message) : new ParleyError('internal', reply.message));
        }
      });
      worker.on('error', (error) => {
        reject(error);
        for (const waiting of this.pending.values()) waiting.reject(new ParleyError('internal', 'the try-on worker stopped', { cause: error }));
        this.pending.clear();
        this.worker = undefined;
        this.starting = undefined;
        this.isReady = false;
      });
    });
  }

  async tryOn(person: Uint8Array, garment: Uint8Array, format?: ImageFormat): Promise<TryOnResult> {
    if (this.pending.size >= (this.options.maxQueue ?? 16)) throw new ParleyError('unsupported', 'Try-on is busy right now; please try again in a minute.');
    await this.start();
    if (this.inlineEngine) return (await this.inlineEngine).run({ person, garment, format });
    const worker = this.worker;
    if (!worker) throw new ParleyError('internal', 'the try-on worker is not running');
    const id = this.nextId++;
    return new Promise<TryOnResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // keep the process alive while a try-on runs
      const done = () => { if (this.pending.size === 0) worker.unref(); };
      const entry = this.pending.get(id)!;
      this.pending.set(id, { resolve: (r) => { entry.resolve(r); done(); }, reject: (e) => { entry.reject(e); done(); } });
      // Copies (not transfers): the caller may still need its buffers.
      worker.postMessage({ id, person, garment, format } satisfies WorkerRequest);
    });
  }

  /** Stops the worker thread, or the inline engine's garment worker (requests in flight are rejected). */
  async close(): Promise<void> {
    const worker = this.worker;
    const inlineEngine = this.inlineEngine;
    this.worker = undefined;
    this.inlineEngine = undefined;
    this.starting = undefined;
    this.isReady = false;
    for (const waiting of this.pending.values()) waiting.reject(new ParleyError('internal', 'the try-on service stopped'));
    this.pending.clear();
    // Terminating the worker also stops the garment worker its engine started.
    if (worker) await worker.terminate();
    if (inlineEngine) await inlineEngine.then((engine) => engine.close(), () => undefined);
  }
}
