/**
 * Long CPU work (fitting vocabularies, training label models) written as a generator that yields where it may pause:
 * run at once ({@link runSteps}: benchmarks, the CLI) or in a running server between other work
 * ({@link runStepsInBackground}), so turns keep being answered during a refit.
 */
export type Steps<T> = Generator<void, T, void>;

/** Waits for the event loop to run pending I/O callbacks. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `steps` to the end without pausing. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Longest stretch of work between two pauses (ms): a turn waits at most about this long behind a refit. */
export const BACKGROUND_SLICE_MS = 10;

/**
 * A pause to call between small pieces of work: it waits (`pause`, by default until the event loop's next turn) only
 * once the work since the last wait took {@link BACKGROUND_SLICE_MS}.
 */
export function slicedPause(pause: () => Promise<void> = yieldToEventLoop): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < BACKGROUND_SLICE_MS) return;
    await pause();
    sliceStart = performance.now();
  };
}

/** Runs `steps`, pausing ({@link slicedPause}) between slices of about {@link BACKGROUND_SLICE_MS}. */
export async function runStepsInBackground<T>(steps: Steps<T>, pause: () => Promise<void> = yieldToEventLoop): Promise<T> {
  const between = slicedPause(pause);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await between();
  }
}
