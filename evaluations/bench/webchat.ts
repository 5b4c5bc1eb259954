/**
 * `npm run bench:webchat [-- --clients N --messages M --verbose]`: load test of the web chat WebSocket; with
 * `--rate R --seconds S` an open loop instead (R messages per second offered for S seconds over the N clients).
 *
 * Starts `parley serve` on a free port with a throw-away PARLEY_HOME, connects N clients (default 500) to `/ws/chat`,
 * each sends M messages (default 10) one after another, and prints one JSON line on stdout:
 * `{"clients", "messages", "errors", "lost", "duplicated", "p50Ms", "p99Ms", "msgsPerSec", "cpuMsPerTurn", "turnMs",
 * "stageMs", …}` (the last three from the server's `/metrics` before and after the sending phase).
 * A message is lost when no `reply` with its clientMessageId arrives within 10 s, and duplicated when two do.
 * Logs go to stderr. Exit code 1 when anything was lost, duplicated or failed; 0 otherwise; 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { RawData } from 'ws';
import { findProjectRoot, freePort, reportBenchFailure, runBenchMain, sleep } from './server-process.js';
import { scrapeMetrics, turnCosts } from './server-metrics.js';

/** No reply within this long means the message is lost (CONTRACTS.md). */
const REPLY_TIMEOUT_MS = 10_000;
/** How long each client keeps listening after its last message, to catch late duplicates. */
const LINGER_MS = 1_000;
const HEALTH_TIMEOUT_MS = 60_000;
/** Sockets opened at once; the next batch starts when this one is ready, so a small machine is not swamped. */
const CONNECT_BATCH = 50;
const CONNECT_TIMEOUT_MS = 30_000;

/** Realistic apparel-store questions the clients pick from. */
const QUESTIONS = [
  'How do I return a sweater that does not fit?',
  'How long does standard shipping take?',
  'Do you ship to Canada, and how much does it cost?',
  'My order has not arrived yet, where is it?',
  'Can I change the delivery address on my order?',
  'What size should I get if I am usually between a medium and a large?',
  'Do your jeans run small?',
  'How should I wash a wool sweater?',
  'Can I put the organic cotton tee in the dryer?',
  'Which payment methods do you accept?',
  'Can I pay with PayPal or Apple Pay?',
  'I was charged twice for the same order, what should I do?',
  'How long does a refund take to show up on my card?',
  'Can I exchange a jacket for a different colour?',
  'Is the waxed field jacket waterproof?',
  'Do you offer gift cards?',
  'How do I use a discount code at checkout?',
  'Can I cancel my order? I placed it an hour ago.',
  'The seam on my cardigan came apart after two weeks, can I get a replacement?',
  'Do you have a store where I can try things on?',
];

interface Options {
  clients: number;
  messages: number;
  verbose: boolean;
  /** Open loop: messages per second offered (spread over the clients, not waiting for replies); with `seconds`. */
  rate?: number;
  seconds?: number;
}

interface Stats {
  sent: number;
  replies: number;
  lost: number;
  late: number;
  duplicated: number;
  errors: number;
  connectFailures: number;
  latencies: number[];
}

class UsageError extends Error {}

