/**
 * `npm run bench:load [-- --clients 1000 --seconds 60 --verbose]`: several instances under load, through faults.
 *
 * Starts two `parley serve` instances on one PostgreSQL schema (`DATABASE_URL` or postgres://127.0.0.1:5432/test, a
 * fresh schema) and Redis (`REDIS_URL` or redis://127.0.0.1:6379, reached through a local TCP proxy under a unique
 * key namespace) behind a local round-robin balancer. Half the clients chat over web chat (crash-clients.ts: numbered
 * messages, reconnect and re-send), half over REST (`POST /api/chat` with an idempotency key, retried on failure).
 * A third of the way in, one instance is killed with SIGKILL and restarted; two thirds in, Redis "restarts": the
 * proxy drops every connection and refuses new ones for 3 s (the shared Redis itself is never touched). Clients stop
 * sending at `--seconds`, wait for their last replies, then every transcript is checked. Prints one JSON line:
 * `{"instances","clients","messages","errors","lost","duplicated","outOfOrder","p50Ms","p99Ms","msgsPerSec","recoveryMs"}`
 * (and `unanswered`: stored, but no reply by the end) — `recoveryMs`: the longest time from a fault until both
 * instances answered `/ready` again. Exit 1 when lost, duplicated, outOfOrder or unanswered is not zero, 2 on bad
 * arguments.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTcpProxy } from '../../bot/testing/tcp-proxy.js';
import { checkClients, CrashClient } from './crash-clients.js';
import { percentile } from './measure.js';
import { startRoundRobin } from './round-robin.js';
import { findProjectRoot, freePort, reportBenchFailure, runBenchMain, ServerProcess, sleep } from './server-process.js';
import { QUESTIONS } from './webchat-client.js';
import { benchLog, parseBenchArgs, UsageError } from './bench-args.js';

const DEFAULT_DATABASE_URL = 'postgres://127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** After `--seconds`, how long clients may wait for replies to what they sent. */
const GRACE_MS = 60_000;
/** How long the Redis "restart" lasts. */
const REDIS_DOWN_MS = 3_000;

interface Options {
  clients: number;
  seconds: number;
  verbose: boolean;
}

const log = benchLog('load');

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { clients: 1_000, seconds: 60, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--verbose') {
      options.verbose = true;
      continue;
    }
    const match = /^--(clients|seconds)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}" (use --clients N --seconds S [--verbose])`);
    const raw = match[2] ?? argv[++i];
    const value = Number(raw);
    const min = match[1] === 'clients' ? 2 : 5;
    if (raw === undefined || !Number.isInteger(value) || value < min) throw new UsageError(`--${match[1]} needs an integer ≥ ${min}, got "${raw ?? ''}"`);
    if (match[1] === 'clients') options.clients = value;
    else options.seconds = value;
  }
  return options;
}

/** One REST message: its idempotency key, and what happened to it. */
interface RestMessage {
  text: string;
  messageId: string;
  sentAt: number;
  answeredAt?: number;
}

/** A REST customer: one conversation, one message at a time, each retried with its idempotency key until answered. */
class RestClient {
  readonly messages: RestMessage[] = [];
  conversationId: string | undefined;
  token: string | undefined;
  errors = 0;
  /** Failed requests by reason (HTTP status and error code, or the network error). */
  readonly reasons = new Map<string, number>();
  private sending = true;
  private readonly userId = `load-rest-${randomUUID()}`;

  constructor(
    private readonly baseUrl: string,
    private readonly index: number,
  ) {}

  stopSending(): void {
    this.sending = false;
  }

  async run(deadline: number): Promise<void> {
    for (let n = 0; this.sending && Date.now() < deadline; n++) {
      const message: RestMessage = { text: `${QUESTIONS[(this.index + n) % QUESTIONS.length] ?? 'Hello'} (REST message ${n + 1} of client ${this.index})`, messageId: randomUUID(), sentAt: Date.now() };
      this.messages.push(message);
      while (message.answeredAt === undefined && Date.now() < deadline + GRACE_MS) {
        if (await this.post(message)) message.answeredAt = Date.now();
        else await sleep(200 + Math.random() * 300);
      }
      await sleep(Math.random() * 300);
    }
  }

