/**
 * `npm run measure:install [-- --keep]`: what `npm install` costs a new user. It clones the repository's committed
 * state (`git clone` of HEAD) into a temporary folder, runs `npm install --no-audit --no-fund` there (with the
 * machine's npm cache, as a user who installed npm packages before has one; the install does not build: `npm start`
 * and `npm test` do), and prints one JSON line: `{"commit", "installMs", "installCpuMs", "nodeModulesMb",
 * "nodeModulesDiskMb", "topLevelPackages", "largestMb": {name: MB, … top 8}, "loadAverage"}`. `installCpuMs` is the
 * CPU time of npm and every process it ran (the figure to compare when other work loads the machine); `nodeModulesMb`
 * adds up file sizes, `nodeModulesDiskMb` is the disk space the files take (`du -s`).
 * `--keep` leaves the clone in place (its path is printed as `"dir"`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, lstat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot, reportBenchFailure, runBenchMain } from './server-process.js';

/** Runs `file args` in `cwd`; resolves to its stdout, rejects with its stderr when it fails. */
function run(file: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString('utf8')).slice(-4_000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} ${args.join(' ')} exited with ${code}:\n${err}`))));
  });
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (ms) of this process's finished and waited-for child processes (and theirs), from /proc; undefined without it. */
async function childrenCpuMs(): Promise<number | undefined> {
  const text = await readFile('/proc/self/stat', 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15) cutime(16) cstime(17).
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Math.round(((Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND) * 1000);
}

/** Total size in bytes of the files under `path` (symbolic links counted as links, not followed). */
async function diskBytes(path: string): Promise<number> {
  const stats = await lstat(path);
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await diskBytes(join(path, entry));
  return total;
}

/** Disk space in bytes that the files under `path` take (allocated blocks, as `du -s` counts them; hard links once). */
async function allocatedBytes(path: string, seen = new Set<string>()): Promise<number> {
  const stats = await lstat(path);
  const key = `${stats.dev}:${stats.ino}`;
  if (seen.has(key)) return 0;
  seen.add(key);
  let total = stats.blocks * 512;
  if (stats.isDirectory()) for (const entry of await readdir(path)) total += await allocatedBytes(join(path, entry), seen);
  return total;
}

/** The top-level packages of `nodeModules` (scoped ones as `@scope/name`) with their sizes in bytes. */
async function packageSizes(nodeModules: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const entry of await readdir(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? (await readdir(join(nodeModules, entry))).map((name) => `${entry}/${name}`) : [entry];
    for (const name of names) sizes.set(name, await diskBytes(join(nodeModules, name)));
  }
  return sizes;
}

const megabytes = (bytes: number) => Math.round(bytes / 1_048_576);

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const root = findProjectRoot();
  const dir = await mkdtemp(join(tmpdir(), 'parley-install-'));
  try {
    await run('git', ['clone', '--quiet', '--no-hardlinks', root, dir], tmpdir());
    const commit = (await run('git', ['rev-parse', '--short', 'HEAD'], dir)).trim();
    const npmCli = process.env.npm_execpath;
    const [file, args] = npmCli ? [process.execPath, [npmCli, 'install', '--no-audit', '--no-fund']] : ['npm', ['install', '--no-audit', '--no-fund']];
    const cpuBefore = await childrenCpuMs();
    const started = performance.now();
    await run(file, args as string[], dir);
    const installMs = Math.round(performance.now() - started);
    const cpuAfter = await childrenCpuMs();
    const sizes = await packageSizes(join(dir, 'node_modules'));
    const total = await diskBytes(join(dir, 'node_modules'));
    const largest = [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 8);
    const result = {
      commit,
      installMs,
      installCpuMs: cpuBefore === undefined || cpuAfter === undefined ? null : cpuAfter - cpuBefore,
      nodeModulesMb: megabytes(total),
      nodeModulesDiskMb: megabytes(await allocatedBytes(join(dir, 'node_modules'))),
      topLevelPackages: sizes.size,
      largestMb: Object.fromEntries(largest.map(([name, bytes]) => [name, megabytes(bytes)])),
      loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
      ...(keep ? { dir } : {}),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    reportBenchFailure(err, (message) => process.stderr.write(`${message}\n`));
    return 1;
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

runBenchMain(main, (message) => process.stderr.write(`${message}\n`));
