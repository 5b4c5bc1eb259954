import { jest } from '@jest/globals';
import { pollingSignal } from './polling-signal.js';
import { advanceUntil, useFakeClock } from '../../bot/testing/clock.js';
import { recordingLogger } from '../../bot/testing/wait.js';

const warnings = recordingLogger;

// The signal's poll runs on jest's fake clock: time passes only when a test moves it, so no test sleeps.
beforeEach(() => useFakeClock());
afterEach(() => jest.useRealTimers());

/** Moves the fake clock by `ms`, running the timers (and the promises they start) that fall due. */
const advance = (ms: number): Promise<void> => jest.advanceTimersByTimeAsync(ms);

const until = (what: string, check: () => boolean): Promise<void> => advanceUntil(what, check, 2_000);

describe('pollingSignal', () => {
  it('calls listeners when the counter moved, once per change, and not for the first read', async () => {
    let seq = 3;
    const signal = pollingSignal({ readSeq: async () => seq, intervalMs: 20 });
    const heard: Array<number | undefined> = [];
    signal.subscribe((s) => void heard.push(s));
    try {
      await advance(80);
      expect(heard).toEqual([]);
      seq = 4;
      await until('the change', () => heard.length === 1);
      await advance(80);
      expect(heard).toEqual([4]);
      // Any movement counts (a fingerprint may go down).
      seq = 1;
      await until('the second change', () => heard.length === 2);
      expect(heard).toEqual([4, 1]);
    } finally {
      await signal.close();
    }
  });

  it('notify wakes local listeners at once, and the poll does not report the same change again', async () => {
    let seq = 10;
    const signal = pollingSignal({ readSeq: async () => seq, intervalMs: 30 });
    const heard: Array<number | undefined> = [];
    signal.subscribe((s) => void heard.push(s));
    try {
      await advance(50);
      seq = 11;
      await signal.notify(11);
      expect(heard).toEqual([11]);
      await advance(120);
      expect(heard).toEqual([11]);
    } finally {
      await signal.close();
    }
  });

  it('logs a failing read once and reports the change when the counter is readable again', async () => {
    let fail = false;
    let seq = 1;
    const logger = warnings();
    const signal = pollingSignal({ readSeq: async () => (fail ? Promise.reject(new Error('database is locked')) : seq), intervalMs: 15, logger });
    const heard: Array<number | undefined> = [];
    signal.subscribe((s) => void heard.push(s));
    try {
      await advance(40);
      fail = true;
      await advance(100);
      expect(logger.lines.filter((l) => /cannot read the ticket counter/.test(l))).toHaveLength(1);
      seq = 2;
      fail = false;
      await until('the change after the failures', () => heard.length === 1);
      expect(heard).toEqual([2]);
    } finally {
      await signal.close();
    }
  });

  it('stops reading and calling listeners once closed', async () => {
    let reads = 0;
    let seq = 0;
    const signal = pollingSignal({ readSeq: async () => (reads++, seq), intervalMs: 10 });
    const listener = jest.fn();
    signal.subscribe(listener);
    await advance(40);
    await signal.close();
    const readsAtClose = reads;
    seq = 5;
    await advance(60);
    expect(reads).toBe(readsAtClose);
    expect(listener).not.toHaveBeenCalled();
  });

  it('does not poll before anyone subscribes', async () => {
    const readSeq = jest.fn(async () => 0);
    const signal = pollingSignal({ readSeq, intervalMs: 10 });
    await advance(50);
    expect(readSeq).not.toHaveBeenCalled();
    await signal.close();
  });
});

describe('pollingSignal and notify racing', () => {
  it('drops a read that started before a notify: an older counter never counts as a change', async () => {
    let release: (seq: number) => void = () => undefined;
    let reads = 0;
    const signal = pollingSignal({
      readSeq: () => {
        reads++;
        return new Promise<number>((resolve) => (release = resolve));
      },
      intervalMs: 10_000,
    });
    const heard: Array<number | undefined> = [];
    signal.subscribe((s) => void heard.push(s));
    try {
      await until('the first read', () => reads === 1);
      await signal.notify(2);
      // The read started before the write and returns the counter from before it.
      release(1);
      await advance(20);
      expect(heard).toEqual([2]);
    } finally {
      await signal.close();
    }
  });
});
