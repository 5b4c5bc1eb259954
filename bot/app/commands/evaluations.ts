import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  buildReport,
  createDashboardUser,
  figures,
  flagCounts,
  formatFailure,
  loadStories,
  publicUser,
  runStories,
  summarize,
  toJUnit,
} from '../../../evaluations/index.js';
import { withStoryTarget } from '../../../evaluations/in-process.js';
import { ParleyError } from '../../core/index.js';
import { print, ReportedFailure, withParley, type CliIo } from './io.js';

/** A date flag (`2026-03-01` or a full ISO 8601 time) as ISO 8601; `bad_request` naming the flag otherwise. */
export function parseDateFlag(value: string, flag: string): string {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw new ParleyError('bad_request', `${flag}: "${value}" is not a date (YYYY-MM-DD or ISO 8601)`);
  return new Date(time).toISOString();
}

/** `parley eval …`, `parley test …` and `parley users …`. */
export function registerEvaluationCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const evaluate = program.command('eval').description('conversation scores and quality reports');
  evaluate
    .command('conversations')
    .description('score every conversation created since a date (stores the scores; the dashboard shows them)')
    .requiredOption('--since <date>', 'first day (YYYY-MM-DD or ISO 8601)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { since: string; json?: boolean }) => {
      const since = parseDateFlag(options.since, '--since');
      const result = await withParley(env, async (parley) => {
        const scores = await parley.scorer.scoreSince(since);
        const rows = await parley.store.evaluations.listScoredConversations({ since, limit: 10_000 });
        return { since, scored: scores.length, figures: figures(rows), flags: flagCounts(rows), conversations: scores.map((s) => ({ id: s.conversationId, score: s.score, flags: s.flags, judge: s.judge })) };
      });
      const lines = [
        `scored ${result.scored} conversations since ${since.slice(0, 10)}; mean score ${result.figures.score === null ? '–' : result.figures.score.toFixed(3)}`,
        ...result.conversations.map((c) => `  ${c.id}  ${c.score.toFixed(3)}  ${c.flags.join(', ')}`),
      ];
      print(io, Boolean(options.json), result, lines.join('\n'));
    });
  evaluate
    .command('report')
    .description('write a self-contained HTML report (charts inline) for e-mailing to a CX lead')
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--since <date>', 'first day (YYYY-MM-DD or ISO 8601); default: all conversations')
    .option('--json', 'print the result as JSON')
    .action(async (options: { out: string; since?: string; json?: boolean }) => {
      if (!options.out.trim()) throw new ParleyError('bad_request', '--out: must name a file');
      const since = options.since === undefined ? undefined : parseDateFlag(options.since, '--since');
      const report = await withParley(env, (parley) => buildReport(parley.store, since ? { since } : {}));
      await writeFile(options.out, report.html);
      const result = { out: options.out, conversations: report.conversations, scored: report.scored, bytes: Buffer.byteLength(report.html) };
      print(io, Boolean(options.json), result, `wrote ${options.out}: ${report.conversations} conversations, ${report.scored} scored`);
    });

  program
    .command('test <paths...>')
    .description('run conversation stories (YAML files or folders) in-process against an isolated temporary store')
    .option('--junit <file>', 'also write JUnit XML here')
    .option('--tickets <file>', 'answer from these tickets instead of the bundled sample tickets')
    .option('--json', 'print the results as JSON')
    .action(async (paths: string[], options: { junit?: string; tickets?: string; json?: boolean }) => {
      const stories = await loadStories(paths);
      const results = await withStoryTarget({ env, tickets: options.tickets }, (target) => runStories(stories, target));
      if (options.junit) await writeFile(options.junit, toJUnit(results));
      const totals = summarize(results);
      const lines = results.map((r) => (r.passed ? `✓ ${r.name} (score ${r.score?.score.toFixed(3) ?? '–'}${r.score?.flags.length ? `; ${r.score.flags.join(', ')}` : ''})` : formatFailure(r)));
      lines.push(`${totals.passed} of ${totals.stories} stories passed${options.junit ? `; JUnit XML in ${options.junit}` : ''}`);
      print(io, Boolean(options.json), { ...totals, results }, lines.join('\n'));
      if (totals.failed > 0) throw new ReportedFailure(`${totals.failed} stories failed`);
    });

  const users = program.command('users').description('CX dashboard users (roles admin, cx_lead, agent)');
  users
    .command('add')
    .description('create a dashboard user with a hashed password')
    .requiredOption('--email <email>', 'login e-mail')
    .requiredOption('--password <password>', 'password (10 to 200 characters)')
    .requiredOption('--role <role>', 'admin, cx_lead or agent')
    .option('--json', 'print the user as JSON')
    .action(async (options: { email: string; password: string; role: string; json?: boolean }) => {
      const user = await withParley(env, (parley) =>
        createDashboardUser(parley.store, options, { email: '--email', password: '--password', role: '--role' }),
      );
      print(io, Boolean(options.json), user, `created ${user.role} ${user.email}`);
    });
  users
    .command('list')
    .description('list dashboard users and their grants')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withParley(env, async (parley) =>
        Promise.all((await parley.store.evaluations.listUsers()).map(async (u) => ({ ...publicUser(u), grants: await parley.store.evaluations.listGrants(u.id) }))),
      );
      print(io, Boolean(options.json), { users: list }, list.map((u) => `${u.email}  ${u.role}${u.grants.length ? `  (${u.grants.map((g) => `${g.kind} ${g.value}`).join(', ')})` : ''}`).join('\n') || 'no users');
    });
  users
    .command('grant')
    .description("let an agent see a channel's conversations or one conversation (agents see nothing otherwise)")
    .requiredOption('--email <email>', 'the agent')
    .option('--channel <name>', 'every conversation on this channel')
    .option('--conversation <id>', 'this conversation')
    .option('--revoke', 'take the grant away instead')
    .option('--json', 'print JSON')
    .action(async (options: { email: string; channel?: string; conversation?: string; revoke?: boolean; json?: boolean }) => {
      if (Boolean(options.channel) === Boolean(options.conversation)) throw new ParleyError('bad_request', '--channel or --conversation: give exactly one');
      const grant = options.channel ? { kind: 'channel' as const, value: options.channel } : { kind: 'conversation' as const, value: options.conversation as string };
      const result = await withParley(env, async (parley) => {
        const user = await parley.store.evaluations.getUserByEmail(options.email);
        if (!user) throw new ParleyError('bad_request', `--email: no user ${options.email}`);
        if (options.revoke) await parley.store.evaluations.removeGrant({ userId: user.id, ...grant });
        else await parley.store.evaluations.addGrant({ userId: user.id, ...grant });
        return { email: user.email, ...grant, granted: !options.revoke };
      });
      print(io, Boolean(options.json), result, `${result.granted ? 'granted' : 'revoked'} ${grant.kind} ${grant.value} ${result.granted ? 'to' : 'from'} ${result.email}`);
    });
}
