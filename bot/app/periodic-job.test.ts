import { jest } from '@jest/globals';
import { silentLogger } from '../core/index.js';
import { PeriodicJob } from './periodic-job.js';

describe('PeriodicJob', () => {
  // The job's timer runs on jest's fake clock: the test moves time instead of sleeping.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at start unless told not to, never overlaps, and logs failures instead of throwing', async () => {
    let release: () => void = () => undefined;
    const run = jest.fn(() => new Promise<number>((resolve) => (release = () => resolve(run.mock.calls.length))));
    const job = new PeriodicJob({ run, intervalMs: 10, logger: silentLogger, failure: 'failed' });
    job.start({ now: false });
    expect(run).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(50);
    // Several turns came while the first pass was still running: one pass only, and pass() joins it.
    expect(run).toHaveBeenCalledTimes(1);
    const joined = job.pass();
    release();
    expect(await joined).toBe(1);
    await job.stop();

    const warn = jest.fn();
    const failing = new PeriodicJob({ run: () => Promise.reject(new Error('boom')), intervalMs: 60_000, logger: { ...silentLogger, warn }, failure: 'sync failed' });
    failing.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'sync failed');
    await failing.stop();
  });
});
