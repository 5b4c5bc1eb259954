/**
 * `npm run bench:crash -- --cut-db [--clients N --messages M --cut-ms MS --blackhole --verbose]`: the database-outage crash test.
 *
 * Runs the real server (`node dist/bot/app/cli.js serve`) on PostgreSQL (`DATABASE_URL`, default
 * `postgres://127.0.0.1:5432/test`) in a fresh schema, reached through a local TCP proxy. N web chat clients (default
 * 100) each send M numbered messages (default 10), one after another; when half of all messages are sent, the proxy
 * cuts the database connection (or, with `--blackhole`, silently drops its traffic) for `--cut-ms` (default 10,000),
 * then restores it. The server is never killed. Prints one JSON line:
 * `{"store":"postgres","cutMs","kills":0,"messages","lost","silent","duplicated","outOfOrder","missingFromTranscript","serverExited"}`
 * - lost: a customer message missing from the conversation's transcript at the end;
 * - silent: a message that got no real answer (the "your message is saved" notice does not count) by the end;
 * - duplicated: a message answered by two different replies, or stored twice;
 * - outOfOrder: a client's answers, or its messages in the transcript, not in the order sent;
 * - missingFromTranscript: an answer the client received that the transcript lacks.
 * Exit code 0 when every counter is zero and the server stayed up, 1 otherwise, 2 on bad arguments.
 * `runDbCutBench` is exported for `npm run bench:crash`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { PostgresDriver } from '../../bot/storage/index.js';
import { postgresForTests } from '../../bot/testing/postgres.js';
import { startTcpProxy, type TcpProxy } from '../../bot/testing/tcp-proxy.js';
import { findProjectRoot, freePort, SERVER_NODE_FLAGS } from './server-process.js';

/** Options of {@link runDbCutBench}. */
export interface DbCutOptions {
  /** Web chat clients; default 100. */
  clients: number;
  /** Numbered messages per client; default 10. */
  messages: number;
  /** How long the database stays unreachable (ms); default 10,000. */
  cutMs: number;
  /** Drop the database's traffic silently instead of cutting its connections; default false. */
  blackhole: boolean;
  /** Copy the server's log to stderr; default false. */
  verbose: boolean;
}

/** What {@link runDbCutBench} prints (all counters zero when nothing was lost). */
export interface DbCutResult {
  store: 'postgres';
  mode: 'cut' | 'blackhole';
  cutMs: number;
  kills: 0;
  messages: number;
  lost: number;
  silent: number;
  duplicated: number;
  outOfOrder: number;
  missingFromTranscript: number;
  serverExited: boolean;
  /** "Your message is saved" notices the clients got during the outage. */
  savedNotices: number;
  /** Time from the restore until `/health` answered 200 again (ms). */
  recoveredMs: number | null;
  /** Longest wait from a message to its real answer (ms). */
  maxAnswerMs: number;
}

export const DEFAULT_DBCUT_OPTIONS: DbCutOptions = { clients: 100, messages: 10, cutMs: 10_000, blackhole: false, verbose: false };

/** How long clients wait for the last answers after the database is back. */
const SETTLE_MS = 60_000;
/** Pause between a client's messages (ms), so that the run spans the outage. */
const THINK_MS = 400;
const HEALTH_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (message: string) => process.stderr.write(`[bench:crash --cut-db] ${message}\n`);

interface Sent {
  n: number;
  text: string;
  sentAt: number;
  /** Ids of the real (not pending) replies received. */
  answers: Set<string>;
  answeredAt?: number;
  notices: number;
}

/** One customer: a web chat socket sending numbered messages one after another. */
class DbCutClient {
  readonly sent: Sent[] = [];
  readonly answerOrder: number[] = [];
  conversationId = '';
  token = '';
  private socket: WebSocket | undefined;
  private readonly byId = new Map<string, Sent>();
  private wake: (() => void) | undefined;

  constructor(private readonly index: number, private readonly url: string) {}

