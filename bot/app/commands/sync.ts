import type { Command } from 'commander';
import { ZendeskIncrementalExport } from '../../../channels/zendesk/index.js';
import { parseSince } from '../../config/index.js';
import { ParleyError } from '../../core/index.js';
import { PostgresAdvisoryLock } from '../../storage/index.js';
import { print, withParley, type CliIo } from './io.js';
import { syncZendesk, type ZendeskSyncResult } from '../zendesk-sync.js';
import { ZENDESK_SYNC_LOCK_KEY } from '../zendesk-sync-schedule.js';

/** One line saying what a sync changed. */
export function describeZendeskSync(result: ZendeskSyncResult): string {
  const skipped = Object.entries(result.skipped).map(([reason, count]) => `${reason} ${count}`);
  return (
    `synced Zendesk${result.firstSync ? ' (first sync)' : ''}: ${result.changed} changed tickets in ${result.pages} page${result.pages === 1 ? '' : 's'}; ` +
    `${result.upserted} upserted (${result.inserted} new, ${result.updated} updated), ${result.removed} removed, ` +
    `${result.quarantined} quarantined for review${skipped.length ? `; not used: ${skipped.join(', ')}` : ''}; ${result.ms} ms`
  );
}

/**
 * `parley sync zendesk [--since DATE] [--full] [--json]`: fetches the tickets that changed in Zendesk since the last
 * sync (incremental export from the cursor kept in the store) and applies them to the knowledge base. With PostgreSQL
 * it waits for a sync another server is running, then continues from where that one stopped.
 */
export function registerSyncCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const sync = program.command('sync').description('bring tickets from a helpdesk up to date');
  sync
    .command('zendesk')
    .description('fetch only what changed in Zendesk since the last sync (ZENDESK_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN); deleted tickets are removed')
    .option('--since <date>', 'where the first sync starts: an ISO date (2024-01-31) or Unix seconds (default: ZENDESK_SYNC_SINCE, else everything)')
    .option('--full', 'ignore the stored cursor and start again from --since')
    .option('--json', 'print the result as JSON')
    .action(async (options: { since?: string; full?: boolean; json?: boolean }) => {
      const since = options.since === undefined ? undefined : parseSince(options.since);
      if (since === undefined && options.since !== undefined) throw new ParleyError('bad_request', `--since: "${options.since}" is not an ISO date (2024-01-31) or Unix seconds`);
      const result = await withParley(env, async (parley) => {
        const { zendesk, databaseUrl } = parley.config;
        if (!zendesk) throw new ParleyError('config_invalid', 'parley sync zendesk needs ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN');
        const client = new ZendeskIncrementalExport({ url: zendesk.url, email: zendesk.email, apiToken: zendesk.apiToken });
        const run = () =>
          syncZendesk({ zendesk: client, store: parley.store, knowledge: parley.knowledge, since: since ?? parley.config.zendeskSync?.since ?? 0, full: Boolean(options.full), logger: parley.logger });
        if (!databaseUrl) return run();
        const lock = new PostgresAdvisoryLock(databaseUrl, { max: 1, timeouts: parley.config.database, logger: parley.logger });
        try {
          return await lock.run(ZENDESK_SYNC_LOCK_KEY, run);
        } finally {
          await lock.close();
        }
      });
      print(io, Boolean(options.json), result, describeZendeskSync(result));
    });
}
