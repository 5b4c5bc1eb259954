import { busyMs, stageCpuMs, type CpuProfile } from './profile-stages.js';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });

/** root → runMicrotasks → generate (generation) → findNames (redaction: generation too) and querySync (store) → writev (native). */
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 3, 4, 8]),
    frame(2, '(idle)', ''),
    frame(3, '(garbage collector)', ''),
    frame(4, 'runMicrotasks', '', [5]),
    frame(5, 'generate', 'file:///app/dist/knowledge/generation/generator.js', [6, 7]),
    frame(6, 'findNames', 'file:///app/dist/knowledge/redaction/names.js'),
    frame(7, 'querySync', 'file:///app/dist/bot/storage/sqlite-driver.js', [9]),
    frame(8, 'parserOnHeadersComplete', 'node:_http_common'),
    frame(9, 'writev', ''),
  ],
  startTime: 1_000,
  endTime: 9_000,
  // One sample per millisecond: at 2, 3, 4, 5, 6, 7, 8 ms (the last lasts nothing: no delta after it).
  samples: [2, 3, 5, 6, 9, 8, 6],
  timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
};

describe('CPU per stage from a V8 CPU profile', () => {
  it('gives each sample to the stage of the innermost Parley module on its stack, GC apart, idle left out', () => {
    expect(stageCpuMs(profile, 0, 10_000)).toEqual({ gc: 1, generation: 2, store: 1, runtime: 1 });
    expect(busyMs(profile, 0, 10_000)).toBe(5);
  });

  it('counts only the samples inside the window', () => {
    // Samples at 4 ms (generate) and 5 ms (findNames) only.
    expect(stageCpuMs(profile, 4_000, 5_000)).toEqual({ generation: 2 });
  });
});