  async connect(): Promise<void> {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`client ${this.index}: no ready within 30 s`)), 30_000);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Record<string, unknown>;
        if (frame.type === 'ready') {
          this.conversationId = String(frame.conversationId);
          this.token = String(frame.token);
          clearTimeout(timer);
          resolve();
        } else this.onFrame(frame);
      });
      socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', userId: `dbcut-${this.index}` })));
      socket.once('error', reject);
    });
  }

  /** Sends the messages; each waits for a reply (answer or "saved" notice) before the next. */
  async chat(count: number, onSent: () => void): Promise<void> {
    for (let n = 1; n <= count; n++) {
      const clientMessageId = randomUUID();
      const entry: Sent = { n, text: `Message ${n} from customer ${this.index}: how long does a refund take?`, sentAt: Date.now(), answers: new Set(), notices: 0 };
      this.byId.set(clientMessageId, entry);
      this.sent.push(entry);
      const replied = new Promise<void>((resolve) => (this.wake = resolve));
      this.socket?.send(JSON.stringify({ type: 'message', clientMessageId, text: entry.text }));
      onSent();
      await Promise.race([replied, sleep(15_000)]);
      await sleep(THINK_MS * (0.5 + Math.random()));
    }
  }

  /** True once every message has a real answer. */
  get settled(): boolean {
    return this.sent.every((entry) => entry.answers.size > 0);
  }

  close(): void {
    this.socket?.terminate();
  }

  private onFrame(frame: Record<string, unknown>): void {
    if (frame.type !== 'reply') return;
    const entry = this.byId.get(String(frame.clientMessageId));
    if (!entry) return;
    if ((frame.reply as { pending?: boolean }).pending) entry.notices++;
    else {
      if (entry.answers.size === 0) {
        entry.answeredAt = Date.now();
        this.answerOrder.push(entry.n);
      }
      entry.answers.add(String(frame.messageId));
    }
    this.wake?.();
  }
}

