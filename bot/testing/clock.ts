import { jest } from '@jest/globals';

/**
 * Jest's modern fake timers for time itself: `setTimeout`, `setInterval`, `Date` and `performance` move only when the
 * test moves them (`jest.advanceTimersByTimeAsync(ms)`, or {@link advanceClock} for the clock alone), while
 * `setImmediate`, `process.nextTick` and `queueMicrotask` stay real, so that database drivers (SQLite's group commit
 * runs on `setImmediate`) and sockets still make progress between two moves. Undo with `jest.useRealTimers()`.
 */
export function useFakeClock(): void {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask'] });
}

/**
 * Fakes only the clock (`Date` and `performance`): timers stay real, so code that polls on its own timers keeps
 * running, while what it compares with the clock (leases, TTLs, ages) moves only by {@link advanceClock}.
 * Undo with `jest.useRealTimers()`.
 */
export function useFakeDate(): void {
  jest.useFakeTimers({
    doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'hrtime'],
  });
}

/**
 * Moves the fake clock (`Date` and `performance`) `ms` forward, at once. Meant for {@link useFakeDate}, where there are
 * no fake timers to run; under {@link useFakeClock} it would also run the timers that fall due, synchronously.
 */
export function advanceClock(ms: number): void {
  jest.advanceTimersByTime(ms);
}

/** A few turns of the real event loop: work queued on `setImmediate` and I/O callbacks (a SQLite group commit) run. */
async function letRealWorkRun(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Moves the fake clock `ms` forward, `stepMs` at a time, running the timers that fall due and the promises they start,
 * and letting real work (`setImmediate`, I/O) run between two steps, as it would while that time passed. Needs
 * {@link useFakeClock} (with `setImmediate` faked too, as plain `jest.useFakeTimers()` does, it would wait for ever).
 */
export async function advanceBy(ms: number, stepMs = 5): Promise<void> {
  for (let moved = 0; moved < ms; moved += stepMs) {
    await jest.advanceTimersByTimeAsync(Math.min(stepMs, ms - moved));
    await letRealWorkRun();
  }
}

/**
 * Moves the fake clock `stepMs` at a time (as {@link advanceBy}) until `check` holds; rejects naming `what` after
 * `timeoutMs` of fake time. The fake-clock counterpart of `waitFor`.
 */
export async function advanceUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 5): Promise<void> {
  for (let waited = 0; !(await check()); waited += stepMs) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms of fake time)`);
    await advanceBy(stepMs, stepMs);
  }
}
