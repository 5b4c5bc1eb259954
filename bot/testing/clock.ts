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

/**
 * Moves the fake clock `stepMs` at a time (running the timers that fall due and the promises they start) until
 * `check` holds; rejects naming `what` after `timeoutMs` of fake time. The fake-clock counterpart of `waitFor`.
 */
export async function advanceUntil(what: string, check: () => boolean, timeoutMs = 10_000, stepMs = 5): Promise<void> {
  for (let waited = 0; !check(); waited += stepMs) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms of fake time)`);
    await jest.advanceTimersByTimeAsync(stepMs);
  }
}
