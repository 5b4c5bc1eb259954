/**
 * `npm run bench:webchat [-- --clients N --messages M --cpu-prof DIR --verbose]`: load test of the web chat WebSocket; with
 * `--rate R --seconds S` an open loop instead (R messages per second offered for S seconds over the N clients).
 *
 * Starts `parley serve` on a free port with a throw-away PARLEY_HOME, connects N clients (default 500) to `/ws/chat`,
 * each sends M messages (default 10) one after another, and prints one JSON line on stdout:
 * `{"clients", "messages", "errors", "lost", "duplicated", "p50Ms", "p99Ms", "msgsPerSec", "cpuMsPerTurn", "turnMs",
 * "stageMs", "statementsPerTurn", "transactionsPerTurn", …}` (the last five from the server's `/metrics` before and after
 * the sending phase; the store's statements include accepting each message and the server's background loops).
 * A message is lost when no `reply` with its clientMessageId arrives within 10 s, and duplicated when two do.
 * With `--cpu-prof DIR` it also prints `cpuMsPerTurnByStage`: the server's CPU per turn in each pipeline stage over
 * the sending phase, from the CPU profiles (see `profile-stages.ts`; the profiler itself costs some 10–20 %).
 * Logs go to stderr. Exit code 1 when anything was lost, duplicated or failed; 0 otherwise; 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot, freePort, reportBenchFailure, runBenchMain, SERVER_NODE_FLAGS, sleep } from './server-process.js';
import { scrapeMetrics, turnCosts } from './server-metrics.js';
import { stageCpuPerTurn } from './profile-stages.js';
import { BenchClient, LINGER_MS, log, QUESTIONS, type Stats } from './webchat-client.js';
import { parseBenchArgs, UsageError } from './bench-args.js';

const HEALTH_TIMEOUT_MS = 60_000;
/** Sockets opened at once; the next batch starts when this one is ready, so a small machine is not swamped. */
const CONNECT_BATCH = 50;

interface Options {
  clients: number;
  messages: number;
  verbose: boolean;
  /** Open loop: messages per second offered (spread over the clients, not waiting for replies); with `seconds`. */
  rate?: number;
  seconds?: number;
  /** Write a V8 CPU profile of the server process into this directory (`--cpu-prof DIR`), for finding per-turn work. */
  cpuProfDir?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { clients: 500, messages: 10, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--verbose') {
      options.verbose = true;
      continue;
    }
    if (arg === '--cpu-prof' || arg.startsWith('--cpu-prof=')) {
      const dir = arg.includes('=') ? arg.slice('--cpu-prof='.length) : argv[++i];
      if (!dir) throw new UsageError('--cpu-prof needs a directory');
      options.cpuProfDir = dir;
      continue;
    }
    const match = /^--(clients|messages|rate|seconds)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}" (use --clients N --messages M, or --rate R --seconds S for an open loop; [--verbose])`);
    const raw = match[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < 1) {
      throw new UsageError(`--${match[1]} needs a positive integer, got "${raw ?? ''}"`);
    }
    options[match[1] as 'clients' | 'messages' | 'rate' | 'seconds'] = value;
  }
  if ((options.rate === undefined) !== (options.seconds === undefined)) throw new UsageError('--rate and --seconds go together (an open loop of R messages per second for S seconds)');
  return options;
}

/** Keeps the last lines of the server's output, to show why it failed. */
class Tail {
  private readonly lines: string[] = [];
  constructor(private readonly max: number) {}
  push(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
    }
  }
  toString(): string {
    return this.lines.join('\n');
  }
}

function startServer(root: string, port: number, home: string, verbose: boolean, tail: Tail, cpuProfDir?: string): ChildProcess {
  const cli = join(root, 'dist', 'bot', 'app', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run "npm run build" first`);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), cli, 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), PARLEY_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onOutput = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail.push(text);
    if (verbose) process.stderr.write(text);
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  return child;
}

async function waitForHealth(base: string, child: ChildProcess, tail: Tail): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before /health answered:\n${tail.toString()}`);
    }
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) });
      const body = (await res.json().catch(() => ({}))) as { vision?: unknown };
      // The try-on models load in the background after start (seconds of CPU): the run starts once they are loaded,
      // so that their loading is not counted as turns' CPU.
      if (res.status === 200 && body.vision !== 'loading') return;
      lastProblem = res.status === 200 ? 'the try-on models are still loading' : `HTTP ${res.status}`;
    } catch (err) {
      lastProblem = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`GET ${base}/health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${lastProblem}):\n${tail.toString()}`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[rank] ?? 0) * 10) / 10;
}

/**
 * The open loop: `rate` messages per second for `seconds`, round-robin over the clients, each sent on schedule
 * whether or not earlier replies came (so a slow server builds a queue instead of slowing the load down).
 */
