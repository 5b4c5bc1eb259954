/**
 * The one polling wait of the project's tests: every suite and every channel's `testing` helpers use it (through
 * `bot/testing/wait.ts` or directly). Tests wait for events, not for time (see docs/developers.md, "Waiting in
 * tests"): there is no `sleep` to import. Imports nothing of the project.
 */

/** Resolves after `ms` milliseconds: the pause between two checks of {@link waitFor}, not for tests to sleep with. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

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
