import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The checkpointer's code, run as an eval worker (plain JavaScript, the same from the sources and from dist/): its own
 * connection to the database runs a PASSIVE checkpoint every `intervalMs` (copies committed WAL frames into the
 * database file without waiting for, or blocking, the server's readers and writers) until told to stop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.message || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** How often the checkpointer copies the WAL into the database (ms), unless told otherwise. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 100;

/**
 * Runs SQLite's WAL checkpoints on a worker thread, so that the server's thread does not copy pages. With the default
 * automatic checkpoint, the commit that finds the WAL past 1,000 pages copies them into the database file and syncs
 * it to disk, in the middle of a turn: measured in-process over web chat turns, one commit in fifty took 5–50 ms,
 * blocking every conversation, and checkpoints were most of the store's time per turn. What is committed is in the
 * WAL either way; durability does not change (a checkpoint only moves it into the database file, synced as before).
 *
 * `onStopped` is called if the worker fails or exits before {@link stop} (the caller then turns automatic
 * checkpoints back on, so the WAL never grows without bound).
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopping = false;
  private readonly exited: Promise<void>;

  constructor(path: string, onStopped: (reason: string) => void, intervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module, intervalMs } });
    this.worker.unref();
    let reported = false;
    const stopped = (reason: string): void => {
      if (this.stopping || reported) return;
      reported = true;
      onStopped(reason);
    };
    this.worker.on('message', (message: { failed?: string }) => {
      if (message.failed) stopped(`checkpoint failed: ${message.failed}`);
    });
    this.worker.on('error', (error) => stopped(error.message));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        stopped(`checkpointer exited (${code})`);
        resolve();
      }),
    );
  }

  /** Stops the worker and closes its connection; resolves once it has exited (terminated after `timeoutMs`). */
  async stop(timeoutMs = 2_000): Promise<void> {
    this.stopping = true;
    this.worker.postMessage('stop');
    const timer = setTimeout(() => void this.worker.terminate(), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
