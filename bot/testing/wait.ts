import type { Logger } from '../core/index.js';
import { sleep } from '../core/testing/wait.js';

export { sleep, waitFor } from '../core/testing/wait.js';

/** Checks `check` every `everyMs` until it holds; rejects naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean, timeoutMs: number, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A logger that keeps the messages of its warnings and errors. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info() {}, warn: (_obj, msg) => void lines.push(msg ?? ''), error: (_obj, msg) => void lines.push(msg ?? '') };
}
