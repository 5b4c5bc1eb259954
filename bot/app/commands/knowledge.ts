import type { Command } from 'commander';
import type { KnowledgeStatus } from '../../../knowledge/index.js';
import { print, withParley, type CliIo } from './io.js';
import { registerClusterCommands } from './clusters.js';

/** The status as a short two-column table, scopes indented under the ticket count. */
export function formatKnowledgeStatus(status: KnowledgeStatus): string {
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
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
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
    .option('--json', 'print {"engine", "version", "tickets", "byScope", "lastRefitAt", "pendingChanges", "appliedSeq", "storeSeq", "rssMb"}')
    .action(async (options: { json?: boolean }) => {
      const status = await withParley(env, (parley) => parley.knowledge.status());
      print(io, Boolean(options.json), status, formatKnowledgeStatus(status));
    });
  registerClusterCommands(knowledge, io, env);
}
