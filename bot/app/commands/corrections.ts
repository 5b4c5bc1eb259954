import type { Command } from 'commander';
import { ParleyError } from '../../core/index.js';
import { print, withParley, type CliIo } from './io.js';

/** `parley corrections list` and `parley corrections revert --id ID`: agents' corrections of bot answers. */
export function registerCorrectionsCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const corrections = program.command('corrections').description("agents' corrections of bot answers: list them or revert one");
  corrections
    .command('list')
    .description('list corrections, newest first (who, when, question, original and corrected answer, ticket corrected)')
    .option('--all', 'include reverted corrections')
    .option('--json', 'print {"corrections": [...]} as JSON')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      const list = await withParley(env, (parley) => parley.corrections.list({ includeReverted: Boolean(options.all) }));
      const text = list.length
        ? list
            .map((c) => `${c.id}  ${c.createdAt}  ${c.agentName ?? c.agent}${c.revertedAt ? '  (reverted)' : ''}\n  Q: ${c.question}\n  was: ${c.original}\n  now: ${c.corrected}${c.correctsTicketId ? `\n  corrects ticket ${c.correctsTicketId}` : ''}`)
            .join('\n')
        : 'no corrections';
      print(io, Boolean(options.json), { corrections: list }, text);
    });
  corrections
    .command('revert')
    .description('revert a correction: its ticket is removed and the bot answers as before')
    .requiredOption('--id <id>', 'the correction id (corr_…)')
    .option('--by <name>', 'who reverts it', 'cli')
    .option('--json', 'print the reverted correction as JSON')
    .action(async (options: { id: string; by: string; json?: boolean }) => {
      if (!/^corr_[0-9a-f]{32}$/.test(options.id)) throw new ParleyError('bad_request', `--id: "${options.id.slice(0, 60)}" is not a correction id (corr_ followed by 32 hex digits)`);
      const reverted = await withParley(env, (parley) => parley.corrections.revert(options.id, options.by));
      print(io, Boolean(options.json), reverted, `reverted ${reverted.id}: "${reverted.question}" answers from ${reverted.correctsTicketId ?? 'retrieval'} again`);
    });
}
