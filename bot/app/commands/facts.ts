import type { Command } from 'commander';
import { checkScope } from '../../core/index.js';
import type { ListedFact } from '../../../knowledge/index.js';
import { print, withParley, type CliIo } from './io.js';

const scopeOption = (scope: string | undefined): string | null => (scope === undefined ? null : checkScope(scope, '--scope'));

function line(fact: ListedFact): string {
  return `${fact.scope ?? '(shared)'}  ${fact.name} = ${fact.value}${fact.source === 'file' ? '  (facts file)' : ''}`;
}

/**
 * `parley facts set NAME VALUE`, `parley facts list` and `parley facts unset NAME`: the operator's facts (support
 * phone, hours, website, policies) that fill answers' `{{slots}}`, shared or per knowledge scope (`--scope`).
 */
export function registerFactCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const facts = program.command('facts').description("the operator's facts answers may state (phone, hours, website, policies): set, list or unset them");
  facts
    .command('set <name> <value>')
    .description('set a fact (names are matched loosely: "phone" fills {{Customer Support Phone Number}}); every server uses it at once')
    .option('--scope <name>', 'knowledge scope the fact belongs to (default: shared by all scopes)')
    .option('--json', 'print the fact as JSON')
    .action(async (name: string, value: string, options: { scope?: string; json?: boolean }) => {
      const scope = scopeOption(options.scope);
      const fact = await withParley(env, (parley) => parley.facts.set(name, value, scope));
      print(io, Boolean(options.json), fact, `set ${fact.name} = ${fact.value}${fact.scope ? ` in scope ${fact.scope}` : ''}`);
    });
  facts
    .command('list')
    .description('list the facts, shared ones first (with --scope: the shared ones and that scope’s)')
    .option('--scope <name>', 'only the shared facts and those of this scope')
    .option('--json', 'print {"facts": [{"scope", "name", "value", "source"}, ...]} as JSON')
    .action(async (options: { scope?: string; json?: boolean }) => {
      const scope = options.scope === undefined ? undefined : checkScope(options.scope, '--scope');
      const list = await withParley(env, (parley) => parley.facts.list(scope));
      print(io, Boolean(options.json), { facts: list }, list.length ? list.map(line).join('\n') : 'no facts (parley facts set NAME VALUE, or PARLEY_FACTS_FILE)');
    });
  facts
    .command('unset <name>')
    .description('remove a fact set with `parley facts set` (facts of the facts file stay)')
    .option('--scope <name>', 'the scope it was set in (default: shared)')
    .option('--json', 'print {"name", "scope", "removed"} as JSON')
    .action(async (name: string, options: { scope?: string; json?: boolean }) => {
      const scope = scopeOption(options.scope);
      const removed = await withParley(env, (parley) => parley.facts.unset(name, scope));
      print(io, Boolean(options.json), { name, scope, removed }, removed ? `removed ${name}` : `no fact ${name}${scope ? ` in scope ${scope}` : ''} was set`);
    });
}
