import type { Logger } from '../core/index.js';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Waits until `check` resolves to a truthy value (polling every 20 ms); rejects naming `what` after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
