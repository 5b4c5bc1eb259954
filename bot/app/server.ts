import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerTicketsApi } from '../../channels/rest/index.js';
import { UploadStore, webchatChannel, type WebchatSockets } from '../../channels/webchat/index.js';
import { registerDashboard, type DashboardRoute } from '../../evaluations/index.js';
import { qdrantReady } from '../../knowledge/indexes/qdrant/index.js';
import { errorResponse, ParleyError, pastRetention, strictJsonParser, TRYON_MEDIA_ID, withLogContext } from '../core/index.js';
import { openRedis } from '../jobs/index.js';
import { startChannels, type ConfiguredChannels } from './channels.js';
import { createHandoff, type HandoffWiring } from './handoff.js';
import type { InboundSpool } from './inbound-spool.js';
import { serializedKnowledgeWrites, type KnowledgeWrites } from './knowledge-writes.js';
import type { MaintenanceJob } from './maintenance.js';
import { registerBackgroundJobs, registerServerJobs } from './background.js';
import { registerOpenApi, type RegisteredRoute } from './openapi/index.js';
import { channelHost, type Parley } from './parley.js';
import { registerProbes } from './probes.js';
import { RedisFanout, webchatFanoutChannel } from './redis-fanout.js';
import { registerRateLimits } from './rate-limits.js';
import { TurnRecovery } from './turn-recovery.js';

export { clientAddress } from './client-address.js';
import type { ZendeskSyncSchedule } from './zendesk-sync-schedule.js';
import { registerEngagementRoutes, type EngagementPasses } from '../../engagement/index.js';
import { campaignOverviews, engagementPasses, engagementSecret } from './engagement.js';

/** Methods a path is checked for when a request's method has no route there (for 405 and `Allow`). */
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The site icon: a chat bubble in the dashboard's blue. */
const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#2f6fde" d="M6 4h20a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4H14l-7 6v-6H6a4 4 0 0 1-4-4V8a4 4 0 0 1 4-4z"/></svg>';

/** Largest request body accepted (bytes); the 4,000-character text limit is checked separately (413 either way). */
const BODY_LIMIT = 64 * 1024;
/** How long closing waits for turns in flight by default (ms): under the 30 s orchestrators give after SIGTERM. */
const DRAIN_MS = 10_000;

/** A listening Parley HTTP server. */
export interface RunningServer {
  app: FastifyInstance;
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  webchat: WebchatSockets;
  channels: ConfiguredChannels;
  /** Escalations to agents (Slack desk, Zendesk, signed webhook), reminders and follow-ups. */
  handoff: HandoffWiring;
  /** Routes of the CX dashboard (`/dashboard`). */
  dashboardRoutes: DashboardRoute[];
  /** Every HTTP route the server registered (the OpenAPI document at `/api/openapi.json` describes each). */
  routes: RegisteredRoute[];
  /** Closes idle conversations, applies retention and scores conversations; a job every minute by default (`pass()` runs one now). */
  maintenance: MaintenanceJob;
  /** Runs again the turns a dead process left unfinished (at start, then every few seconds). */
  recovery: TurnRecovery;
  /** Runs the messages kept while the database was unavailable (see {@link InboundSpool}). */
  spool: InboundSpool;
  /** The scheduled Zendesk ticket sync, when `ZENDESK_SYNC_MINUTES` is set. */
  zendeskSync: ZendeskSyncSchedule | undefined;
  /** The engagement pass (campaign triggers and due sends) the `engagement.sends` job runs, when `PARLEY_CAMPAIGNS_FILE` is set. */
  engagement: EngagementPasses | undefined;
  close(): Promise<void>;
}

/** Apps whose server is shutting down (`/ready` answers 503 while turns in flight finish). */
const stopping = new WeakSet<FastifyInstance>();

