#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { readLabelledTexts, runIndexBench } from '../../evaluations/index.js';
import { runIntentBench } from '../../evaluations/in-process.js';
import { createProgress, readTicketsFile, TICKET_FORMATS, type FieldMapping, type ReadOptions, type TicketFormat, type ZendeskSkipped } from '../../knowledge/index.js';
import { loadConfig } from '../config/index.js';
import { asParleyError, checkKnownScope, checkScope, newId, ParleyError, stderrLogger, toReply, type Activity } from '../core/index.js';
import { registerEvaluationCommands } from './commands/evaluations.js';
import { registerFinetuneCommands } from './commands/finetune.js';
import { registerCorrectionsCommands } from './commands/corrections.js';
import { registerTicketCommands } from './commands/tickets.js';
import { registerFactCommands } from './commands/facts.js';
import { registerEngageCommands } from './commands/engage.js';
import { registerKnowledgeCommands } from './commands/knowledge.js';
import { registerSyncCommands } from './commands/sync.js';
import { registerBenchAnswersCommands } from './commands/bench-answers.js';
import { registerBenchSpecificsCommands } from './commands/bench-specifics.js';
import { registerBenchHandoffCommands } from './commands/bench-handoff.js';
import { registerBenchClustersCommands } from './commands/bench-clusters.js';
import { TryOnInputError } from '../../vision/index.js';
import { eraseCustomer, exportCustomer } from './customers.js';
import { registerTryonCommands } from './commands/tryon.js';
import { registerVisionCommands } from './commands/vision.js';
import { registerGanCommands } from './commands/vision-gan.js';
import { registerWorkerCommands } from './commands/worker.js';
import { channelHost, createParley } from './parley.js';
import { startServer } from './server.js';
import { survivePromiseRejectionsFromStoreOutages, untilStoreAvailable } from './store-wait.js';
import { print, ReportedFailure, wholeNumberOption, withParley, type CliIo } from './commands/io.js';