  private async post(message: RestMessage): Promise<boolean> {
    try {
      const res = await fetch(`${this.baseUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: JSON.stringify({ userId: this.userId, text: message.text, messageId: message.messageId, ...(this.conversationId ? { conversationId: this.conversationId } : {}) }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { conversationId?: string; token?: string; replies?: unknown[]; error?: { code?: string } };
      if (res.status !== 200 || !body.replies?.length) {
        this.failed(`HTTP ${res.status} ${body.error?.code ?? ''}`.trim());
        return false;
      }
      this.conversationId ??= body.conversationId;
      this.token ??= body.token;
      return true;
    } catch (error) {
      this.failed(error instanceof Error ? `${error.name}: ${(error.cause as { code?: string } | undefined)?.code ?? error.message}` : String(error));
      return false;
    }
  }

  private failed(reason: string): void {
    this.errors++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  /** Lost, duplicated and out-of-order customer messages in the transcript (answered messages only count as sent). */
  async check(): Promise<{ lost: number; duplicated: number; outOfOrder: number }> {
    const answered = this.messages.filter((m) => m.answeredAt !== undefined);
    if (!this.conversationId || !this.token) return { lost: answered.length, duplicated: 0, outOfOrder: 0 };
    const res = await fetch(`${this.baseUrl}/api/conversations/${this.conversationId}/messages`, { headers: { authorization: `Bearer ${this.token}` } });
    const transcript = ((await res.json()) as { messages: { role: string; text: string }[] }).messages.filter((m) => m.role === 'customer').map((m) => m.text);
    const positions = answered.map((m) => transcript.indexOf(m.text));
    let outOfOrder = 0;
    for (let i = 1; i < positions.length; i++) if (positions[i]! >= 0 && positions[i]! < positions[i - 1]!) outOfOrder++;
    return {
      lost: positions.filter((p) => p < 0).length,
      duplicated: answered.filter((m) => transcript.filter((t) => t === m.text).length > 1).length,
      outOfOrder,
    };
  }
}

/** Waits until every instance answers `/ready` 200; the time it took (ms). */
async function untilReady(servers: readonly ServerProcess[], since: number): Promise<number> {
  for (;;) {
    const ok = await Promise.all(
      servers.map(async (server) => {
        try {
          const res = await fetch(`${server.url}/ready`, { signal: AbortSignal.timeout(2_000) });
          await res.body?.cancel();
          return res.status === 200;
        } catch {
          return false;
        }
      }),
    );
    if (ok.every(Boolean)) return Date.now() - since;
    await sleep(100);
  }
}

async function main(): Promise<number> {
  const options = parseBenchArgs(parseArgs, process.argv.slice(2), log);
  if (!options) return 2;
  const root = findProjectRoot();
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = new URL(process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
  const schema = `parley_load_${randomBytes(6).toString('hex')}`;
  const redis = await startTcpProxy({ targetHost: redisUrl.hostname, targetPort: Number(redisUrl.port || 6379) });
  const homes = [await mkdtemp(join(tmpdir(), 'parley-load-a-')), await mkdtemp(join(tmpdir(), 'parley-load-b-'))];
  const servers = await Promise.all(
    homes.map(
      async (home, i) =>
        new ServerProcess({
          root,
          port: await freePort(),
          label: `instance ${i}`,
          verbose: options.verbose,
          // Vision off (not under test); the schema names the store, so keys in Redis are this run's own.
          env: { PARLEY_HOME: home, PARLEY_VISION: 'false', DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, REDIS_URL: redis.proxiedUrl(redisUrl.href) },
        }),
    ),
  );
  const cleanup = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    await redis.close();
    const { PostgresDriver } = await import('../../bot/storage/index.js');
    const driver = new PostgresDriver({ connectionString: databaseUrl, schema });
    await driver.dropSchema(schema).catch((error: unknown) => log(`could not drop the schema: ${String(error)}`));
    await driver.close();
    for (const home of homes) await rm(home, { recursive: true, force: true });
  };
  try {
    log(`PostgreSQL schema ${schema}, Redis through ${redis.host}:${redis.port}; starting ${servers.length} instances`);
    // One after the other: the first one migrates and loads the sample data.
    for (const server of servers) await server.start();
    const balancer = await startRoundRobin(servers.map((server) => Number(new URL(server.url).port)));
    const baseUrl = `http://127.0.0.1:${balancer.port}`;
    const started = Date.now();
    const deadline = started + options.seconds * 1_000;
    const webchatCount = Math.ceil(options.clients / 2);
    const webchat = Array.from({ length: webchatCount }, (_, index) => new CrashClient({ wsUrl: `${baseUrl.replace(/^http/, 'ws')}/ws/chat`, index, messages: options.seconds * 4, window: 1 }));
    const rest = Array.from({ length: options.clients - webchatCount }, (_, index) => new RestClient(baseUrl, index));
    log(`${webchat.length} web chat and ${rest.length} REST clients through ${baseUrl} for ${options.seconds} s`);
    const runs = [...webchat.map((client) => client.run(deadline + GRACE_MS)), ...rest.map((client) => client.run(deadline))];
    const recoveries: number[] = [];
    const faults = (async () => {
      await sleep(Math.max(0, started + (options.seconds * 1_000) / 3 - Date.now()));
      const killedAt = Date.now();
      log('SIGKILL instance 1; restarting it');
      await servers[1]!.kill('SIGKILL');
      await servers[1]!.start();
      recoveries.push(await untilReady(servers, killedAt));
      await sleep(Math.max(0, started + (options.seconds * 2_000) / 3 - Date.now()));
      log(`Redis restart: connections cut for ${REDIS_DOWN_MS} ms`);
      const cutAt = Date.now();
      redis.cut();
      await sleep(REDIS_DOWN_MS);
      redis.restore();
      recoveries.push(await untilReady(servers, cutAt));
    })();
    await sleep(Math.max(0, deadline - Date.now()));
    for (const client of [...webchat, ...rest]) client.stopSending();
    await Promise.all([...runs, faults]);
    const elapsedS = (Date.now() - started) / 1_000;
    const chat = await checkClients(baseUrl, webchat, { sentOnly: true });
    const restChecks = await Promise.all(rest.map((client) => client.check()));
    const restMessages = rest.flatMap((client) => client.messages);
    const latencies = [
      ...webchat.flatMap((client) => client.sent.filter((m) => m.answeredAt && m.sentAt).map((m) => m.answeredAt! - m.sentAt!)),
      ...restMessages.filter((m) => m.answeredAt).map((m) => m.answeredAt! - m.sentAt),
    ].sort((a, b) => a - b);
    const answered = latencies.length;
    const restLost = restChecks.reduce((sum, c) => sum + c.lost, 0);
    const restDuplicated = restChecks.reduce((sum, c) => sum + c.duplicated, 0);
    const restOutOfOrder = restChecks.reduce((sum, c) => sum + c.outOfOrder, 0);
    const restUnanswered = restMessages.filter((m) => m.answeredAt === undefined).length;
    const result = {
      instances: servers.length,
      clients: options.clients,
      messages: chat.messages + restMessages.length,
      errors: chat.errorFrames + rest.reduce((sum, client) => sum + client.errors, 0),
      lost: chat.lost + restLost,
      duplicated: chat.duplicated + restDuplicated,
      outOfOrder: chat.outOfOrder + restOutOfOrder,
      p50Ms: Math.round(percentile(latencies, 50)),
      p99Ms: Math.round(percentile(latencies, 99)),
      msgsPerSec: Math.round((answered / elapsedS) * 10) / 10,
      recoveryMs: Math.max(0, ...recoveries),
      // Stored but without a reply by the end of the grace period (overload, not loss): reported, and failing the run.
      unanswered: chat.silent + restUnanswered,
    };
    log(`web chat: ${JSON.stringify({ messages: chat.messages, lost: chat.lost, unacknowledged: chat.unacknowledged, silent: chat.silent, duplicated: chat.duplicated, outOfOrder: chat.outOfOrder, redelivered: chat.redelivered, errorFrames: chat.errorFrames, savedNotices: webchat.reduce((sum, c) => sum + c.sent.reduce((n, m) => n + (m.notices ?? 0), 0), 0) })}`);
    log(`REST: ${JSON.stringify({ messages: restMessages.length, lost: restLost, unanswered: restUnanswered, duplicated: restDuplicated, outOfOrder: restOutOfOrder })}`);
    if (options.verbose) {
      // The first web chat message with two different replies, next to its transcript.
      const client = webchat.find((c) => c.sent.some((m) => m.replies.size > 1));
      const message = client?.sent.find((m) => m.replies.size > 1);
      if (client && message) {
        const res = await fetch(`${baseUrl}/api/conversations/${client.conversationId}/messages`, { headers: { authorization: `Bearer ${client.token}` } });
        log(`duplicated: ${message.text} → ${JSON.stringify([...message.replies])}\n${JSON.stringify(await res.json())}`);
      }
    }
    const reasons = new Map<string, number>();
    for (const client of rest) for (const [reason, n] of client.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
    log(`REST failures by reason: ${JSON.stringify(Object.fromEntries(reasons))}`);
    log(`balanced connections per instance: ${balancer.counts.join(', ')}; web chat reconnects ${chat.reconnects}, re-sends ${chat.resends}`);
    await balancer.close();
    process.stdout.write(JSON.stringify(result) + '\n');
    const failed = result.lost + result.duplicated + result.outOfOrder + result.unanswered > 0;
    // The servers' last log lines first, the verdict last (CI shows the end of the output).
    if (failed) log(`the servers' last lines:\n${servers.map((server) => server.lastLines()).join('\n---\n')}\nFAILED: ${JSON.stringify(result)}`);
    return failed ? 1 : 0;
  } catch (err) {
    reportBenchFailure(err, log);
    return 1;
  } finally {
    await cleanup();
  }
}

runBenchMain(main, log);