/** Builds the HTTP app (health, readiness and metrics, REST, web chat and every configured channel) without listening. */
export async function buildServer(parley: Parley): Promise<{
  app: FastifyInstance;
  webchat: WebchatSockets;
  channels: ConfiguredChannels;
  handoff: HandoffWiring;
  /** Routes of the CX dashboard. */
  dashboardRoutes: DashboardRoute[];
  /** The server's writes to the knowledge base (tickets API, helpdesk sync), one at a time. */
  knowledgeWrites: KnowledgeWrites;
  /** Every HTTP route registered (filled in as Fastify registers them; complete once the app is ready). */
  routes: RegisteredRoute[];
}> {
  const config = parley.config;
  const hops = config.trustProxy;
  // A hop count as proxy-addr's function form (Fastify's types take no number).
  const trustProxy = typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : hops;
  // Request ids: the load balancer's `X-Request-Id` when it sends one, else a random one; logged with every entry.
  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false, trustProxy, requestIdHeader: 'x-request-id', genReqId: () => randomUUID() });
  // First, so that it sees every route registered after it.
  const routes = registerOpenApi(app);
  const limits = await registerRateLimits(app, config.rateLimits, parley.logger);
  app.addHook('onClose', async () => limits.close());
  const host = { ...channelHost(parley), limits: limits.limiter };

  // Every log entry written while a request is handled names it.
  app.addHook('onRequest', (request, _reply, done) => withLogContext({ requestId: request.id }, done));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, strictJsonParser);

  app.setErrorHandler((error, request, reply) => {
    const { status, body, fault } = errorResponse(error);
    if (fault) parley.logger.error({ err: error, url: request.url }, 'request failed');
    const retryAfter = error instanceof ParleyError ? error.details?.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // A path that exists with other methods (GET /api/chat) is 405 with the methods it takes, not "no route".
    const allowed = HTTP_METHODS.filter((method) => method !== request.method && app.findRoute({ method, url: path }) !== null);
    if (allowed.length) {
      return reply.status(405).header('allow', allowed.join(', ')).send({ error: { code: 'method_not_allowed', message: `${request.method} ${path}: use ${allowed.join(' or ')}` } });
    }
    return reply.status(404).send({ error: { code: 'not_found', message: `no route for ${request.method} ${path}` } });
  });

  // Browsers ask every page's origin for an icon: a small one instead of a 404 in each page's console.
  app.get('/favicon.ico', async (_request, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG));

  const { qdrantUrl, qdrantApiKey } = config;
  registerProbes(app, parley, {
    stopping: () => stopping.has(app),
    ...(limits.pingRedis ? { redis: limits.pingRedis } : {}),
    ...(qdrantUrl ? { qdrant: () => qdrantReady({ url: qdrantUrl, ...(qdrantApiKey ? { apiKey: qdrantApiKey } : {}), timeoutMs: config.database.healthTimeoutMs }) } : {}),
  });
  const knowledgeWrites = serializedKnowledgeWrites(parley.knowledge);
  await registerTicketsApi(app, { apiKey: config.apiKey, knowledge: knowledgeWrites, limits: limits.limiter });
  await registerEngagementRoutes(app, { store: parley.store, apiKey: config.apiKey, secret: await engagementSecret(parley.store), limits: limits.limiter });
  // Several instances behind a load balancer: agents' and proactive messages reach a socket on any of them.
  const fanout = config.rateLimits.redisUrl
    ? new RedisFanout({ openRedis, url: config.rateLimits.redisUrl, channel: webchatFanoutChannel(parley.storeNamespace), instanceId: parley.bot.instanceId, logger: parley.logger })
    : undefined;
  if (fanout) app.addHook('onClose', async () => fanout.close());
  // Agents' replies go out through the channels started below (looked up when they are sent). The handoff comes
  // first: its middleware must be in place before a channel's listener or recovery can start a turn.
  const handoff = await createHandoff(app, parley, { adapters: () => channels.adapters, webchat: () => channels.get(webchatChannel)?.adapter });
  const channels = await startChannels(app, host, { parley, handoff: handoff.service, fanout });
  if (!handoff.service.hasDesk) {
    // Nothing can take a handoff: customers are told so (no reply promises a person), and the operator is told here.
    parley.logger.warn(
      { escalations: 'dashboard only', emailFollowUp: Boolean(parley.config.email ?? parley.config.zendesk) },
      'handoffs have no destination: no agent desk is configured (set SLACK_ESCALATION_CHANNEL with the Slack app, see docs/handoff.md); customers who need a person are told nobody can reply in the chat, their requests are recorded (dashboard: status needs_human) and the bot keeps answering',
    );
  }
  const webchat = channels.get(webchatChannel)?.adapter;
  if (!webchat) throw new ParleyError('internal', 'the channel registry did not start the web chat');
  registerTryOnMedia(app, parley);
  const uploads = new UploadStore(join(parley.config.home, 'uploads'));
  const dashboardRoutes = registerDashboard(app, {
    store: parley.store,
    logger: parley.logger,
    scorer: parley.scorer,
    ticket: (id) => parley.knowledge.get(id),
    revertCorrection: (id, by) => parley.corrections.revert(id, by),
    quarantine: { release: (id, by) => parley.knowledge.release(id, by), reject: (id) => parley.knowledge.reject(id) },
    clusters: parley.knowledge.clusters,
    sessionHours: parley.config.dashboardSessionHours,
    limits: limits.limiter,
    secureCookies: parley.config.publicUrl?.startsWith('https:') ?? false,
    campaigns: campaignOverviews(parley, () => channels.adapters),
    uploads: async (conversationId, uploadId) => {
      const upload = await uploads.find(conversationId, uploadId);
      return upload ? new Uint8Array(await readFile(upload.path)) : undefined;
    },
    photoRetentionHours: parley.config.photoRetentionHours,
    jobs: parley.jobs,
  });
  return { app, webchat, channels, handoff, dashboardRoutes, knowledgeWrites, routes };
}

/**
 * `GET /media/tryon/:id`: a try-on image, to whoever holds its unguessable URL (channels such as MMS fetch it without
 * credentials), until the photo retention period has passed; 404 otherwise. `GET /media/catalogue/:id`: a product photo.
 */
