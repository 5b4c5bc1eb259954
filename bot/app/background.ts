import { ZendeskIncrementalExport } from '../../channels/zendesk/index.js';
import { SCORING_QUEUE } from '../../evaluations/index.js';
import type { HandoffScheduler } from '../../dialogs/index.js';
import { HubSpotContacts, syncHubSpotContacts, type EngagementPasses, type HubSpotSyncResult } from '../../engagement/index.js';
import { ParleyError, type JobRunner } from '../core/index.js';
import { PostgresAdvisoryLock } from '../storage/index.js';
import type { KnowledgeWrites } from './knowledge-writes.js';
import { MaintenanceJob } from './maintenance.js';
import type { OutboxWorker } from './outbox-worker.js';
import type { Parley } from './parley.js';
import { syncZendesk } from './zendesk-sync.js';
import { ZendeskSyncSchedule } from './zendesk-sync-schedule.js';

/** Queues of Parley's own background work (engagement sends, vision jobs… add theirs). */
export const PARLEY_QUEUES = {
  /** Idle close, transcript and photo retention, then scoring of conversations answered or closed since the last pass. */
  maintenance: 'maintenance',
  /** A scoring pass a few seconds after bot answers (asked for by `ScoreSoon`; the maintenance pass scores too). */
  scoring: SCORING_QUEUE,
  /** A new knowledge model version once enough tickets changed (every instance loads it). */
  knowledgeRefit: 'knowledge.refit',
  /** The scheduled Zendesk ticket sync (`ZENDESK_SYNC_MINUTES`). */
  helpdeskSync: 'helpdesk.sync',
  /** Re-sends replies a channel failed to deliver (needs the channel connections: servers only). */
  deliveryRetry: 'delivery.retry',
  /** Handoff reminders, claim timeouts and signed webhook deliveries (needs the agent desk: servers only). */
  handoffTasks: 'handoff.tasks',
  /** The engagement pass: plans every campaign and delivers due sends (needs the channel connections: servers only). */
  engagementSends: 'engagement.sends',
  /** The CRM contact sync into customer profiles (HubSpot: `HUBSPOT_ACCESS_TOKEN`, `HUBSPOT_SYNC_MINUTES`). */
  crmSync: 'crm.sync',
} as const;

/** Queues a `parley worker` process can run (no HTTP, no channel connections). */
export const WORKER_QUEUES: readonly string[] = [PARLEY_QUEUES.maintenance, PARLEY_QUEUES.scoring, PARLEY_QUEUES.knowledgeRefit, PARLEY_QUEUES.helpdeskSync, PARLEY_QUEUES.crmSync];
/** Queues only servers run: their handlers send through the channels' connections. */
export const SERVER_QUEUES: readonly string[] = [PARLEY_QUEUES.deliveryRetry, PARLEY_QUEUES.handoffTasks, PARLEY_QUEUES.engagementSends];

/** How often the knowledge model is checked for enough changed tickets to refit (ms). */
const KNOWLEDGE_REFIT_CHECK_MS = 60_000;
/** How often undelivered replies and handoff timers are looked at (ms). */
const SERVER_TASKS_MS = 30_000;
/** A knowledge refit may take minutes on a large corpus; its lease is renewed while it runs. */
const REFIT_LEASE_MS = 120_000;

/** Intervals of the background work (tests shorten them). */
export interface BackgroundIntervals {
  /** Between maintenance passes (ms); default one minute. */
  maintenanceIntervalMs?: number;
  /** Between Zendesk syncs (ms); default `ZENDESK_SYNC_MINUTES`. */
  zendeskSyncIntervalMs?: number;
  /** Between looks at undelivered replies and handoff timers (ms); default 30 s. */
  serverTasksIntervalMs?: number;
  /** Between CRM contact syncs (ms); default `HUBSPOT_SYNC_MINUTES`. */
  crmSyncIntervalMs?: number;
}

/** The background work registered on a Parley's job runner. */
export interface BackgroundWork {
  /** One maintenance pass on demand (tests, the dashboard); the schedule runs it through the runner. */
  maintenance: MaintenanceJob;
  /** The Zendesk sync when `ZENDESK_SYNC_MINUTES` is set (its `runs` and `last` tell what happened here). */
  zendeskSync: ZendeskSyncSchedule | undefined;
  /** The HubSpot contact sync when `HUBSPOT_ACCESS_TOKEN` and `HUBSPOT_SYNC_MINUTES` are set: one sync on demand. */
  crmSync: ((signal?: AbortSignal) => Promise<HubSpotSyncResult>) | undefined;
  /** Releases what the work holds (the sync's database lock); after the runner stopped. */
  close(): Promise<void>;
}

/**
 * Registers the work any process may run — maintenance (idle close, retention, scoring), scoring passes after answers, knowledge refits and the
 * Zendesk sync — as recurring jobs with their handlers on `parley.jobs`: each period runs once across every process
 * sharing the store (or Redis), in whichever process has a worker for its queue. Call before `parley.jobs.start`.
 */
