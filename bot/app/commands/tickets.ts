import type { Command } from 'commander';
import { ParleyError, type QuarantinedTicket } from '../../core/index.js';
import { print, withParley, type CliIo } from './io.js';

/** A ticket id from `--id`: not blank, printable, at most 256 characters. */
function ticketId(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!value.trim() || value.length > 256 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ParleyError('bad_request', `--id: ${JSON.stringify(value.slice(0, 40))} is not a ticket id (non-blank, printable, at most 256 characters)`);
  }
  return value;
}

/** One held ticket for reviewers: id, source, reasons, and the (redacted) question and answer. */
function describe(held: QuarantinedTicket): string {
  const reasons = held.reasons.map((r) => `${r.code}: ${r.message}`).join('; ');
  return `${held.ticket.id}  (${held.ticket.source}, held ${held.quarantinedAt})\n  why: ${reasons}\n  Q: ${held.ticket.question}\n  A: ${held.ticket.answer}`;
}

/**
 * `parley tickets quarantine`, `parley tickets release --id ID` and `parley tickets reject --id ID`: review the tickets
 * ingest held back because they ask customers for card data, passwords or one-time codes, or link off the operator's
 * domains.
 */
export function registerTicketCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const tickets = program.command('tickets').description('tickets held back at ingest for review: list, release or reject them');
  tickets
    .command('quarantine')
    .description('list the tickets held for review, oldest first, with why each was held')
    .option('--source <name>', 'only tickets of this source')
    .option('--json', 'print {"quarantined": [{"ticket", "reasons", "quarantinedAt"}, ...]} as JSON')
    .action(async (options: { source?: string; json?: boolean }) => {
      const list = await withParley(env, (parley) => parley.knowledge.quarantined(options.source ? { source: options.source } : {}));
      print(io, Boolean(options.json), { quarantined: list }, list.length ? list.map(describe).join('\n') : 'no tickets held for review');
    });
  tickets
    .command('release')
    .description('release a held ticket after review: it becomes searchable, and the same text is not held again')
    .requiredOption('--id <id>', 'the ticket id')
    .option('--by <name>', 'who reviewed it', 'cli')
    .option('--json', 'print the released ticket as JSON')
    .action(async (options: { id: string; by: string; json?: boolean }) => {
      const released = await withParley(env, (parley) => parley.knowledge.release(ticketId(options.id), options.by));
      print(io, Boolean(options.json), released, `released ${released.ticket.id}: customers can be answered from it now`);
    });
  tickets
    .command('reject')
    .description('delete a held ticket for good')
    .requiredOption('--id <id>', 'the ticket id')
    .option('--json', 'print the deleted ticket as JSON')
    .action(async (options: { id: string; json?: boolean }) => {
      const rejected = await withParley(env, (parley) => parley.knowledge.reject(ticketId(options.id)));
      print(io, Boolean(options.json), rejected, `deleted held ticket ${rejected.ticket.id}`);
    });
}
