import type { Command } from 'commander';
import { asksForHuman } from '../../../dialogs/index.js';
import { BASELINE_MODEL, learnedBaseline, readHandoffRows, runHandoffBench } from '../../../evaluations/index.js';
import { ParleyError } from '../../core/index.js';
import { wholeNumberOption } from './io.js';

/** Where CLI output goes (as in cli.ts). */
interface Io {
  out(line: string): void;
  err(line: string): void;
}

interface BenchHandoffOptions {
  bitext?: string;
  banking77?: string;
  clinc?: string;
  set: string[];
  folds: string;
  baseline?: boolean;
  json?: boolean;
}

/**
 * `parley bench handoff [--bitext F] [--banking77 F] [--clinc F] [--set F …] [--folds K] [--json]`: recall and
 * false-positive rate of the handoff-request detector the policy uses (`asksForHuman`), per source, language and
 * held-out fold; prints `{n, requests, recall, falsePositiveRate, perSource, perLanguage, folds, …}`; with
 * `--baseline` also `baseline`: a learned TF-IDF classifier cross-validated on the same folds, for comparison.
 */
export function registerBenchHandoffCommands(program: Command, io: Io): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks (JSON on the last stdout line)');
  bench
    .command('handoff')
    .description('handoff-request recognition: recall on requests for a person and false positives on look-alikes')
    .option('--bitext <file>', 'Bitext customer-support train.csv (contact_human_agent rows are requests)')
    .option('--banking77 <file>', 'Banking77 CSV (look-alikes)')
    .option('--clinc <file>', 'CLINC150 train_val.json (look-alikes)')
    .option('--set <file>', 'a written JSONL set of {"text","lang","request"} rows (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--folds <k>', 'cross-validation folds', '5')
    .option('--baseline', 'also cross-validate a learned TF-IDF classifier on the same folds, as "baseline"')
    .option('--json', 'print JSON')
    .action(async (options: BenchHandoffOptions) => {
      const folds = wholeNumberOption('--folds', options.folds, 2, 20);
      if (!options.bitext && !options.banking77 && !options.clinc && options.set.length === 0) {
        throw new ParleyError('bad_request', '--bitext, --banking77, --clinc or --set: give at least one set');
      }
      const rows = await readHandoffRows({ ...options, sets: options.set });
      if (rows.length === 0) throw new ParleyError('bad_request', '--set: no rows');
      io.err(`checking ${rows.length} messages in ${folds} folds…`);
      const detector = runHandoffBench(rows, () => asksForHuman, folds);
      let result: typeof detector & { baseline?: Omit<typeof detector, 'folds'> & { model: string } } = detector;
      if (options.baseline) {
        io.err('training the learned baseline on each fold…');
        const { folds: _folds, ...learned } = runHandoffBench(rows, learnedBaseline, folds);
        result = { ...detector, baseline: { model: BASELINE_MODEL, ...learned } };
      }
      io.out(options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
}
