import type { Command } from 'commander';
import type { AnswerSelectionStatus, KnowledgeStatus } from '../../../knowledge/index.js';
import { print, withParley, type CliIo } from './io.js';
import { registerClusterCommands } from './clusters.js';

/** The status as a short two-column table, scopes indented under the ticket count; `fixedThreshold`: PARLEY_ANSWER_THRESHOLD when set. */
export function formatKnowledgeStatus(status: KnowledgeStatus, fixedThreshold?: number): string {
  const scopes = Object.entries(status.byScope).sort(([a], [b]) => (a === '*' ? -1 : b === '*' ? 1 : a.localeCompare(b)));
  const rows: [string, string][] = [
    ['engine', status.engine],
    ['version', String(status.version)],
    ['tickets', String(status.tickets)],
    ...scopes.map(([scope, count]): [string, string] => [`  ${scope === '*' ? '* (shared)' : scope}`, String(count)]),
    ['last refit', status.lastRefitAt ?? 'never'],
    ['pending changes', String(status.pendingChanges)],
    ['applied / store seq', `${status.appliedSeq} / ${status.storeSeq}`],
    ['memory', `${status.rssMb} MB`],
    ['answer threshold', fixedThreshold === undefined ? answerThresholdOf(status.answerSelection) : `${fixedThreshold} (PARLEY_ANSWER_THRESHOLD is set: the precision target is not used)`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** Where the answer threshold comes from: the precision target's held-out selection, or the configured value. */
function answerThresholdOf(selection: AnswerSelectionStatus | null): string {
  if (!selection) return 'configured (PARLEY_ANSWER_THRESHOLD): no held-out selection for the precision target (too few held-out questions, or answers that rarely say the same thing)';
  const { targetPrecision, threshold, heldOutPrecision, heldOutCoverage, heldOutQuestions } = selection;
  const answered = threshold > 1 ? 'none reach the target: nothing is answered' : `${threshold.toFixed(3)} (held out: precision ${heldOutPrecision.toFixed(2)}, coverage ${heldOutCoverage.toFixed(2)})`;
  return `${answered}, selected for precision ${targetPrecision} on ${heldOutQuestions} held-out questions`;
}

/**
 * `parley knowledge status [--json]`: what the knowledge base holds (tickets per scope, index version, last refit, pending
 * changes, memory); `parley knowledge clusters …`: the answer clusters CX leads review.
 */
export function registerKnowledgeCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const knowledge = program.command('knowledge').description('the knowledge base built from the tickets');
  knowledge
    .command('status')
    .description('tickets per scope (shared ones under *), index engine and version, last refit, pending changes, memory')
    .option('--json', 'print {"engine", "version", "tickets", "byScope", "lastRefitAt", "pendingChanges", "appliedSeq", "storeSeq", "rssMb", "answerSelection"}')
    .action(async (options: { json?: boolean }) => {
      const [status, fixed] = await withParley(env, async (parley) => [await parley.knowledge.status(), parley.config.fixedAnswerThreshold ? parley.config.answerThreshold : undefined] as const);
      print(io, Boolean(options.json), status, formatKnowledgeStatus(status, fixed));
    });
  registerClusterCommands(knowledge, io, env);
}
