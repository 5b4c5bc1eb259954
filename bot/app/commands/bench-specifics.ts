import type { Command } from 'commander';
import { readSpecificsRows, runSpecificsBench } from '../../../evaluations/in-process.js';
import { packageFile, ParleyError } from '../../core/index.js';
import { envWith } from '../../config/index.js';
import type { CliIo } from './io.js';

/**
 * `parley bench specifics [--test FILE] [--facts FILE] --json`: seeded past tickets full of a customer's specifics,
 * asked by new customers through the bot; prints `{"n", "leaks", "placeholderLeaks", "promises", "answeredRate",
 * "details"}` (target: zero leaks, placeholder leaks and promises).
 */
export function registerBenchSpecificsCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks (JSON on the last stdout line)');
  bench
    .command('specifics')
    .description("de-personalisation: past tickets seeded with a customer's specifics, asked by new customers; counts specifics, unfilled slots and promises in the replies")
    .option('--test <file>', 'JSONL rows {"id","question","ticket":{"question","answer"},"specifics":[…],"promises":[…]} (default: the bundled set)')
    .option('--facts <file>', 'an operator facts file (YAML/JSON) for the run, as PARLEY_FACTS_FILE')
    .option('--json', 'print JSON')
    .action(async (options: { test?: string; facts?: string; json?: boolean }) => {
      const rows = await readSpecificsRows(options.test ?? packageFile('evaluations', 'answers', 'specifics.jsonl'));
      if (rows.length === 0) throw new ParleyError('bad_request', '--test: no rows');
      io.err(`asking ${rows.length} seeded questions…`);
      const result = await runSpecificsBench(rows, options.facts ? envWith(env, { PARLEY_FACTS_FILE: options.facts }) : env);
      io.out(options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
}
