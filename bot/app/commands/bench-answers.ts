import type { Command } from 'commander';
import { readAnswerRows, runAnswerBench } from '../../../evaluations/index.js';
import { ParleyError } from '../../core/index.js';

/** Where CLI output goes (as in cli.ts). */
interface Io {
  out(line: string): void;
  err(line: string): void;
}

/**
 * `parley bench answers --tickets FILE --test FILE [--json]`: answer quality of the whole answer path (retrieval,
 * generator, policy) on JSONL rows `{question, answer, intent?}`; prints `{n, groundedRate, handoffRate,
 * intentMatch, rougeL, p50Ms, p95Ms}`. The chat model settings of the environment apply (composer by default).
 */
export function registerBenchAnswersCommands(program: Command, io: Io, env: NodeJS.ProcessEnv | undefined): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks (JSON on the last stdout line)');
  bench
    .command('answers')
    .description('answer quality: ingest --tickets into a temporary store, ask each --test question, score grounding, handoffs, intent match, ROUGE-L, latency')
    .requiredOption('--tickets <file>', 'JSONL rows {"question","answer","intent"?} to ingest')
    .requiredOption('--test <file>', 'JSONL rows {"question","answer","intent"?} to ask')
    .option('--json', 'print JSON')
    .action(async (options: { tickets: string; test: string; json?: boolean }) => {
      const tickets = await readAnswerRows(options.tickets, '--tickets');
      const test = await readAnswerRows(options.test, '--test');
      if (tickets.length === 0 || test.length === 0) throw new ParleyError('bad_request', `--${tickets.length === 0 ? 'tickets' : 'test'}: no rows`);
      io.err(`asking ${test.length} questions against ${tickets.length} tickets…`);
      const result = await runAnswerBench(tickets, test, env);
      io.out(options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
}