function registerTryOnMedia(app: FastifyInstance, parley: Parley): void {
  app.get<{ Params: { id: string } }>('/media/tryon/:id', async (request, reply) => {
    const { id } = request.params;
    const media = TRYON_MEDIA_ID.test(id) ? await parley.store.tryon.getMedia(id) : undefined;
    const expired = media && pastRetention(media.createdAt, parley.config.photoRetentionHours);
    if (!media || expired) return reply.status(404).send({ error: { code: 'not_found', message: 'no such try-on image (or it has expired)' } });
    return reply
      .header('content-type', media.contentType)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(Buffer.from(media.data));
  });
  // Catalogue product photos are public (shown when a shopper picks a product).
  app.get<{ Params: { id: string } }>('/media/catalogue/:id', async (request, reply) => {
    const product = await parley.store.tryon.getProduct(request.params.id);
    if (!product) return reply.status(404).send({ error: { code: 'not_found', message: 'no such catalogue product' } });
    return reply.header('content-type', product.imageType).header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').send(Buffer.from(product.image));
  });
}

/**
 * Starts listening on `port` (0 picks a free one) and `host`, starts {@link TurnRecovery}, and registers the background
 * work on `parley.jobs` and starts it: with workers in process (`PARLEY_JOB_WORKERS=in-process`, the default) this
 * server runs every queue; with `none` only the queues that need its channel connections (delivery retries, handoff
 * timers), the rest being left to `parley worker` processes.
 */
export async function startServer(
  parley: Parley,
  options: {
    port: number;
    host: string;
    /** Time between maintenance passes (ms); default one minute. */
    maintenanceIntervalMs?: number;
    /** Time between turn recovery passes (ms); default 5 s. */
    recoveryIntervalMs?: number;
    /** Time between Zendesk syncs (ms); default `ZENDESK_SYNC_MINUTES`. */
    zendeskSyncIntervalMs?: number;
    /** Time between HubSpot contact syncs (ms); default `HUBSPOT_SYNC_MINUTES`. */
    crmSyncIntervalMs?: number;
    /** Time between looks at undelivered replies and handoff timers (ms); default 30 s. */
    serverTasksIntervalMs?: number;
    /** How long `close()` waits for turns in flight (ms); default 10 s. */
    drainMs?: number;
    /** Time between engagement passes (ms); default `PARLEY_ENGAGE_INTERVAL_SECONDS`. */
    engagementIntervalMs?: number;
  },
): Promise<RunningServer> {
  const { app, webchat, channels, handoff, dashboardRoutes, knowledgeWrites, routes } = await buildServer(parley);
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const background = registerBackgroundJobs(parley, knowledgeWrites, options);
  // Campaign sends go out through the channels' connections, so the engagement pass runs where they are: in servers.
  const engagement = await engagementPasses(parley, channels.adapters);
  const serverQueues = registerServerJobs(
    parley.jobs,
    { retries: channels.retries, handoff: handoff.scheduler, engagement: engagement && { passes: engagement, intervalMs: options.engagementIntervalMs ?? parley.config.engagement.intervalSeconds * 1000 } },
    options.serverTasksIntervalMs,
  );
  await parley.jobs.start(parley.config.jobs.workers === 'none' ? { queues: serverQueues } : {});
  // Started once the channels listen, so a re-run turn's replies can reach customers who are back.
  const recovery = new TurnRecovery({
    bot: parley.bot,
    store: parley.store,
    logger: parley.logger,
    resume: (channel) => channels.resume.get(channel),
    sink: (channel) => {
      const adapter = channels.adapters.get(channel);
      return adapter ? { send: (reply) => adapter.send(reply) } : undefined;
    },
    ...(options.recoveryIntervalMs !== undefined ? { intervalMs: options.recoveryIntervalMs } : {}),
  }).start();
  const spool = await parley.spool.start({
    process: (activity, sink) => parley.bot.processActivity(activity, sink),
    sinkFor: (activity) => {
      if (activity.channel === webchat.channel) return webchat.laterSink(activity);
      const adapter = channels.adapters.get(activity.channel);
      // REST has no way to push: its replies wait in the transcript (and answer a retry with the same messageId).
      return { send: async (reply) => void (await adapter?.send(reply)) };
    },
  });
  parley.store.onAvailable(() => void spool.drain());
  return {
    app,
    webchat,
    channels,
    handoff,
    dashboardRoutes,
    routes,
    maintenance: background.maintenance,
    recovery,
    spool,
    zendeskSync: background.zendeskSync,
    engagement,
    url: `http://${shownHost}:${port}`,
    close: async () => {
      stopping.add(app);
      // Jobs in flight finish within the drain time too; one cut short runs again elsewhere once its lease expires.
      await parley.jobs.stop(options.drainMs ?? DRAIN_MS);
      await background.close();
      await recovery.stop();
      await spool.stop();
      // Graceful: turns in flight finish and reach their sockets before those close (a cut one is re-run elsewhere).
      const drained = await parley.bot.drain(options.drainMs ?? DRAIN_MS);
      if (!drained) parley.logger.warn({ waitedMs: options.drainMs ?? DRAIN_MS }, 'stopping with turns still running; another process runs them again');
      // Web chat first: the HTTP server's close waits for upgraded connections. Its second close below is a no-op.
      await channels.get(webchatChannel)?.close();
      await app.close();
      await channels.close();
    },
  };
}