export function registerBackgroundJobs(parley: Parley, writes: KnowledgeWrites, intervals: BackgroundIntervals = {}): BackgroundWork {
  const { jobs, config, logger } = parley;
  const maintenance = new MaintenanceJob({
    store: parley.store,
    logger,
    idleCloseMinutes: config.idleCloseMinutes,
    transcriptRetentionDays: config.transcriptRetentionDays,
    photoRetentionHours: config.photoRetentionHours,
    scorer: parley.scorer,
  });
  jobs.handle(PARLEY_QUEUES.maintenance, async () => void (await maintenance.pass()));
  jobs.every(PARLEY_QUEUES.maintenance, intervals.maintenanceIntervalMs ?? 60_000);
  jobs.handle(PARLEY_QUEUES.scoring, async () => void (await parley.scorer.scoreDue()));
  jobs.handle(PARLEY_QUEUES.knowledgeRefit, async () => void (await parley.knowledge.refitIfStale()), { leaseMs: Math.max(REFIT_LEASE_MS, config.jobs.leaseMs) });
  jobs.every(PARLEY_QUEUES.knowledgeRefit, KNOWLEDGE_REFIT_CHECK_MS);
  const sync = zendeskSync(parley, writes, intervals.zendeskSyncIntervalMs);
  if (sync) {
    jobs.handle(PARLEY_QUEUES.helpdeskSync, async () => void (await sync.schedule.pass()));
    jobs.every(PARLEY_QUEUES.helpdeskSync, sync.intervalMs);
  }
  const crmSync = hubspotSync(parley);
  if (crmSync && config.hubspot) {
    // Each period runs once across every process; its cursor is in the store, so any process continues the last one.
    jobs.handle(PARLEY_QUEUES.crmSync, async (job) => void (await crmSync(job.signal)));
    jobs.every(PARLEY_QUEUES.crmSync, intervals.crmSyncIntervalMs ?? config.hubspot.syncMinutes * 60_000);
  }
  return { maintenance, zendeskSync: sync?.schedule, crmSync, close: async () => sync?.close() };
}

/**
 * One HubSpot contact sync (`HUBSPOT_*`: contacts modified since the stored cursor into customer profiles), or
 * undefined when HubSpot is not configured or its schedule is off (`HUBSPOT_SYNC_MINUTES=0`).
 */
function hubspotSync(parley: Parley): ((signal?: AbortSignal) => Promise<HubSpotSyncResult>) | undefined {
  const settings = parley.config.hubspot;
  if (!settings || settings.syncMinutes === 0) return undefined;
  return (signal) => syncHubSpotWith(parley, { signal });
}

/** Syncs HubSpot contacts with the configured settings (the `crm.sync` job and `parley engage sync hubspot`). */
export async function syncHubSpotWith(parley: Parley, options: { since?: Date | undefined; signal?: AbortSignal | undefined } = {}): Promise<HubSpotSyncResult> {
  const settings = parley.config.hubspot;
  if (!settings) throw new ParleyError('config_invalid', 'HubSpot is not configured: set HUBSPOT_ACCESS_TOKEN (a private app token with crm.objects.contacts.read)');
  const extra = [settings.optInProperty, settings.optOutProperty].filter((p): p is string => Boolean(p));
  return syncHubSpotContacts({
    client: new HubSpotContacts({ accessToken: settings.accessToken, apiUrl: settings.apiUrl, properties: extra }),
    store: parley.store,
    logger: parley.logger,
    scope: settings.scope,
    optInProperty: settings.optInProperty,
    optOutProperty: settings.optOutProperty,
    since: options.since,
    signal: options.signal,
  });
}

/** The server-only work {@link registerServerJobs} registers. */
export interface ServerWork {
  retries: OutboxWorker;
  handoff: HandoffScheduler;
  /** The engagement pass when a campaigns file is configured, run every `intervalMs` (`PARLEY_ENGAGE_INTERVAL_SECONDS`). */
  engagement?: { passes: EngagementPasses; intervalMs: number } | undefined;
}

/**
 * Registers the work only servers run (it sends through their channels): reply delivery retries, handoff timers and,
 * with campaigns, the engagement pass. Returns the queues registered (the ones a server with
 * `PARLEY_JOB_WORKERS=none` still works).
 */
export function registerServerJobs(jobs: JobRunner, work: ServerWork, intervalMs = SERVER_TASKS_MS): string[] {
  jobs.handle(PARLEY_QUEUES.deliveryRetry, async () => void (await work.retries.pass()));
  jobs.every(PARLEY_QUEUES.deliveryRetry, intervalMs);
  jobs.handle(PARLEY_QUEUES.handoffTasks, () => work.handoff.pass());
  jobs.every(PARLEY_QUEUES.handoffTasks, intervalMs);
  if (!work.engagement) return [PARLEY_QUEUES.deliveryRetry, PARLEY_QUEUES.handoffTasks];
  const { passes } = work.engagement;
  jobs.handle(PARLEY_QUEUES.engagementSends, async (job) => void (await passes.pass({ signal: job.signal })));
  jobs.every(PARLEY_QUEUES.engagementSends, work.engagement.intervalMs);
  return [...SERVER_QUEUES];
}

/**
 * The Zendesk sync when `ZENDESK_SYNC_MINUTES` and the Zendesk settings are set: changes go through the process's
 * serialized knowledge writes; with PostgreSQL, an advisory lock also keeps a `parley sync` command from overlapping it.
 */
function zendeskSync(parley: Parley, writes: KnowledgeWrites, intervalMs: number | undefined): { schedule: ZendeskSyncSchedule; intervalMs: number; close(): Promise<void> } | undefined {
  const { zendeskSync: settings, zendesk, databaseUrl } = parley.config;
  if (!settings || !zendesk) return undefined;
  const client = new ZendeskIncrementalExport({ url: zendesk.url, email: zendesk.email, apiToken: zendesk.apiToken });
  const lock = databaseUrl ? new PostgresAdvisoryLock(databaseUrl, { max: 1, timeouts: parley.config.database, logger: parley.logger }) : undefined;
  const every = intervalMs ?? settings.minutes * 60_000;
  const schedule = new ZendeskSyncSchedule({
    intervalMs: every,
    sync: () => syncZendesk({ zendesk: client, store: parley.store, knowledge: writes, since: settings.since, logger: parley.logger }),
    logger: parley.logger,
    lock,
  });
  return { schedule, intervalMs: every, close: async () => lock?.close() };
}