async function openLoop(clients: readonly BenchClient[], rate: number, seconds: number): Promise<void> {
  const total = rate * seconds;
  const intervalMs = 1000 / rate;
  const started = performance.now();
  const waiting: Promise<void>[] = [];
  for (let i = 0; i < total && clients.length > 0; i++) {
    const wait = started + i * intervalMs - performance.now();
    if (wait >= 1) await sleep(wait);
    waiting.push(clients[i % clients.length]!.send(QUESTIONS[i % QUESTIONS.length] ?? 'Hello'));
  }
  await Promise.all(waiting);
  await sleep(LINGER_MS);
  for (const client of clients) client.finish();
}

/** The sending phase on the monotonic clock (µs, as V8's CPU profiles count), and the turns the server ran in it. */
interface SendingPhase {
  fromUs: number;
  toUs: number;
  turns: number;
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function run(options: Options, base: string, phase: SendingPhase): Promise<Record<string, unknown>> {
  const url = `${base.replace(/^http/, 'ws')}/ws/chat`;
  const stats: Stats = { sent: 0, replies: 0, lost: 0, late: 0, duplicated: 0, errors: 0, connectFailures: 0, latencies: [] };
  const clients = Array.from({ length: options.clients }, (_, i) => new BenchClient(i, url, stats));
  const connected: BenchClient[] = [];
  const connectStart = performance.now();
  try {
    for (let i = 0; i < clients.length; i += CONNECT_BATCH) {
      const batch = clients.slice(i, i + CONNECT_BATCH);
      const results = await Promise.all(batch.map((c) => c.connect()));
      batch.forEach((c, j) => {
        if (results[j]) connected.push(c);
      });
    }
    const connectMs = performance.now() - connectStart;
    log(`${connected.length}/${clients.length} clients ready in ${Math.round(connectMs)} ms; sending ${options.messages} messages each`);

    const before = await scrapeMetrics(base);
    phase.fromUs = monotonicUs();
    const sendStart = performance.now();
    if (options.rate && options.seconds) await openLoop(connected, options.rate, options.seconds);
    else await Promise.all(connected.map((c) => c.chat(options.messages)));
    const sendMs = performance.now() - sendStart - LINGER_MS; // the linger is not part of the sending phase
    phase.toUs = monotonicUs();
    // The server's own account of the run: CPU per turn (everything included) and time per pipeline stage.
    const costs = turnCosts(before, await scrapeMetrics(base));
    phase.turns = costs.turns;

    const sorted = [...stats.latencies].sort((a, b) => a - b);
    return {
      clients: options.clients,
      messages: stats.sent,
      errors: stats.errors,
      lost: stats.lost,
      duplicated: stats.duplicated,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      msgsPerSec: sendMs > 0 ? Math.round((stats.replies / (sendMs / 1000)) * 10) / 10 : 0,
      ...(options.rate ? { mode: 'open', offeredPerSec: options.rate, seconds: options.seconds } : { mode: 'closed', messagesPerClient: options.messages }),
      connected: connected.length,
      replies: stats.replies,
      lateReplies: stats.late,
      connectMs: Math.round(connectMs),
      sendMs: Math.round(sendMs),
      cpuMsPerTurn: costs.cpuMsPerTurn,
      turnMs: costs.turnMs,
      stageMs: costs.stageMs,
      statementsPerTurn: costs.statementsPerTurn,
      transactionsPerTurn: costs.transactionsPerTurn,
    };
  } finally {
    for (const c of clients) c.terminate();
  }
}

async function main(): Promise<number> {
  const options = parseBenchArgs(parseArgs, process.argv.slice(2), log);
  if (!options) return 2;

  const root = findProjectRoot();
  const home = await mkdtemp(join(tmpdir(), 'parley-bench-webchat-'));
  const tail = new Tail(40);
  let child: ChildProcess | null = null;
  const cleanup = async (): Promise<void> => {
    if (child) await stopServer(child);
    await rm(home, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    log(`starting the server on ${base} (PARLEY_HOME=${home})`);
    child = startServer(root, port, home, options.verbose, tail, options.cpuProfDir);
    await waitForHealth(base, child, tail);
    log('server is healthy');

    const phase: SendingPhase = { fromUs: 0, toUs: 0, turns: 0 };
    const result = await run(options, base, phase);
    if (child.exitCode !== null || child.signalCode !== null) {
      log(`the server exited during the run:\n${tail.toString()}`);
      result.errors = Number(result.errors) + 1;
    }
    if (options.cpuProfDir && child.pid !== undefined) {
      // The profile is written when the server exits.
      await stopServer(child);
      result.cpuMsPerTurnByStage = (await stageCpuPerTurn(options.cpuProfDir, child.pid, phase.fromUs, phase.toUs, phase.turns)) ?? null;
    }
    process.stdout.write(JSON.stringify(result) + '\n');
    const failures = Number(result.lost) + Number(result.duplicated) + Number(result.errors);
    if (failures > 0) log(`FAILED: ${result.lost} lost, ${result.duplicated} duplicated, ${result.errors} errors`);
    return failures > 0 ? 1 : 0;
  } catch (err) {
    reportBenchFailure(err, log);
    return 1;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

runBenchMain(main, log);