function log(message: string): void {
  process.stderr.write(`[bench:webchat] ${message}\n`);
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { clients: 500, messages: 10, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--verbose') {
      options.verbose = true;
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

function startServer(root: string, port: number, home: string, verbose: boolean, tail: Tail): ChildProcess {
  const cli = join(root, 'dist', 'bot', 'app', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run "npm run build" first`);
  const child = spawn(process.execPath, [cli, 'serve'], {
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
      await res.body?.cancel();
      if (res.status === 200) return;
      lastProblem = `HTTP ${res.status}`;
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

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

interface Pending {
  sentAt: number;
  replies: number;
  /** Ends the wait for the reply; null once it ended (reply, timeout or closed socket). */
  settle: (() => void) | null;
}

/** One simulated customer: connects, waits for `ready`, then chats. */
class BenchClient {
  private socket: WebSocket | null = null;
  private closing = false;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly index: number,
    private readonly url: string,
    private readonly stats: Stats,
  ) {}

  /** Resolves true once `ready` arrived, false when the client could not connect (counted as an error). */
  connect(): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (ok: boolean, problem?: string): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (!ok) {
          this.stats.errors++;
          this.stats.connectFailures++;
          if (this.stats.connectFailures <= 5) log(`client ${this.index} could not connect: ${problem ?? 'unknown'}`);
          this.closing = true;
          this.socket?.terminate();
        }
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false, `no ready within ${CONNECT_TIMEOUT_MS / 1000} s`), CONNECT_TIMEOUT_MS);
      const socket = new WebSocket(this.url, { handshakeTimeout: CONNECT_TIMEOUT_MS });
      this.socket = socket;
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'hello', userId: `bench-${this.index}-${randomUUID()}` }));
      });
      socket.on('message', (data) => {
        let frame: unknown;
        try {
          frame = JSON.parse(frameText(data));
        } catch {
          this.problem('a frame that is not JSON');
          return;
        }
        if (typeof frame !== 'object' || frame === null) return;
        const f = frame as Record<string, unknown>;
        if (f.type === 'ready') finish(true);
        else if (!done && f.type === 'error') finish(false, `error frame ${JSON.stringify(f)}`);
        else this.onFrame(f);
      });
      socket.on('error', (err) => {
        if (!done) finish(false, err.message);
        else this.problem(`socket error: ${err.message}`);
      });
      socket.on('close', (code) => {
        if (!done) finish(false, `closed with ${code} before ready`);
        else if (!this.closing) {
          this.problem(`unexpected close (code ${code})`);
          this.abandonPending();
        }
      });
    });
  }

  /** Sends the messages one after another, each waiting for its reply or the reply timeout. */
  async chat(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
        // the socket is gone: the remaining messages cannot be sent, so they count as lost
        this.stats.sent += count - i;
        this.stats.lost += count - i;
        break;
      }
      await this.sendOne(QUESTIONS[(this.index + i) % QUESTIONS.length] ?? 'Hello');
    }
    await sleep(LINGER_MS);
    this.closing = true;
    this.socket?.close(1000, 'bench done');
  }

  /** Sends one message without waiting for earlier replies (open loop); resolves when its reply came or it was lost. */
  send(text: string): Promise<void> {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      this.stats.sent++;
      this.stats.lost++;
      return Promise.resolve();
    }
    return this.sendOne(text);
  }

  /** Stops listening and closes the socket. */
  finish(): void {
    this.closing = true;
    this.socket?.close(1000, 'bench done');
  }

  private sendOne(text: string): Promise<void> {
    return new Promise((resolve) => {
      const id = randomUUID();
      const entry: Pending = { sentAt: performance.now(), replies: 0, settle: null };
      const timer = setTimeout(() => {
        entry.settle = null;
        this.stats.lost++;
        resolve();
      }, REPLY_TIMEOUT_MS);
      entry.settle = () => {
        clearTimeout(timer);
        entry.settle = null;
        resolve();
      };
      this.pending.set(id, entry);
      this.stats.sent++;
      this.socket?.send(JSON.stringify({ type: 'message', clientMessageId: id, text }), (err) => {
        if (err) this.problem(`send failed: ${err.message}`);
      });
    });
  }

  /** The socket is gone, so no reply can come: waiting messages are lost now rather than after the timeout. */
  private abandonPending(): void {
    for (const entry of this.pending.values()) {
      if (!entry.settle) continue;
      this.stats.lost++;
      entry.settle();
    }
  }

  private onFrame(f: Record<string, unknown>): void {
    if (f.type === 'error') {
      this.problem(`error frame ${JSON.stringify(f)}`);
      return;
    }
    if (f.type !== 'reply') return; // ack, typing, message: not measured
    const id = typeof f.clientMessageId === 'string' ? f.clientMessageId : '';
    const entry = this.pending.get(id);
    if (!entry) {
      this.problem(`reply for a clientMessageId this client never sent: ${id || '(none)'}`);
      return;
    }
    entry.replies++;
    if (entry.replies === 2) this.stats.duplicated++;
    if (entry.replies > 1) return;
    if (entry.settle) {
      this.stats.replies++;
      this.stats.latencies.push(performance.now() - entry.sentAt);
      entry.settle();
    } else {
      this.stats.late++; // after the timeout: already counted as lost
    }
  }

  private problem(message: string): void {
    this.stats.errors++;
    if (this.stats.errors <= 20) log(`client ${this.index}: ${message}`);
  }

  terminate(): void {
    this.closing = true;
    this.socket?.terminate();
  }
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

async function run(options: Options, base: string): Promise<Record<string, unknown>> {
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
    const sendStart = performance.now();
    if (options.rate && options.seconds) await openLoop(connected, options.rate, options.seconds);
    else await Promise.all(connected.map((c) => c.chat(options.messages)));
    const sendMs = performance.now() - sendStart - LINGER_MS; // the linger is not part of the sending phase
    // The server's own account of the run: CPU per turn (everything included) and time per pipeline stage.
    const costs = turnCosts(before, await scrapeMetrics(base));

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
    };
  } finally {
    for (const c of clients) c.terminate();
  }
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    log(err.message);
    process.stdout.write(JSON.stringify({ error: { code: 'bad_arguments', message: err.message } }) + '\n');
    return 2;
  }

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
    child = startServer(root, port, home, options.verbose, tail);
    await waitForHealth(base, child, tail);
    log('server is healthy');

    const result = await run(options, base);
    if (child.exitCode !== null || child.signalCode !== null) {
      log(`the server exited during the run:\n${tail.toString()}`);
      result.errors = Number(result.errors) + 1;
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
