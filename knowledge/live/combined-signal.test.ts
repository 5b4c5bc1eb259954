import { jest } from '@jest/globals';
import { combinedSignal } from './combined-signal.js';
import { pollingSignal } from './polling-signal.js';
import type { KnowledgeListener, KnowledgeSignal } from './signal.js';
import { advanceUntil, useFakeClock } from '../../bot/testing/clock.js';
import { recordingLogger } from '../../bot/testing/wait.js';

const warnings = recordingLogger;

// The debounce window, the polls and the notify timeout run on jest's fake clock: time passes only when a test moves
// it, so the windows are checked to the millisecond and nobody sleeps.
beforeEach(() => useFakeClock());
afterEach(() => void jest.useRealTimers());

/** Moves the fake clock by `ms`, running the timers (and the promises they start) that fall due. */
const advance = (ms: number): Promise<void> => jest.advanceTimersByTimeAsync(ms);
const until = (what: string, check: () => boolean): Promise<void> => advanceUntil(what, check, 2_000);

/** A push signal driven by the test. */
function manualPush(options: { failNotify?: boolean } = {}): KnowledgeSignal & { push(seq?: number): void; sent: number[]; closed: boolean } {
  const listeners = new Set<KnowledgeListener>();
  const sent: number[] = [];
  return {
    sent,
    closed: false,
    push: (seq) => listeners.forEach((l) => l(seq)),
    async notify(seq) {
      if (options.failNotify) throw new Error('connection refused');
      sent.push(seq);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      this.closed = true;
    },
  };
}

describe('combinedSignal', () => {
  it('merges reports arriving within the debounce window into one call with the highest seq', async () => {
    const push = manualPush();
    const signal = combinedSignal({ push, polling: pollingSignal({ readSeq: async () => 0, intervalMs: 10_000 }), debounceMs: 40 });
    const heard: Array<number | undefined> = [];
    signal.subscribe((s) => void heard.push(s));
    try {
      push.push(5);
      push.push(9);
      push.push(7);
      await advance(39);
      expect(heard).toEqual([]);
      // The window opened by the first report closes 40 ms after it.
      await advance(1);
      expect(heard).toEqual([9]);
      // A report without a counter (after a reconnection) makes the merged call counter-less: look for everything.
      push.push(12);
      push.push(undefined);
      await advance(40);
      expect(heard).toEqual([9, undefined]);
    } finally {
      await signal.close();
    }
    expect(push.closed).toBe(true);
  });

  it('still reports a change through polling when the push notification never comes', async () => {
    let seq = 1;
    let reads = 0;
    const signal = combinedSignal({ push: manualPush(), polling: pollingSignal({ readSeq: async () => (reads++, seq), intervalMs: 20 }), debounceMs: 5 });
    const heard: Array<number | undefined> = [];
    signal.subscribe((s) => void heard.push(s));
    try {
      // The first read is the baseline: the change comes after it.
      await until('the first read', () => reads >= 2);
      seq = 2;
      await until('the polled change', () => heard.length === 1);
      expect(heard).toEqual([2]);
    } finally {
      await signal.close();
    }
  });

  it('notify wakes this process and pushes; a failed push is logged, not thrown', async () => {
    const push = manualPush();
    const signal = combinedSignal({ push, polling: pollingSignal({ readSeq: async () => 0, intervalMs: 10_000 }), debounceMs: 5 });
    const heard: Array<number | undefined> = [];
    signal.subscribe((s) => void heard.push(s));
    await signal.notify(4);
    expect(push.sent).toEqual([4]);
    await advance(5);
    expect(heard).toEqual([4]);
    await signal.close();

    const logger = warnings();
    const failing = combinedSignal({ push: manualPush({ failNotify: true }), polling: pollingSignal({ readSeq: async () => 0, intervalMs: 10_000 }), logger });
    await expect(failing.notify(5)).resolves.toBeUndefined();
    expect(logger.lines).toEqual([expect.stringMatching(/could not notify other processes.*next poll/)]);
    await failing.close();
  });

  it('does not hold the writer longer than notifyTimeoutMs when the push hangs', async () => {
    const logger = warnings();
    const hanging: KnowledgeSignal = { ...manualPush(), notify: () => new Promise<void>(() => undefined) };
    const signal = combinedSignal({ push: hanging, polling: pollingSignal({ readSeq: async () => 0, intervalMs: 10_000 }), notifyTimeoutMs: 50, logger });
    let returned = false;
    const notified = signal.notify(6).then(() => (returned = true));
    await advance(49);
    expect([returned, logger.lines]).toEqual([false, []]);
    await advance(1);
    await notified;
    expect(logger.lines).toEqual([expect.stringMatching(/could not notify other processes/)]);
    await signal.close();
  });

  it('logs a listener that fails and keeps calling the others', async () => {
    const logger = warnings();
    const push = manualPush();
    const signal = combinedSignal({ push, polling: pollingSignal({ readSeq: async () => 0, intervalMs: 10_000 }), debounceMs: 1, logger });
    const heard: number[] = [];
    signal.subscribe(() => Promise.reject(new Error('reload failed')));
    signal.subscribe(() => {
      throw new Error('boom');
    });
    signal.subscribe((s) => void heard.push(s ?? -1));
    try {
      push.push(3);
      await until('the healthy listener', () => heard.length === 1);
      await until('both failures logged', () => logger.lines.length === 2);
      expect(logger.lines).toEqual(['knowledge listener failed', 'knowledge listener failed']);
    } finally {
      await signal.close();
    }
  });
});
