import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { checkScope, ParleyError, SHARED_SCOPE, type AnswerClusterRecord } from '../../core/index.js';
import type { AnswerClusters, ClusterDetail } from '../../../knowledge/index.js';
import type { Parley } from '../parley.js';
import { print, withParley, type CliIo } from './io.js';

/** Who a review from the command line is recorded as: `cli:<os user>`. */
const reviewer = (): string => `cli:${userInfo().username}`;

const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/** One line of `clusters list`. */
function line(cluster: AnswerClusterRecord): string {
  const text = cluster.status === 'approved' && cluster.reviewedText ? cluster.reviewedText : cluster.canonicalText;
  return `${cluster.id}  ${String(cluster.size).padStart(4)}  ${cluster.status.padEnd(8)}  ${cluster.scope ?? '*'}  ${clip(cluster.name, 40)}  — ${clip(text, 80)}`;
}

/** `clusters show` as text. */
function detailText(detail: ClusterDetail): string {
  const { cluster } = detail;
  return [
    `${cluster.id}  ${cluster.name}  (${cluster.status}, ${cluster.size} tickets, scope ${cluster.scope ?? '*'}, ${cluster.key})`,
    `says: ${detail.answerText || '(nothing: edit it with --text)'}`,
    ...(cluster.reviewedText && cluster.status !== 'approved' ? [`edited (not approved): ${cluster.reviewedText}`] : []),
    'tickets:',
    ...detail.members.map((m) => `  ${m.ticketId}${m.pinned ? ' (placed by a reviewer)' : ''}: ${clip(m.question ?? '(not searchable)', 90)}`),
  ].join('\n');
}

/** Runs `work` on the answer clusters (recomputed first when tickets changed). */
function withClusters<T>(env: NodeJS.ProcessEnv | undefined, work: (clusters: AnswerClusters, parley: Parley) => Promise<T>): Promise<T> {
  return withParley(env, async (parley) => {
    const clusters = parley.knowledge.clusters;
    if (!clusters) throw new ParleyError('unsupported', 'this knowledge base keeps no answer clusters');
    await clusters.settled();
    return work(clusters, parley);
  });
}

/** The ids of `--tickets a,b c`. */
function ticketIds(values: readonly string[]): string[] {
  const ids = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (ids.length === 0) throw new ParleyError('bad_request', '--tickets: name at least one ticket id');
  return ids;
}

/**
 * `parley knowledge clusters list|show|rename|merge|split|edit|approve`: the answer clusters CX leads review (tickets
 * whose answers say the same thing, and the one text the bot says for all of them).
 */
export function registerClusterCommands(knowledge: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const clusters = knowledge.command('clusters').description('answer clusters: tickets whose answers say the same thing, and the text the bot says for them (review, edit, approve)');
  clusters
    .command('list')
    .description('clusters, largest first: id, size, status, scope, name and the text the bot says')
    .option('--scope <name>', 'only the clusters of this knowledge scope (* for the shared tickets)')
    .option('--json', 'print {"clusters": [{"id", "scope", "name", "size", "status", "canonicalText", "reviewedText", …}, …]}')
    .action(async (options: { scope?: string; json?: boolean }) => {
      const scope = options.scope === undefined ? undefined : options.scope.trim() === SHARED_SCOPE ? null : checkScope(options.scope, '--scope');
      const list = await withClusters(env, (c) => c.list(scope === undefined ? undefined : { scope }));
      print(io, Boolean(options.json), { clusters: list }, list.length ? list.map(line).join('\n') : 'no answer clusters (ingest tickets first)');
    });
  clusters
    .command('show <id>')
    .description("a cluster's text and its tickets' questions")
    .option('--json', 'print {"cluster", "answerText", "members": [{"ticketId", "pinned", "question", "answer"}, …]}')
    .action(async (id: string, options: { json?: boolean }) => {
      const detail = await withClusters(env, (c) => c.show(id));
      print(io, Boolean(options.json), detail, detailText(detail));
    });
  clusters
    .command('rename <id> <name>')
    .description('rename a cluster (the name stays when its tickets change)')
    .option('--json', 'print the cluster as JSON')
    .action(async (id: string, name: string, options: { json?: boolean }) => {
      const cluster = await withClusters(env, (c) => c.rename(id, name, reviewer()));
      print(io, Boolean(options.json), cluster, `renamed ${cluster.id} to ${cluster.name}`);
    });
  clusters
    .command('merge <id> <others...>')
    .description('move every ticket of the other clusters into the first (they stay there when clusters are recomputed)')
    .option('--json', 'print the merged cluster as JSON')
    .action(async (id: string, others: string[], options: { json?: boolean }) => {
      const cluster = await withClusters(env, (c) => c.merge(id, others, reviewer()));
      print(io, Boolean(options.json), cluster, `merged ${others.join(', ')} into ${cluster.id} (${cluster.size} tickets)`);
    });
  clusters
    .command('split <id>')
    .description('move some tickets of a cluster into a new draft cluster (kept apart when clusters are recomputed)')
    .requiredOption('--tickets <ids...>', 'the ticket ids to split off (space- or comma-separated)')
    .option('--json', 'print the new cluster as JSON')
    .action(async (id: string, options: { tickets: string[]; json?: boolean }) => {
      const ids = ticketIds(options.tickets);
      const cluster = await withClusters(env, (c) => c.split(id, ids, reviewer()));
      print(io, Boolean(options.json), cluster, `split ${ids.length} ticket(s) off ${id} into ${cluster.id}`);
    });
  clusters
    .command('edit <id>')
    .description('replace the text the bot says for a cluster ({{Slots}} allowed); it is a draft until approved')
    .option('--text <text>', 'the new text')
    .option('--file <path>', 'read the new text from a file')
    .option('--json', 'print the cluster as JSON')
    .action(async (id: string, options: { text?: string; file?: string; json?: boolean }) => {
      if ((options.text === undefined) === (options.file === undefined)) throw new ParleyError('bad_request', '--text or --file: give exactly one');
      let text = options.text ?? '';
      if (options.file !== undefined) {
        try {
          text = await readFile(options.file, 'utf8');
        } catch (error) {
          throw new ParleyError('bad_request', `--file: cannot read ${options.file} (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      const cluster = await withClusters(env, (c) => c.edit(id, text, reviewer()));
      print(io, Boolean(options.json), cluster, `edited ${cluster.id}; approve it to have the bot say it (parley knowledge clusters approve ${cluster.id})`);
    });
  clusters
    .command('approve <id>')
    .description('approve the text of a cluster (the edited one, else the canonical one): the bot says it for all its tickets')
    .option('--json', 'print the cluster as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const cluster = await withClusters(env, (c) => c.approve(id, reviewer()));
      print(io, Boolean(options.json), cluster, `approved ${cluster.id}: ${clip(cluster.reviewedText ?? '', 100)}`);
    });
}
