import { createProgress, formatDuration } from './progress.js';

/** A writable stand-in recording every chunk; `isTTY`/`columns` as a terminal or a log file would report them. */
function fakeStream(tty: boolean, columns?: number) {
  const chunks: string[] = [];
  const stream = { isTTY: tty, columns, write: (chunk: string) => chunks.push(chunk) > 0 };
  return { chunks, stream: stream as unknown as NodeJS.WritableStream };
}

function fakeClock() {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

describe('createProgress', () => {
  it('stays silent for small totals unless forced', () => {
    const { chunks, stream } = fakeStream(false);
    const small = createProgress({ total: 999, label: 'tickets', stream });
    for (let i = 0; i < 999; i++) small.tick();
    small.done();
    expect(chunks).toEqual([]);
    const forced = createProgress({ total: 10, label: 'tickets', stream, enabled: true });
    forced.tick(10);
    forced.done();
    expect(chunks.length).toBeGreaterThan(0);
    const off = createProgress({ total: 5000, label: 'tickets', stream: fakeStream(false).stream, enabled: false });
    expect(() => { off.tick(); off.done(); }).not.toThrow();
  });

  it('redraws a TTY bar in place at most every 100 ms, with percent, count, rate and ETA', () => {
    const { chunks, stream } = fakeStream(true);
    const clock = fakeClock();
    const progress = createProgress({ total: 10_000, label: 'embedding', stream, now: clock.now });
    clock.advance(1000);
    progress.tick(2500);
    expect(chunks).toEqual(['\rembedding [#####...............] 25% 2,500/10,000 2,500/s ETA 3s']);
    clock.advance(50);
    progress.tick(100);
    expect(chunks).toHaveLength(1);
    clock.advance(950);
    progress.tick(2400);
    expect(chunks[1]).toBe('\rembedding [##########..........] 50% 5,000/10,000 2,500/s ETA 2s');
    clock.advance(2000);
    progress.tick(5000);
    progress.done();
    // One space pads over the longer "ETA 2s" ending of the previous draw.
    expect(chunks.at(-1)).toBe('\rembedding [####################] 100% 10,000/10,000 2,500/s in 4s \n');
    progress.tick();
    progress.done();
    expect(chunks.at(-1)).toMatch(/\n$/);
  });

  it('never wraps a narrow terminal', () => {
    const { chunks, stream } = fakeStream(true, 40);
    const progress = createProgress({ total: 1000, label: 'embedding tickets', stream, now: fakeClock().now });
    progress.tick(1);
    expect(chunks[0]).toBe('\rembedding tickets [....................');
    expect(chunks[0]!.length).toBe(40); // '\r' + 39 columns
  });

  it('writes a plain line at each 10% step when not a TTY, then a summary', () => {
    const { chunks, stream } = fakeStream(false);
    const clock = fakeClock();
    const progress = createProgress({ total: 2000, label: 'deduplicating', stream, now: clock.now });
    for (let i = 0; i < 2000; i++) {
      clock.advance(5);
      progress.tick();
    }
    progress.done();
    expect(chunks).toHaveLength(10);
    expect(chunks[0]).toBe('deduplicating: 10% (200/2,000, 200/s, ETA 9s)\n');
    expect(chunks[8]).toMatch(/^deduplicating: 90% /);
    expect(chunks[9]).toBe('deduplicating: done 2,000/2,000 in 10s (200/s)\n');
  });

  it('reports the real count when done early', () => {
    const { chunks, stream } = fakeStream(false);
    const clock = fakeClock();
    const progress = createProgress({ total: 1000, label: 'import', stream, now: clock.now });
    progress.tick(50);
    clock.advance(500);
    progress.done();
    expect(chunks).toEqual(['import: done 50/1,000 in 1s (100/s)\n']);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [42.4, '42s'],
    [185, '3m05s'],
    [3720, '1h02m'],
    [Number.NaN, '?'],
    [Number.POSITIVE_INFINITY, '?'],
  ])('%p → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
