import type { Command } from 'commander';
import { readBenchTickets } from '../../../evaluations/index.js';
import { runAnswerBench } from '../../../evaluations/in-process.js';
import { ParleyError } from '../../core/index.js';
import { wholeNumberOption } from './io.js';

/** Where CLI output goes (as in cli.ts). */
interface Io {
  out(line: string): void;
  err(line: string): void;
}

interface BenchAnswersOptions {
  tickets: string;
  test?: string;
  expect?: string;
  folds?: string;
  scopeField?: string;
  withoutLabels?: boolean;
  every?: string;
  json?: boolean;
}

/**
 * `parley bench answers --tickets FILE (--test FILE | --folds K) [--expect FIELD] [--scope-field FIELD]
 * [--without-labels] [--every N] [--json]`: answer quality of the whole answer path (retrieval, generator, policy, the
 * conversation's scope) on ticket files in any `parley ingest` format; prints `{n, coverage, precision, clarifyRate,
 * clarifyHit, handoffRate, crossScope, placeholderLeaks, coverageAt, baseline, groundedRate, intentMatch, rougeL,
 * p50Ms, p95Ms, …}`. The environment's settings apply (precision target, chat model; composer by default).
 */
export function registerBenchAnswersCommands(program: Command, io: Io, env: NodeJS.ProcessEnv | undefined): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks (JSON on the last stdout line)');
  bench
    .command('answers')
    .description('answer quality: ingest --tickets into a temporary store, ask each --test question (or K-fold cross-validation), score precision, coverage, clarifications, handoffs, scope and placeholder leaks against a TF-IDF baseline')
    .requiredOption('--tickets <file>', 'tickets (JSONL, JSON, CSV, conversations, Twitter customer-care conversations) to ingest')
    .option('--test <file>', 'questions to ask, same formats; without it K-fold cross-validation over --tickets')
    .option('--expect <field>', 'field whose value a right answer\'s first source shares with the question (dotted path, e.g. intent, doc_id); default: the question\'s "expected" ticket ids')
    .option('--folds <k>', 'folds of the cross-validation without --test (default 5)')
    .option('--scope-field <field>', 'field holding each row\'s knowledge scope (the conversation\'s scope for a question); default scope')
    .option('--every <n>', 'keep every n-th row of --tickets (and --test): an even sample for quick runs; default 1 (all)')
    .option('--without-labels', 'ingest the tickets without their metadata (labels, categories): the expected values only score')
    .option('--json', 'print JSON')
    .action(async (options: BenchAnswersOptions) => {
      const folds = options.folds === undefined ? undefined : wholeNumberOption('--folds', options.folds, 2, 20);
      if (options.test && folds !== undefined) throw new ParleyError('bad_request', '--folds: not with --test (cross-validation is for a single ticket file)');
      const rowOptions = { ...(options.expect ? { expect: options.expect } : {}), ...(options.scopeField ? { scopeField: options.scopeField } : {}), withoutLabels: Boolean(options.withoutLabels) };
      const every = options.every === undefined ? 1 : wholeNumberOption('--every', options.every, 1);
      const sample = <T>(rows: T[]) => rows.filter((_, i) => i % every === 0);
      const tickets = sample(await readBenchTickets(options.tickets, '--tickets', rowOptions));
      const test = options.test ? sample(await readBenchTickets(options.test, '--test', rowOptions)) : undefined;
      io.err(test ? `asking ${test.length} questions against ${tickets.length} tickets…` : `${folds ?? 5}-fold cross-validation over ${tickets.length} tickets…`);
      const result = await runAnswerBench(tickets, test, { ...rowOptions, ...(folds ? { folds } : {}), ...(env ? { env } : {}), log: (line) => io.err(line) });
      io.out(options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
}
