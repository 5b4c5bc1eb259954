import type { Command } from 'commander';
import { ParleyError } from '../../core/index.js';
import { campaignNamed, campaignReport, formatReport, importProfiles, readProfilesFile, type PlanResult } from '../../../engagement/index.js';
import { print, wholeNumberOption, withParley, type CliIo } from './io.js';
import { campaignsOf, createEngagementEngine, outboundAdapters } from '../engagement.js';
import { syncHubSpotWith } from '../background.js';

function planLines(plan: PlanResult, heading: string): string {
  const lines = [`${heading} ${plan.campaign}: segment ${plan.segmentSize} customers, trigger fired for ${plan.matched}${plan.holdout ? ` (${plan.holdout} in the holdout)` : ''}`];
  for (const send of plan.sends) {
    const where = typeof send.destination === 'string' ? `nothing (${send.destination || 'scheduled'})` : `${send.destination.channel} to ${send.destination.address}`;
    lines.push(`- ${send.customerId} [${send.variant}] ${send.triggerKey}: ${send.variant === 'holdout' ? 'held out' : where}${send.duplicate ? ' (already scheduled)' : ''}`);
    if (send.message) {
      if (send.message.subject) lines.push(`  Subject: ${send.message.subject}`);
      lines.push(...send.message.text.split('\n').map((line) => `  | ${line}`));
      if (send.message.rejected.length) lines.push(`  (model rewrite refused: ${send.message.rejected.join('; ')})`);
    }
  }
  return lines.join('\n');
}

/**
 * `parley engage import|sync|preview|run|report`: customer profiles and events in (files, the HubSpot CRM), campaign
 * previews, runs (through the channels' outboxes) and results. Campaigns come from `PARLEY_CAMPAIGNS_FILE`.
 */
export function registerEngageCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const engage = program.command('engage').description('personalised engagement: import customer profiles and events, preview, run and measure campaigns (PARLEY_CAMPAIGNS_FILE)');
  engage
    .command('import <file>')
    .description('import customer profiles and events from CSV (a "type" column: events), JSON ({"customers": [...], "events": [...]}) or NDJSON')
    .option('--json', 'print {"customers", "events", "skipped", "errors": [{"list", "index", "field", "message"}]} as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const rows = await readProfilesFile(file);
      const result = await withParley(env, (parley) => importProfiles(parley.store.engagement, rows));
      const problems = result.errors.map((e) => `  ${e.list}[${e.index}] ${e.field}: ${e.message}`);
      print(io, Boolean(options.json), { file, ...result }, [`imported ${file}: ${result.customers} customers, ${result.events} new events, ${result.skipped} skipped`, ...problems].join('\n'));
    });
  engage
    .command('sync <crm>')
    .description('import contacts from a CRM into customer profiles (hubspot: HUBSPOT_ACCESS_TOKEN; contacts modified since the last sync, every contact the first time)')
    .option('--since <date>', 'sync contacts modified since this ISO 8601 date instead of since the last sync')
    .option('--json', 'print {"mode", "since", "contacts", "skipped", "errors", "cursor"} as JSON')
    .action(async (crm: string, options: { since?: string; json?: boolean }) => {
      if (crm !== 'hubspot') throw new ParleyError('bad_request', `<crm>: "${crm}" is not a supported CRM (supported: hubspot)`, { details: { field: 'crm' } });
      let since: Date | undefined;
      if (options.since !== undefined) {
        since = new Date(options.since);
        if (!/^\d{4}-\d{2}-\d{2}/.test(options.since) || Number.isNaN(since.getTime())) throw new ParleyError('bad_request', `--since: "${options.since}" is not an ISO 8601 date (2026-01-31 or 2026-01-31T08:00:00Z)`, { details: { field: '--since' } });
      }
      const result = await withParley(env, (parley) => syncHubSpotWith(parley, { since }));
      const problems = result.errors.map((e) => `  ${e.field}: ${e.message}`);
      const from = result.mode === 'full' ? 'every contact' : `contacts modified since ${result.since}`;
      print(io, Boolean(options.json), result, [`synced HubSpot (${from}): ${result.contacts} contacts imported, ${result.skipped} skipped; next sync from ${result.cursor ?? 'the start'}`, ...problems].join('\n'));
    });
  engage
    .command('preview')
    .description('who a campaign reaches now and the messages they would get (nothing is stored or sent)')
    .requiredOption('--campaign <name>', 'the campaign (from the campaigns file)')
    .option('--limit <n>', 'messages to compose', '5')
    .option('--json', 'print the plan as JSON')
    .action(async (options: { campaign: string; limit: string; json?: boolean }) => {
      const limit = wholeNumberOption('--limit', options.limit, 0);
      const plan = await withParley(env, async (parley) => {
        const outbound = outboundAdapters(parley);
        try {
          return await (await createEngagementEngine(parley, outbound.adapters)).plan(options.campaign, { dryRun: true, compose: limit });
        } finally {
          outbound.close();
        }
      });
      print(io, Boolean(options.json), plan, planLines(plan, 'preview of'));
    });
  engage
    .command('run')
    .description('fire a campaign now: schedule its sends (each occasion once) and deliver those due, with consent, quiet hours and caps')
    .requiredOption('--campaign <name>', 'the campaign (from the campaigns file)')
    .option('--dry-run', 'show who would get what; store and send nothing')
    .option('--json', 'print {"plan", "delivery"} as JSON')
    .action(async (options: { campaign: string; dryRun?: boolean; json?: boolean }) => {
      const result = await withParley(env, async (parley) => {
        const outbound = outboundAdapters(parley);
        try {
          const engine = await createEngagementEngine(parley, outbound.adapters);
          const plan = await engine.plan(options.campaign, { dryRun: Boolean(options.dryRun) });
          if (options.dryRun) return { plan, delivery: null };
          const delivery = { queued: 0, skipped: 0, deferred: 0, failed: 0 };
          for (;;) {
            const pass = await engine.deliverDue({ campaign: options.campaign });
            for (const key of Object.keys(delivery) as (keyof typeof delivery)[]) delivery[key] += pass[key];
            if (pass.queued + pass.skipped + pass.deferred + pass.failed === 0) break;
          }
          return { plan, delivery };
        } finally {
          outbound.close();
        }
      });
      const d = result.delivery;
      const text = planLines(result.plan, options.dryRun ? 'dry run of' : 'ran');
      print(io, Boolean(options.json), result, d ? `${text}\nscheduled ${result.plan.scheduled}; sent ${d.queued}, skipped ${d.skipped}, deferred (quiet hours) ${d.deferred}, failed ${d.failed}` : text);
    });
  engage
    .command('report')
    .description("a campaign's results: sent, delivered, opened, clicked, replied, converted per A/B variant, and the holdout")
    .requiredOption('--campaign <name>', 'the campaign (from the campaigns file)')
    .option('--json', 'print the report as JSON')
    .action(async (options: { campaign: string; json?: boolean }) => {
      const report = await withParley(env, async (parley) => campaignReport(parley.store, campaignNamed(await campaignsOf(parley), options.campaign)));
      print(io, Boolean(options.json), report, formatReport(report));
    });
}
