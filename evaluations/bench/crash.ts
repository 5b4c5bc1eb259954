/**
 * `npm run bench:crash [-- --store sqlite|postgres --clients 100 --messages 10 --kills 5 --verbose]`:
 * exactly-once across crashes.
 *
 * Starts `parley serve` (sample data, a throw-away PARLEY_HOME; with `--store postgres` on `DATABASE_URL` or
 * postgres://127.0.0.1:5432/test in a fresh schema), drives web chat clients that each send numbered messages
 * (see crash-clients.ts), kills the server with SIGKILL `--kills` times at random moments while they chat, restarts
 * it on the same store each time, lets the clients reconnect and re-send what was not answered, then reads every
 * transcript and prints one JSON line on stdout:
 * `{"store", "kills", "messages", "lost", "silent", "duplicated", "outOfOrder", "missingFromTranscript", …}`
 * (README "Benchmarks" defines each count). Exit code 1 when a count is not zero, 2 on bad arguments.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkClients, CrashClient } from './crash-clients.js';
import { dbCutMain } from './crash-dbcut.js';
import { findProjectRoot, freePort, reportBenchFailure, runBenchMain, ServerProcess, sleep } from './server-process.js';
import { benchLog, parseBenchArgs, UsageError } from './bench-args.js';

const DEFAULT_DATABASE_URL = 'postgres://127.0.0.1:5432/test';
/**
 * The whole run gives up after this long; whatever is unanswered by then counts as silent (or lost). A quiet run takes
 * about 30 s; on a loaded machine each restart takes 10–20 s and 150 s was not always enough.
 */
const RUN_TIMEOUT_MS = 300_000;

interface Options {
  store: 'sqlite' | 'postgres';
  clients: number;
  messages: number;
  kills: number;
  verbose: boolean;
}

const log = benchLog('crash');

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { store: 'sqlite', clients: 100, messages: 10, kills: 5, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--verbose') {
      options.verbose = true;
      continue;
    }
    const match = /^--(store|clients|messages|kills)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument "${arg}" (use --store sqlite|postgres --clients N --messages M --kills K [--verbose], or --cut-db [--blackhole] --clients N --messages M --cut-ms MS)`);
    const raw = match[2] ?? argv[++i];
    if (match[1] === 'store') {
      if (raw !== 'sqlite' && raw !== 'postgres') throw new UsageError(`--store must be sqlite or postgres, got "${raw ?? ''}"`);
      options.store = raw;
      continue;
    }
    const value = Number(raw);
    const min = match[1] === 'kills' ? 0 : 1;
    if (raw === undefined || !Number.isInteger(value) || value < min) throw new UsageError(`--${match[1]} needs an integer ≥ ${min}, got "${raw ?? ''}"`);
    if (match[1] === 'clients') options.clients = value;
    else if (match[1] === 'messages') options.messages = value;
    else options.kills = value;
  }
  return options;
}

/** Where the server keeps its data for this run, and how to throw it away. */
async function prepareStore(options: Options, home: string): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  if (options.store === 'sqlite') return { env: {}, cleanup: async () => undefined };
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const schema = `parley_crash_${randomBytes(6).toString('hex')}`;
  log(`PostgreSQL ${new URL(databaseUrl).host}, schema ${schema} (PARLEY_HOME=${home})`);
  return {
    env: { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema },
    cleanup: async () => {
      // Loaded only for PostgreSQL runs (the public entry pulls in the whole server).
      const { PostgresDriver } = await import('../../bot/storage/index.js');
      const driver = new PostgresDriver({ connectionString: databaseUrl, schema });
      try {
        await driver.dropSchema(schema);
      } finally {
        await driver.close();
      }
    },
  };
}

/**
 * Kills the server each time the clients have another 1/(kills+1) of their messages answered, after a random pause
 * of up to 400 ms (so a kill lands in the middle of turns, accepts and sends), and restarts it at once.
 */
async function killAndRestart(server: ServerProcess, clients: readonly CrashClient[], options: Options, isDone: () => boolean): Promise<number> {
  const total = options.clients * options.messages;
  let kills = 0;
  while (kills < options.kills && !isDone()) {
    const threshold = ((kills + 1) / (options.kills + 1)) * total;
    const answered = clients.reduce((sum, client) => sum + client.answered, 0);
    if (answered < threshold) {
      await sleep(50);
      continue;
    }
    await sleep(Math.random() * 400);
    await server.kill('SIGKILL');
    kills++;
    log(`kill ${kills}/${options.kills} at ${answered}/${total} answered; restarting`);
    const started = Date.now();
    await server.start();
    log(`restarted in ${Date.now() - started} ms`);
  }
  return kills;
}

async function main(): Promise<number> {
  // The same clients against a database connection cut (or black-holed) for a while, without kills.
  if (process.argv.includes('--cut-db')) return dbCutMain(process.argv.slice(2).filter((arg) => arg !== '--cut-db'));
  const options = parseBenchArgs(parseArgs, process.argv.slice(2), log);
  if (!options) return 2;
  const root = findProjectRoot();
  const home = await mkdtemp(join(tmpdir(), 'parley-bench-crash-'));
  const store = await prepareStore(options, home);
  const port = await freePort();
  // Vision is off: try-on models are not part of this test and would only slow each restart.
  const server = new ServerProcess({
    root,
    port,
    env: { PARLEY_HOME: home, PARLEY_VISION: 'false', ...store.env },
    verbose: options.verbose,
  });
  const cleanup = async (): Promise<void> => {
    await server.stop();
    await store.cleanup().catch((error: unknown) => log(`could not drop the schema: ${String(error)}`));
    await rm(home, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log(`starting the server on ${server.url} (${options.store})`);
    await server.start();
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/ws/chat`;
    const clients = Array.from({ length: options.clients }, (_, index) => new CrashClient({ wsUrl, index, messages: options.messages }));
    const started = Date.now();
    const deadline = started + RUN_TIMEOUT_MS;
    let chatting = true;
    const chats = Promise.all(clients.map((client) => client.run(deadline))).finally(() => (chatting = false));
    const kills = await killAndRestart(server, clients, options, () => !chatting);
    await chats;
    if (!server.running) await server.start();
    const counters = await checkClients(server.url, clients);
    const result = { store: options.store, kills, ...counters, clients: options.clients, seconds: Math.round((Date.now() - started) / 100) / 10 };
    process.stdout.write(JSON.stringify(result) + '\n');
    const failures = counters.lost + counters.silent + counters.duplicated + counters.outOfOrder + counters.missingFromTranscript;
    if (kills < options.kills) log(`only ${kills} of ${options.kills} kills happened before the clients finished`);
    if (failures > 0) log(`the server's last lines:\n${server.lastLines()}\nunanswered: ${unansweredSummary(clients)}\nFAILED: ${JSON.stringify(counters)}`);
    return failures > 0 || kills < options.kills ? 1 : 0;
  } catch (err) {
    reportBenchFailure(err, log);
    return 1;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The first few messages without a reply, for finding them in the server's log: conversation, text and sends. */
function unansweredSummary(clients: readonly CrashClient[]): string {
  const unanswered = clients.flatMap((client) =>
    client.messages.filter((m) => m.sends > 0 && m.replies.size === 0).map((m) => `${client.conversationId ?? '?'} "${m.text}" sent ${m.sends}× from ${m.sentAt ? new Date(m.sentAt).toISOString() : "?"}`),
  );
  return unanswered.length ? `${unanswered.length}: ${unanswered.slice(0, 5).join('; ')}` : 'none';
}

runBenchMain(main, log);