async function healthy(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Runs the database-outage crash test (see the file's comment) and returns its figures. */
export async function runDbCutBench(options: DbCutOptions = DEFAULT_DBCUT_OPTIONS): Promise<DbCutResult> {
  const root = findProjectRoot();
  const cli = join(root, 'dist', 'bot', 'app', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: run "npm run build" first`);
  const { available, connectionString: databaseUrl } = await postgresForTests('the database-outage bench');
  if (!available) throw new Error('the database-outage bench needs PostgreSQL (DATABASE_URL, default postgres://127.0.0.1:5432/test)');
  const schema = `parley_dbcut_${randomBytes(5).toString('hex')}`;
  const target = new URL(databaseUrl);
  const proxy: TcpProxy = await startTcpProxy({ targetHost: target.hostname, targetPort: Number(target.port || 5432) });
  const home = await mkdtemp(join(tmpdir(), 'parley-bench-dbcut-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let serverExited = false;
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, cli, 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_HOME: home, DATABASE_URL: proxy.proxiedUrl(databaseUrl), DATABASE_SCHEMA: schema, PARLEY_VISION: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (options.verbose) process.stderr.write(text);
    tail.push(...text.split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 30));
  });
  child.once('exit', () => (serverExited = true));
  const clients = Array.from({ length: options.clients }, (_, i) => new DbCutClient(i, `${base.replace('http', 'ws')}/ws/chat`));
  try {
    const startDeadline = Date.now() + HEALTH_TIMEOUT_MS;
    while (!(await healthy(base))) {
      if (serverExited) throw new Error(`the server exited before it was ready:\n${tail.join('\n')}`);
      if (Date.now() > startDeadline) throw new Error(`the server was not ready within ${HEALTH_TIMEOUT_MS / 1000} s:\n${tail.join('\n')}`);
      await sleep(250);
    }
    for (let i = 0; i < clients.length; i += 25) await Promise.all(clients.slice(i, i + 25).map((c) => c.connect()));
    log(`${clients.length} clients ready; ${options.messages} messages each; the database goes away half-way for ${options.cutMs} ms (${options.blackhole ? 'black hole' : 'cut'})`);

    const total = clients.length * options.messages;
    let sentCount = 0;
    let outage: Promise<{ cutMs: number; recoveredMs: number | null }> | undefined;
    const startOutage = async () => {
      const started = Date.now();
      if (options.blackhole) proxy.blackhole();
      else proxy.cut();
      await sleep(options.cutMs);
      proxy.restore();
      const cutMs = Date.now() - started;
      const restoredAt = Date.now();
      let recoveredMs: number | null = null;
      while (Date.now() - restoredAt < SETTLE_MS) {
        if (await healthy(base)) {
          recoveredMs = Date.now() - restoredAt;
          break;
        }
        await sleep(100);
      }
      log(`database back after ${cutMs} ms; /health 200 again ${recoveredMs ?? 'never'} ms later`);
      return { cutMs, recoveredMs };
    };
    await Promise.all(
      clients.map((c) =>
        c.chat(options.messages, () => {
          if (++sentCount >= total / 2) outage ??= startOutage();
        }),
      ),
    );
    const { cutMs, recoveredMs } = await (outage ?? startOutage());
    const settleDeadline = Date.now() + SETTLE_MS;
    while (!clients.every((c) => c.settled) && Date.now() < settleDeadline) await sleep(200);
    await sleep(1_000); // late duplicates

    const result: DbCutResult = {
      store: 'postgres',
      mode: options.blackhole ? 'blackhole' : 'cut',
      cutMs,
      kills: 0,
      messages: sentCount,
      lost: 0,
      silent: 0,
      duplicated: 0,
      outOfOrder: 0,
      missingFromTranscript: 0,
      serverExited,
      savedNotices: 0,
      recoveredMs,
      maxAnswerMs: 0,
    };
    for (const client of clients) {
      const response = await fetch(`${base}/api/conversations/${client.conversationId}/messages`, { headers: { authorization: `Bearer ${client.token}` } });
      const { messages } = (await response.json()) as { messages: Array<{ id: string; role: string; text: string }> };
      const customerTexts = messages.filter((m) => m.role === 'customer').map((m) => m.text);
      const stored = new Set(messages.map((m) => m.id));
      let lastIndex = -1;
      for (const entry of client.sent) {
        const copies = customerTexts.filter((text) => text === entry.text).length;
        if (copies === 0) result.lost++;
        if (copies > 1 || entry.answers.size > 1) result.duplicated++;
        if (entry.answers.size === 0) {
          result.silent++;
          log(`silent: message ${entry.n} of conversation ${client.conversationId} (${entry.notices} notices; ${copies} stored)`);
        }
        if ([...entry.answers].some((id) => !stored.has(id))) result.missingFromTranscript++;
        result.savedNotices += entry.notices;
        if (entry.answeredAt) result.maxAnswerMs = Math.max(result.maxAnswerMs, entry.answeredAt - entry.sentAt);
        const index = customerTexts.indexOf(entry.text);
        if (index !== -1 && index < lastIndex) result.outOfOrder++;
        if (index !== -1) lastIndex = index;
      }
      client.answerOrder.forEach((n, i) => {
        if (i > 0 && n < client.answerOrder[i - 1]!) result.outOfOrder++;
      });
    }
    result.serverExited = serverExited;
    return result;
  } finally {
    for (const client of clients) client.close();
    if (!serverExited) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await proxy.close();
    const driver = new PostgresDriver({ connectionString: databaseUrl, schema });
    await driver.dropSchema(schema).catch((error: unknown) => log(`could not drop schema ${schema}: ${String(error)}`));
    await driver.close();
    await rm(home, { recursive: true, force: true });
  }
}

function parseArgs(argv: readonly string[]): DbCutOptions {
  const options = { ...DEFAULT_DBCUT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--verbose') options.verbose = true;
    else if (arg === '--blackhole') options.blackhole = true;
    else {
      const match = /^--(clients|messages|cut-ms)(?:=(.*))?$/.exec(arg);
      if (!match) throw new RangeError(`unknown argument "${arg}" (use --clients N --messages M --cut-ms MS [--blackhole] [--verbose])`);
      const raw = match[2] ?? argv[++i];
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${match[1]} needs a positive integer, got "${raw ?? ''}"`);
      if (match[1] === 'clients') options.clients = value;
      else if (match[1] === 'messages') options.messages = value;
      else options.cutMs = value;
    }
  }
  return options;
}

/**
 * The command line of the database-cut bench (`npm run bench:crash -- --cut-db [--blackhole] …`): prints the result
 * as one JSON line; returns the exit code (0 all counts zero and the server stayed up, 1 otherwise, 2 bad arguments).
 */
export async function dbCutMain(argv: readonly string[]): Promise<number> {
  let options: DbCutOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(message);
    process.stdout.write(`${JSON.stringify({ error: { code: 'bad_arguments', message } })}\n`);
    return 2;
  }
  const result = await runDbCutBench(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  const clean = !result.serverExited && result.lost + result.silent + result.duplicated + result.outOfOrder + result.missingFromTranscript === 0;
  return clean ? 0 : 1;
}
