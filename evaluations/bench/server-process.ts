/**
 * The Parley server as a child process, for benchmarks that start, kill and restart it: `node dist/bot/app/cli.js
 * serve` on a given port, home and environment, with its last log lines kept to explain a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Node's flags for a Parley server, as `npm start` and the Dockerfile start it: young-generation semi-spaces of 64 MB
 * (default 16) so that the short-lived objects of a turn die in fewer scavenges. Web chat bench, 10 alternated pairs
 * on a quiet machine: server CPU per turn median 1.805 -> 1.675 ms (pair ratio median 0.93), msg/s ratio 1.05.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'] as const;

/** How long a (re)started server may take until `/health` answers 200. */
const HEALTH_TIMEOUT_MS = 60_000;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The directory holding package.json, walking up from this file (works from the sources and from dist/). */
export function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Reports a benchmark that could not run: the full message on stderr (`log`), a `bench_failed` JSON line on stdout. */
export function reportBenchFailure(err: unknown, log: (message: string) => void): void {
  const message = err instanceof Error ? err.message : String(err);
  log(message);
  process.stdout.write(JSON.stringify({ error: { code: 'bench_failed', message: (message.split('\n')[0] ?? '').replace(/:$/, '') } }) + '\n');
}

/** Runs a benchmark's `main` and sets the process exit code from it (1, with the stack logged, if it throws). */
export function runBenchMain(main: () => Promise<number>, log: (message: string) => void): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      log(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    },
  );
}

/** A free TCP port on 127.0.0.1 (the tests' helper). */
export { freePort } from '../../bot/testing/free-port.js';

/** Options of {@link ServerProcess}. */
export interface ServerProcessOptions {
  /** The project root (holds `dist/bot/app/cli.js`). */
  root: string;
  port: number;
  /** Environment added to this process's own (PARLEY_HOME, DATABASE_URL, …); PORT and HOST are set from `port`. */
  env: Record<string, string>;
  /** Copy the server's output to stderr. */
  verbose?: boolean;
  /** Prefix of log lines written to stderr. */
  label?: string;
}

/** One `parley serve` child process at a time, restartable on the same port and store. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private readonly tail: string[] = [];
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;

  constructor(private readonly options: ServerProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  /** The last lines the server wrote (stdout and stderr). */
  lastLines(): string {
    return this.tail.join('\n');
  }

  /** True while the child runs. */
  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** Starts the server and waits until `/health` answers 200. */
  async start(): Promise<void> {
    const cli = join(this.options.root, 'dist', 'bot', 'app', 'cli.js');
    if (!existsSync(cli)) throw new Error(`${cli} does not exist: run "npm run build" first`);
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, cli, 'serve'], {
      cwd: this.options.root,
      env: { ...process.env, ...this.options.env, PORT: String(this.options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (this.tail.length > 40) this.tail.shift();
      }
      if (this.options.verbose) process.stderr.write(text);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    await this.waitForHealth(child);
  }

  private async waitForHealth(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let lastProblem = 'no answer yet';
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before /health answered:\n${this.lastLines()}`);
      }
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
        await res.body?.cancel();
        if (res.status === 200) return;
        lastProblem = `HTTP ${res.status}`;
      } catch (err) {
        lastProblem = err instanceof Error ? err.message : String(err);
      }
      await sleep(100);
    }
    throw new Error(`GET ${this.url}/health did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s (last: ${lastProblem}):\n${this.lastLines()}`);
  }

  /** Kills the server with `signal` (SIGKILL: no shutdown work at all) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the server gracefully (SIGTERM, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }
}
