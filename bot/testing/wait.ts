import type { Logger } from '../core/index.js';

export { waitFor } from '../core/testing/wait.js';

/** A logger that keeps the messages of its warnings and errors. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info() {}, warn: (_obj, msg) => void lines.push(msg ?? ''), error: (_obj, msg) => void lines.push(msg ?? '') };
}
