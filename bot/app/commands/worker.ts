import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { ParleyError, stderrLogger, type JobQueueCounts } from '../../core/index.js';
import { registerBackgroundJobs, SERVER_QUEUES, WORKER_QUEUES } from '../background.js';
import { print, withParley, type CliIo } from './io.js';
import { serializedKnowledgeWrites } from '../knowledge-writes.js';
import { createParley } from '../parley.js';
import { survivePromiseRejectionsFromStoreOutages, untilStoreAvailable } from '../store-wait.js';

/** How long a stopping worker waits for its running jobs (ms): under the 30 s orchestrators give after SIGTERM. */
const WORKER_DRAIN_MS = 20_000;

/** The queues of `--queues a,b`: each one a worker can run; `bad_request` naming the flag otherwise. */
export function parseWorkerQueues(value: string | undefined, available: readonly string[]): string[] {
  if (value === undefined) return [...available];
  const queues = [...new Set(value.split(',').map((q) => q.trim()).filter(Boolean))];
  if (queues.length === 0) throw new ParleyError('bad_request', '--queues: give at least one queue name');
  for (const queue of queues) {
    if (SERVER_QUEUES.includes(queue)) throw new ParleyError('bad_request', `--queues: ${queue} runs in servers only (it sends through their channel connections)`);
    if (!available.includes(queue)) throw new ParleyError('bad_request', `--queues: no queue "${queue}" here (known: ${available.join(', ')})`);
  }
  return queues;
}

function countsLine(counts: JobQueueCounts): string {
  const age = counts.oldestWaitingAt ? `, oldest waiting since ${counts.oldestWaitingAt}` : '';
  const last = counts.lastCompletedAt ? `, last finished ${counts.lastCompletedAt}` : '';
  return `${counts.queue}: ${counts.waiting} waiting, ${counts.delayed} delayed, ${counts.running} running, ${counts.dead} dead, ${counts.completed} finished${age}${last}`;
}

/**
 * `parley worker [--queues a,b]`: a process that runs background jobs only (no HTTP), sharing them with the servers
 * and other workers; SIGTERM or SIGINT stops taking jobs and waits for running ones. `parley jobs`: queue counts
 * and dead-lettered jobs; `parley jobs retry ID` puts a dead job back.
 */
export function registerWorkerCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  program
    .command('worker')
    .description(`run background jobs without HTTP (servers with PARLEY_JOB_WORKERS=none leave them to workers); queues: ${WORKER_QUEUES.join(', ')}`)
    .option('--queues <names>', 'comma-separated queues to run (default: every queue a worker can run)')
    .action(async (options: { queues?: string }) => {
      const config = loadConfig(env);
      const logger = stderrLogger(config.logLevel);
      survivePromiseRejectionsFromStoreOutages(logger);
      const parley = await untilStoreAvailable(() => createParley(config, { logger }), { logger, retryMaxMs: config.database.retryMaxMs });
      const background = registerBackgroundJobs(parley, serializedKnowledgeWrites(parley.knowledge));
      // The Zendesk sync exists only when configured; every other worker queue always does.
      const available = WORKER_QUEUES.filter((queue) => queue !== 'helpdesk.sync' || background.zendeskSync);
      let queues: string[];
      try {
        queues = parseWorkerQueues(options.queues, available);
      } catch (error) {
        await parley.close();
        throw error;
      }
      await parley.jobs.start({ queues });
      parley.logger.info({ queues, backend: parley.jobs.backend }, `Parley worker running ${queues.join(', ')}`);
      const stop = async () => {
        const drained = await parley.jobs.stop(WORKER_DRAIN_MS);
        await background.close();
        await parley.close();
        process.exit(drained ? 0 : 1);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  const jobs = program.command('jobs').description('background jobs: counts per queue and the dead letter (jobs out of attempts)');
  jobs
    .command('list', { isDefault: true })
    .description('jobs per queue and state, and the newest dead-lettered jobs with their last error')
    .option('--queue <name>', 'only this queue')
    .option('--json', 'print {"queues": […], "dead": […]} as JSON')
    .action(async (options: { queue?: string; json?: boolean }) => {
      const result = await withParley(env, async (parley) => {
        const counts = (await parley.jobs.counts()).filter((c) => !options.queue || c.queue === options.queue);
        const dead = await parley.jobs.dead(options.queue ? { queue: options.queue } : {});
        return { queues: counts, dead };
      });
      const text = [...result.queues.map(countsLine), ...result.dead.map((d) => `dead ${d.id} (${d.queue}, ${d.attempts} attempts, ${d.failedAt}): ${d.lastError}`)];
      print(io, Boolean(options.json), result, text.join('\n') || 'no jobs');
    });
  jobs
    .command('retry <id>')
    .description('put a dead-lettered job back in its queue with a fresh set of attempts')
    .option('--json', 'print {"id", "retried"} as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const retried = await withParley(env, (parley) => parley.jobs.retryDead(id));
      if (!retried) throw new ParleyError('not_found', `no dead-lettered job ${id}`);
      print(io, Boolean(options.json), { id, retried }, `job ${id} is waiting again`);
    });
}
