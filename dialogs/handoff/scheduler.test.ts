import { HandoffScheduler } from './scheduler.js';

test('runs every task each pass, logs a failing one without stopping the others, and never overlaps passes', async () => {
  const runs: string[] = [];
  const warnings: Record<string, unknown>[] = [];
  let release: () => void = () => undefined;
  const slow = new Promise<void>((resolve) => (release = resolve));
  const scheduler = new HandoffScheduler(
    [
      { name: 'first', run: async () => void runs.push('first') },
      { name: 'broken', run: async () => { throw new Error('desk down'); } },
      { name: 'slow', run: async () => { runs.push('slow'); await slow; } },
    ],
    { intervalMs: 60_000, logger: { info: () => undefined, warn: (obj) => void warnings.push(obj), error: () => undefined } },
  );
  const one = scheduler.pass();
  const two = scheduler.pass();
  expect(two).toBe(one);
  release();
  await one;
  expect(runs).toEqual(['first', 'slow']);
  expect(warnings).toEqual([expect.objectContaining({ task: 'broken' })]);
  await scheduler.pass();
  expect(runs).toEqual(['first', 'slow', 'first', 'slow']);
  scheduler.start();
  await scheduler.stop();
  expect(runs.length).toBe(6);
});
