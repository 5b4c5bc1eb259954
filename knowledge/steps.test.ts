import { BACKGROUND_SLICE_MS, runSteps, runStepsInBackground, type Steps } from './steps.js';

/** Steps that each keep the CPU busy for `ms`, returning how many ran. */
function* busySteps(count: number, ms: number): Steps<number> {
  for (let i = 0; i < count; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until);
    yield;
  }
  return count;
}

describe('work in steps', () => {
  it('runs every step at once and returns the result', () => {
    expect(runSteps(busySteps(5, 0))).toBe(5);
  });

  it('in the background, pauses only once a slice of work is done, and lets timers run meanwhile', async () => {
    const worked: number[] = [];
    let sliceStart = performance.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const result = await runStepsInBackground(busySteps(12, 4), async () => {
      worked.push(performance.now() - sliceStart);
      await new Promise((resolve) => setTimeout(resolve, 2));
      sliceStart = performance.now();
    });
    clearInterval(timer);
    expect(result).toBe(12);
    // 48 ms of work: some pauses, each after at least a slice of work (not after every step: a 4 ms step is no slice).
    expect(worked.length).toBeGreaterThanOrEqual(2);
    for (const ms of worked) expect(ms).toBeGreaterThanOrEqual(BACKGROUND_SLICE_MS);
    expect(ticks).toBeGreaterThan(0);
  });
});