export { print, ReportedFailure, withParley, type CliIo } from './commands/io.js';

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The `parley` command-line program (its commands and options; the CLI reference is generated from it). */
export function buildProgram(io: CliIo, env: NodeJS.ProcessEnv | undefined): Command {
  const program = new Command('parley')
    .description('Parley: a customer-support assistant that answers from past tickets and hands off to people')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('serve')
    .description('run the HTTP server (web chat at /, REST at /api/chat); PORT, default 3000')
    .option('--port <port>', 'port to listen on (overrides PORT)')
    .action(async (options: { port?: string }) => {
      const config = loadConfig(env, options.port !== undefined ? { port: parsePort(options.port) } : {});
      const logger = stderrLogger(config.logLevel);
      survivePromiseRejectionsFromStoreOutages(logger);
      // Start-up waits for the database (logging each attempt) instead of exiting while it is down.
      const parley = await untilStoreAvailable(() => createParley(config, { logger }), { logger, retryMaxMs: config.database.retryMaxMs });
      const server = await startServer(parley, { port: config.port, host: config.host });
      // Try-on models load and warm in a worker thread in the background; chat is served meanwhile.
      parley.tryOn?.start().then(
        () => parley.logger.info({ backend: parley.tryOn?.backend, loadMs: Math.round(parley.tryOn?.loadMs ?? 0) }, 'try-on models ready'),
        (error: unknown) => parley.logger.warn({ err: error }, 'try-on models failed to load; try-on is unavailable'),
      );
      parley.logger.info({ url: server.url, store: parley.store.kind, tickets: parley.knowledge.size }, `Parley is listening on ${server.url}`);
      const stop = async () => {
        await server.close();
        await parley.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('ingest <file>')
    .description('upsert tickets from JSONL, JSON, CSV, a Zendesk export or conversation JSON (personal data redacted, near-duplicates dropped, tickets asking customers for card data, passwords or codes or linking off-site quarantined for review)')
    .option('--source <name>', 'source name (default: the file name)')
    .option('--scope <name>', "knowledge scope (brand, store, product line, locale) of tickets without a \"scope\" field of their own (default: shared by all scopes)")
    .option('--sync', 'the file is the full snapshot of its source: remove tickets missing from it')
    .option('--format <format>', `input format: ${TICKET_FORMATS.join(', ')} (default: from the extension and content)`)
    .option('--question-field <names>', 'comma-separated field names holding the question (JSONL/JSON/CSV)')
    .option('--answer-field <names>', 'comma-separated field names holding the answer')
    .option('--id-field <names>', 'comma-separated field names holding the ticket id')
    .option('--scope-field <names>', 'comma-separated field names holding the ticket scope (default: scope)')
    .option('--no-redact', 'keep personal data (only for data that has none)')
    .option('--no-dedupe', 'keep near-duplicate tickets')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: IngestOptions) => {
      const skipped: ZendeskSkipped[] = [];
      const tickets = await readTicketsFile(file, { ...readOptions(options), onSkipped: (ticket) => skipped.push(ticket) });
      const parley = await createParley(loadConfig(env, { sampleData: false }));
      try {
        const progress = createProgress({ total: tickets.length, label: 'preparing tickets' });
        const result = await parley.knowledge.ingest(tickets, { sync: Boolean(options.sync), redact: options.redact, dedupe: options.dedupe, onTicket: () => progress.tick() });
        progress.done();
        print(
          io,
          Boolean(options.json),
          { file, ...result, ...(skipped.length ? { skipped } : {}) },
          `ingested ${file}: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.removed} removed, ` +
            `${result.redacted} redacted, ${result.duplicates} near-duplicates dropped, ${result.quarantined} quarantined for review` +
            `${result.quarantinedTickets.length ? ` (${result.quarantinedTickets.map((q) => `${q.id}: ${q.reasons.map((r) => r.code).join(', ')}`).join('; ')}; see parley tickets quarantine)` : ''}` +
            `; ${result.total} tickets indexed${skippedNote(skipped)}`,
        );
      } finally {
        await parley.close();
      }
    });

  program
    .command('ask <question>')
    .description('ask one question in-process, as POST /api/chat would answer it')
    .option('--user <id>', 'customer id', 'cli')
    .option('--scope <name>', 'knowledge scope of the conversation (as the "scope" of POST /api/chat); default: every ticket')
    .option('--json', 'print the reply object as JSON')
    .action(async (question: string, options: { user: string; scope?: string; json?: boolean }) => {
      const scope = options.scope === undefined ? undefined : checkScope(options.scope, '--scope');
      const parley = await createParley(loadConfig(env));
      try {
        if (scope) await checkKnownScope(channelHost(parley).knownScopes, scope, '--scope');
        const conversation = await parley.store.createConversation({ userId: options.user, channel: 'cli', ...(scope ? { scope } : {}) });
        const activity: Activity = {
          id: newId('act'),
          type: 'message',
          channel: 'cli',
          conversationId: conversation.id,
          from: { id: options.user, role: 'customer' },
          text: question,
          timestamp: new Date().toISOString(),
        };
        const { replies } = await parley.bot.processActivity(activity, { send: async () => undefined });
        const body = { conversationId: conversation.id, token: parley.tokens.sign(conversation.id), replies: replies.map(toReply) };
        print(io, Boolean(options.json), body, replies.map((r) => `${r.text}${r.sources?.length ? `\n  sources: ${r.sources.map((s) => s.id).join(', ')}` : ''}`).join('\n'));
      } finally {
        await parley.close();
      }
    });
  const customers = program.command('customers').description("a customer's personal data: export it or erase it");
  customers
    .command('export')
    .description('print everything Parley holds about a customer (conversations, channel links, transcripts, uploaded photos) as JSON')
    .requiredOption('--id <userId>', 'the customer id (as in conversations, e.g. a phone number or e-mail address)')
    .option('--json', 'print the export on one line')
    .action(async (options: { id: string; json?: boolean }) => {
      const userId = parseCustomerId(options.id);
      const result = await withParley(env, (parley) => exportCustomer(parley, userId));
      print(io, Boolean(options.json), result, JSON.stringify(result, null, 2));
    });
  customers
    .command('erase')
    .description("delete a customer's conversations with their transcripts, channel links and uploaded photos, and their engagement profile (events, consent, campaign sends)")
    .requiredOption('--id <userId>', 'the customer id')
    .option('--json', 'print the counts as JSON')
    .action(async (options: { id: string; json?: boolean }) => {
      const userId = parseCustomerId(options.id);
      const result = await withParley(env, (parley) => eraseCustomer(parley, userId));
      print(io, Boolean(options.json), result, `erased customer ${userId}: ${result.conversations} conversations, ${result.messages} messages, ${result.uploads} uploaded photos, ${result.profiles} engagement profiles`);
    });

  registerFinetuneCommands(program, io, env);

  registerCorrectionsCommands(program, io, env);
  registerTicketCommands(program, io, env);
  registerFactCommands(program, io, env);
  registerEngageCommands(program, io, env);
  registerKnowledgeCommands(program, io, env);
  registerSyncCommands(program, io, env);
  const bench = program.command('bench').description('benchmarks (JSON on the last stdout line)');
  bench
    .command('intents')
    .description('accuracy of the answer path on an intent dataset (train rows become tickets, test rows are asked)')
    .requiredOption('--train <file>', 'training rows: CSV text,category|label, JSON [text, label] pairs, or an object of such arrays')
    .requiredOption('--test <file>', 'test rows, same formats')
    .option('--train-keys <keys>', 'comma-separated keys of a JSON object to train on (default all)')
    .option('--test-keys <keys>', 'comma-separated keys of a JSON object to test on (default all)')
    .option('--json', 'print JSON')
    .action(async (options: { train: string; test: string; trainKeys?: string; testKeys?: string; json?: boolean }) => {
      const keys = (value?: string) => value?.split(',').map((k) => k.trim()).filter(Boolean);
      const train = await readLabelledTexts(options.train, keys(options.trainKeys));
      const test = await readLabelledTexts(options.test, keys(options.testKeys));
      if (train.length === 0 || test.length === 0) throw new ParleyError('bad_request', `--${train.length === 0 ? 'train' : 'test'}: no rows`);
      const result = await runIntentBench(train, test, (line) => io.err(line));
      print(io, Boolean(options.json), result, JSON.stringify(result, null, 2));
    });
  bench
    .command('index')
    .description('build and query time of the embedded hybrid index on a synthetic corpus')
    .option('--tickets <n>', 'corpus size', '100000')
    .option('--json', 'print JSON')
    .action(async (options: { tickets: string; json?: boolean }) => {
      const n = wholeNumberOption('--tickets', options.tickets, 1, 5_000_000);
      const result = await runIndexBench(n);
      print(io, Boolean(options.json), result, JSON.stringify(result, null, 2));
    });
  registerEvaluationCommands(program, io, env);
  registerBenchAnswersCommands(program, io, env);
  registerBenchSpecificsCommands(program, io, env);
  registerBenchHandoffCommands(program, io);
  registerBenchClustersCommands(program, io);
  registerTryonCommands(program, io, env);
  registerVisionCommands(program, io, env);
  registerGanCommands(program, io, env);
  registerWorkerCommands(program, io, env);
  return program;
}

interface IngestOptions {
  source?: string;
  scope?: string;
  scopeField?: string;
  sync?: boolean;
  format?: string;
  questionField?: string;
  answerField?: string;
  idField?: string;
  redact: boolean;
  dedupe: boolean;
  json?: boolean;
}

/** Turns `ingest` flags into reader options, naming the flag when a value is bad. */
/**
 * What `parley ingest` says of the Zendesk tickets it did not read: how many for each reason, and each malformed one
 * with the field at fault (those are what an operator fixes).
 */
function skippedNote(skipped: readonly ZendeskSkipped[]): string {
  if (!skipped.length) return '';
  const counts = new Map<string, number>();
  for (const ticket of skipped) counts.set(ticket.reason, (counts.get(ticket.reason) ?? 0) + 1);
  const invalid = skipped.filter((ticket) => ticket.reason === 'invalid').map((ticket) => `\n  ${ticket.detail ?? `ticket ${ticket.zendeskId}: ${ticket.field ?? ''}`}`);
  return `; ${skipped.length} Zendesk tickets skipped (${[...counts].map(([reason, n]) => `${n} ${reason.replace('_', ' ')}`).join(', ')})${invalid.join('')}`;
}

function readOptions(options: IngestOptions): ReadOptions {
  const read: ReadOptions = {};
  if (options.source !== undefined) {
    if (!options.source.trim()) throw new ParleyError('bad_request', '--source: must not be empty');
    read.source = options.source;
  }
  if (options.scope !== undefined) read.scope = checkScope(options.scope, '--scope');
  if (options.format !== undefined) {
    if (!TICKET_FORMATS.includes(options.format as TicketFormat)) throw new ParleyError('bad_request', `--format: "${options.format}" is not one of ${TICKET_FORMATS.join(', ')}`);
    read.format = options.format as TicketFormat;
  }
  const mapping: Partial<FieldMapping> = {};
  for (const [flag, key] of [['questionField', 'question'], ['answerField', 'answer'], ['idField', 'id'], ['scopeField', 'scope']] as const) {
    const value = options[flag];
    if (value === undefined) continue;
    const names = value.split(',').map((n) => n.trim()).filter(Boolean);
    if (names.length === 0) throw new ParleyError('bad_request', `--${key}-field: give at least one field name`);
    mapping[key] = names;
  }
  if (Object.keys(mapping).length) read.mapping = mapping;
  return read;
}

/** A customer id from `--id`: not blank, no control characters, at most 256 characters. */
function parseCustomerId(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!value.trim() || value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ParleyError('bad_request', `--id: ${JSON.stringify(value.slice(0, 40))} is not a customer id (non-blank, printable, at most 256 characters)`);
  }
  return value;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ParleyError('bad_request', `--port: "${value}" is not a port number`);
  return port;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code (0 ok, 2 bad input, 1 failure). */
/** `env` replaces the process environment (tests); by default `bot/config` reads the real one. */
export async function runCli(argv: string[], io: CliIo = processIo, env?: NodeJS.ProcessEnv): Promise<number> {
  const json = argv.includes('--json');
  try {
    await buildProgram(io, env).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ReportedFailure) return 1;
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (json) io.out(JSON.stringify({ error: { code: 'bad_request', message: error.message } }));
      return 2;
    }
    const err = asParleyError(error);
    const clientError = err.isClientError || err.code === 'config_invalid';
    io.err(`parley: ${err.message}`);
    // A refused try-on photo reports its specific reason (`no_person`, `too_large`, …) as the code.
    const rejection = err instanceof TryOnInputError ? err.toRejectionJSON() : undefined;
    if (json) io.out(JSON.stringify(rejection ?? err.toJSON()));
    return clientError ? 2 : 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const code = await runCli(process.argv.slice(2));
  // `serve` and `worker` keep running; everything else exits with its code.
  if (code !== 0 || (process.argv[2] !== 'serve' && process.argv[2] !== 'worker')) process.exitCode = code;
}
