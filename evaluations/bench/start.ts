/**
 * `npm run measure:start [-- --runs N --home DIR]`: how long `npm start` takes until `GET /health` answers 200.
 *
 * It times `npm run build` first (an up-to-date build is only checked, not redone), then starts `npm start` N times
 * (default 3) in one temporary `PARLEY_HOME`: the first start ingests the sample tickets into an empty store, the
 * later ones open the existing store, as a restarted server does. Prints one JSON line:
 * `{"buildMs", "starts": [{"store": "empty"|"existing", "readyMs", "cpuMs"}], "firstReadyMs", "medianReadyMs",
 * "medianCpuMs", "loadAverage"}`. `cpuMs` is the CPU time the processes of `npm start` (npm, the build check, the
 * server and its threads) used until ready, read from Linux's /proc (null elsewhere): on a loaded machine it tells what
 * the wall time cannot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot, freePort, reportBenchFailure, runBenchMain, sleep } from './server-process.js';
import { percentile } from './measure.js';

const READY_TIMEOUT_MS = 120_000;

/** The npm command of this run: the same npm that runs the script, else `npm` on the PATH. */
function npmCommand(args: string[]): { file: string; args: string[] } {
  const npmCli = process.env.npm_execpath;
  return npmCli ? { file: process.execPath, args: [npmCli, ...args] } : { file: 'npm', args };
}

/** Runs `npm run build` in `root` and resolves to its wall time (ms); rejects when it fails. */
async function timeBuild(root: string): Promise<number> {
  const started = performance.now();
  const { file, args } = npmCommand(['run', '--silent', 'build']);
  const child = spawn(file, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run build exited with ${code}`);
  return Math.round(performance.now() - started);
}

/** Stops `npm start` and everything it started (its process group). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (ms) used so far by `pid` and every process below it, from /proc; undefined where there is no /proc. */
async function treeCpuMs(pid: number): Promise<number | undefined> {
  const stats = new Map<number, { parent: number; ticks: number }>();
  try {
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const text = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if (fields.length > 13) stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    }
  } catch {
    return undefined;
  }
  let ticks = 0;
  const pending = [pid];
  while (pending.length) {
    const current = pending.pop()!;
    ticks += stats.get(current)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.parent === current) pending.push(child);
  }
  return Math.round((ticks / TICKS_PER_SECOND) * 1000);
}

/** Starts `npm start` on a free port with `home`: the time (ms) until `/health` answers 200, and the CPU time used until then. */
async function timeStart(root: string, home: string): Promise<{ readyMs: number; cpuMs: number | null }> {
  const port = await freePort();
  const { file, args } = npmCommand(['start']);
  const started = performance.now();
  const child = spawn(file, args, {
    cwd: root,
    detached: true,
    env: { ...process.env, PARLEY_HOME: home, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => tail.push(...chunk.toString('utf8').split('\n').filter(Boolean).slice(-20)));
  try {
    while (performance.now() - started < READY_TIMEOUT_MS) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before /health answered:\n${tail.slice(-20).join('\n')}`);
      const status = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) }).then(
        async (res) => (await res.body?.cancel(), res.status),
        () => 0,
      );
      if (status === 200) {
        const readyMs = Math.round(performance.now() - started);
        return { readyMs, cpuMs: child.pid === undefined ? null : ((await treeCpuMs(child.pid)) ?? null) };
      }
      await sleep(50);
    }
    throw new Error(`/health did not answer 200 within ${READY_TIMEOUT_MS / 1000} s:\n${tail.slice(-20).join('\n')}`);
  } finally {
    await stopGroup(child);
  }
}

/** Reads `--runs N` and `--home DIR` from `argv`. */
function parseStartArgs(argv: string[]): { runs: number; home?: string } {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const runs = Number(value('--runs') ?? 3);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error(`--runs: "${value('--runs')}" is not a whole number from 1 to 20`);
  const home = value('--home');
  return home ? { runs, home } : { runs };
}

async function main(): Promise<number> {
  const { runs, home: givenHome } = parseStartArgs(process.argv.slice(2));
  const root = findProjectRoot();
  const home = givenHome ?? (await mkdtemp(join(tmpdir(), 'parley-start-')));
  try {
    const buildMs = await timeBuild(root);
    const starts: { store: 'empty' | 'existing'; readyMs: number; cpuMs: number | null }[] = [];
    for (let run = 0; run < runs; run++) {
      const store = run === 0 && !givenHome ? 'empty' : 'existing';
      starts.push({ store, ...(await timeStart(root, home)) });
    }
    const later = starts.filter((start) => start.store === 'existing');
    const median = (pick: (start: (typeof starts)[number]) => number | null) => {
      const values = (later.length ? later : starts).map(pick).filter((value): value is number => value !== null);
      return values.length ? percentile(values, 50) : null;
    };
    const result = {
      buildMs,
      starts,
      firstReadyMs: starts[0]?.readyMs,
      medianReadyMs: median((start) => start.readyMs),
      medianCpuMs: median((start) => start.cpuMs),
      loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    reportBenchFailure(err, (message) => process.stderr.write(`${message}\n`));
    return 1;
  } finally {
    if (!givenHome) await rm(home, { recursive: true, force: true });
  }
}

runBenchMain(main, (message) => process.stderr.write(`${message}\n`));
