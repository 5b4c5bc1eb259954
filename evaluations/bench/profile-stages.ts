/**
 * Where a server's CPU went, by pipeline stage, from the V8 CPU profiles `node --cpu-prof` writes: each sample of the
 * main thread is given to the stage of the innermost Parley module on its stack (the code that was running, or that
 * called into a library or the runtime), garbage collection to `gc`, and samples of the worker threads to `workers`.
 * Used by `bench:webchat --cpu-prof DIR` to print CPU milliseconds per turn and stage.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The part of a `.cpuprofile` file this reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Stages by the folder of the compiled module (under `dist/`) or the package (under `node_modules/`); first match wins. */
const STAGES: readonly [RegExp, string][] = [
  [/\/dist\/bot\/storage\/|\/node_modules\/(?:better-sqlite3|pg|pg-protocol|pg-pool)\//, 'store'],
  [/\/dist\/channels\/|\/node_modules\/ws\//, 'channel'],
  [/\/dist\/knowledge\/(?:retrieval|indexes)\/|\/dist\/knowledge\/knowledge-base\.js/, 'retrieval'],
  [/\/dist\/knowledge\/(?:generation|redaction|clusters)\//, 'generation'],
  [/\/dist\/dialogs\//, 'dialogs'],
  [/\/dist\/evaluations\/scorers\//, 'scoring'],
  [/\/dist\/(?:bot|knowledge|vision|engagement|evaluations)\//, 'turn runner and other'],
];

/** The stage of the innermost frame of `stack` (innermost first) that belongs to a stage; `runtime` when none does. */
function stageOf(stack: readonly string[]): string {
  for (const url of stack) {
    for (const [pattern, stage] of STAGES) if (pattern.test(url)) return stage;
  }
  return 'runtime';
}

/**
 * CPU milliseconds per stage in `profile` between `fromUs` and `toUs` (the profile's clock: the monotonic clock in
 * microseconds, as `process.hrtime` reads it); idle samples left out. Pure.
 */
export function stageCpuMs(profile: CpuProfile, fromUs: number, toUs: number): Record<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stageOfNode = new Map<number, string>();
  const resolve = (id: number): string => {
    let stage = stageOfNode.get(id);
    if (stage !== undefined) return stage;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)') stage = 'idle';
    else if (name === '(garbage collector)') stage = 'gc';
    else {
      const urls: string[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) urls.push(byId.get(at)!.callFrame.url);
      stage = stageOf(urls);
    }
    stageOfNode.set(id, stage);
    return stage;
  };
  const ms: Record<string, number> = {};
  let time = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const lasted = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (time < fromUs || time > toUs) continue;
    const stage = resolve(profile.samples[i]!);
    if (stage !== 'idle') ms[stage] = (ms[stage] ?? 0) + lasted;
  }
  return ms;
}

/** Busy (non-idle) CPU milliseconds of `profile` between `fromUs` and `toUs`. Pure. */
export function busyMs(profile: CpuProfile, fromUs: number, toUs: number): number {
  return Object.values(stageCpuMs(profile, fromUs, toUs)).reduce((sum, ms) => sum + ms, 0);
}

/**
 * CPU milliseconds per turn and stage of the process `pid` whose profiles are in `dir` (`--cpu-prof-dir`), between
 * `fromUs` and `toUs`: the main thread's stages, plus `workers` for its worker threads (the SQLite checkpointer).
 * Stages are sorted by cost; values rounded to 0.01 ms. Undefined when the main thread's profile is not there.
 */
export async function stageCpuPerTurn(dir: string, pid: number, fromUs: number, toUs: number, turns: number): Promise<Record<string, number> | undefined> {
  // Node names them CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; thread 0 is the main thread.
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile') && name.split('.')[3] === String(pid));
  const main = files.find((name) => name.split('.')[4] === '0');
  if (!main || turns <= 0) return undefined;
  const read = async (name: string): Promise<CpuProfile> => JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile;
  const ms = stageCpuMs(await read(main), fromUs, toUs);
  let workers = 0;
  for (const name of files.filter((n) => n !== main)) workers += busyMs(await read(name), fromUs, toUs);
  if (workers > 0) ms.workers = workers;
  return Object.fromEntries(
    Object.entries(ms)
      .sort((a, b) => b[1] - a[1])
      .map(([stage, total]) => [stage, Math.round((total / turns) * 100) / 100]),
  );
}
