import type { Command } from 'commander';
import { readBenchTickets } from '../../../evaluations/index.js';
import { runClusterBench } from '../../../evaluations/in-process.js';
import { wholeNumberOption, type CliIo } from './io.js';

/**
 * `parley bench clusters --tickets FILE [--scope-field F] [--expect FIELD] [--every N] [--largest N] [--json]`: the
 * answer clusters of a ticket file (ingested into a temporary store): counts, sizes, purity, suspicious canonical texts.
 */
export function registerBenchClustersCommands(program: Command, io: CliIo): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('benchmarks (JSON on the last stdout line)');
  bench
    .command('clusters')
    .description('answer clusters of a ticket file: counts, sizes, what ties them, purity against --expect, canonical texts that still look personal')
    .requiredOption('--tickets <file>', 'tickets (any `parley ingest` format) to ingest into a temporary store')
    .option('--scope-field <field>', "field holding each row's knowledge scope; default scope")
    .option('--expect <field>', 'field whose value tickets of one cluster should share (purity), e.g. doc_id or intent')
    .option('--every <n>', 'keep every n-th row (default 1: all)')
    .option('--largest <n>', 'largest clusters to show (default 5)')
    .option('--json', 'print JSON')
    .action(async (options: { tickets: string; scopeField?: string; expect?: string; every?: string; largest?: string; json?: boolean }) => {
      const every = options.every === undefined ? 1 : wholeNumberOption('--every', options.every, 1);
      const rowOptions = { ...(options.expect ? { expect: options.expect } : {}), ...(options.scopeField ? { scopeField: options.scopeField } : {}), withoutLabels: true };
      const tickets = (await readBenchTickets(options.tickets, '--tickets', rowOptions)).filter((_t, i) => i % every === 0);
      io.err(`clustering the answers of ${tickets.length} tickets…`);
      const result = await runClusterBench(tickets, { ...rowOptions, largest: options.largest === undefined ? 5 : wholeNumberOption('--largest', options.largest, 1) });
      io.out(options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
}
