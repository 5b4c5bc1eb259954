import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseInput, ParleyError, type CorrectionRecord, type Logger, type QuarantinedTicket, type RequestLimiter, type Store, type TicketRecord } from '../../bot/core/index.js';
import { allCharts } from '../report/charts.js';
import { flagCounts } from '../report/html.js';
import { dailyFigures, figures } from '../report/trends.js';
import { FLAGS } from '../scorers/score.js';
import type { ConversationScorer } from '../scorers/job.js';
import { registerAdminRoutes } from './admin.js';
import { registerCampaignRoutes, type CampaignOverviews } from './campaigns.js';
import { registerClusterRoutes, type ClusterReviews } from './clusters.js';
import { canSee, listRow, parseFilters, toCsv, type FilterQuery } from './filters.js';
import { registerJobRoutes, type JobsOverview } from './jobs.js';
import { messageImages, registerTranscriptMedia, type UploadReader } from './media.js';
import { registerPages } from './pages.js';
import { LabelBody, NoteBody } from './bodies.js';
import { requireRole, setViewer, viewerOf } from './context.js';
import { CSRF_HEADER, sameToken, Sessions } from './sessions.js';

/** Options of {@link registerDashboard}. */
export interface DashboardOptions {
  store: Store;
  logger: Logger;
  /** Scores a conversation again on request ("rescore"). */
  scorer: ConversationScorer;
  /** Looks up a cited ticket (the knowledge base), to show each source's text. */
  ticket(id: string): TicketRecord | undefined;
  /**
   * Reverts an agent correction (its ticket is removed and retrieval rebuilt), recording who did; `not_found` for an
   * unknown or already reverted one. The corrections list offers it when set.
   */
  revertCorrection?: (id: string, by: string) => Promise<CorrectionRecord>;
  /**
   * Settles tickets held back at ingest (the knowledge base): `release` makes one searchable, recording who did;
   * `reject` deletes it; both `not_found` for a ticket not held. The quarantine list offers them when set.
   */
  quarantine?: { release(id: string, by: string): Promise<QuarantinedTicket>; reject(id: string): Promise<QuarantinedTicket> };
  /** The answer clusters CX leads review (the knowledge base's); the clusters page is empty without them. */
  clusters?: ClusterReviews | undefined;
  /** How long a login lasts (hours); default 12. */
  sessionHours?: number;
  /** Adds `Secure` to cookies (HTTPS deployments). */
  secureCookies?: boolean;
  /** Per-address limit of sign-in attempts (`PARLEY_RATE_LIMIT_LOGINS`), on top of the per-account throttle. */
  limits?: RequestLimiter | undefined;
  /** Reads customers' web chat uploads, to show them in transcripts; unset: they are not shown. */
  uploads?: UploadReader | undefined;
  /** Try-on images older than this are not shown (`PARLEY_PHOTO_RETENTION_HOURS`); default 24. */
  photoRetentionHours?: number | undefined;
  /** Previews of the engagement campaigns (segment size, sample messages) for the campaigns page; unset: engagement off. */
  campaigns?: CampaignOverviews | undefined;
  /** The job runner, for the jobs page (queues, dead letter, retry); unset: the page says there is none. */
  jobs?: JobsOverview | undefined;
}

/** A registered dashboard route. */
export interface DashboardRoute {
  method: string;
  url: string;
}

const PUBLIC = new Set(['GET /dashboard/login', 'POST /dashboard/login']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CX dashboard at `/dashboard`: sign-in with server-side sessions, CSRF checks on every state-changing request,
 * the app page, and its JSON API (conversations with filters, transcripts with sources and scores, labels, notes,
 * charts, CSV export, users and grants, corrections, answer clusters, background jobs). Every route but the sign-in
 * needs a session: API routes answer 401, pages redirect to the sign-in. Returns the routes it registers (filled in as Fastify registers them).
 */
export function registerDashboard(app: FastifyInstance, options: DashboardOptions): DashboardRoute[] {
  const routes: DashboardRoute[] = [];
  const sessions = new Sessions({ store: options.store, sessionHours: options.sessionHours ?? 12, secureCookies: options.secureCookies ?? false });
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
    });
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0] as string;
      if (PUBLIC.has(`${request.method} ${path}`)) return;
      const viewer = await sessions.viewer(request);
      if (!viewer) {
        if (path.startsWith('/dashboard/api/')) return reply.status(401).send({ error: { code: 'unauthorized', message: 'sign in to the dashboard first' } });
        return reply.redirect('/dashboard/login', 302);
      }
      if (!SAFE_METHODS.has(request.method) && !sameToken(request.headers[CSRF_HEADER] as string | undefined, viewer.session.csrfToken)) {
        return reply.status(403).send({ error: { code: 'forbidden', message: `missing or wrong ${CSRF_HEADER} header` } });
      }
      setViewer(request, viewer);
    });

    registerPages(scope, sessions, options.limits);
    scope.post('/dashboard/logout', async (request, reply) => {
      await sessions.logout(viewerOf(request), reply);
      return reply.send({ ok: true });
    });
    registerConversationRoutes(scope, options, sessions);
    registerAdminRoutes(scope, options, sessions);
    registerCampaignRoutes(scope, options.campaigns);
    registerClusterRoutes(scope, options.clusters);
    registerJobRoutes(scope, options.jobs);
  });
  return routes;
}

function registerConversationRoutes(app: FastifyInstance, options: DashboardOptions, sessions: Sessions): void {
  const { store } = options;
  const visible = async (request: FastifyRequest, id: string) => {
    const conversation = await store.getConversation(id);
    // Not yours looks the same as not there: an agent learns nothing about conversations outside its grants.
    if (!conversation || !canSee(await sessions.access(viewerOf(request).user), conversation)) throw new ParleyError('not_found', `no conversation ${id}`);
    return conversation;
  };
  const list = async (request: FastifyRequest<{ Querystring: FilterQuery }>, limit: number, withCustomer = false) =>
    store.evaluations.listScoredConversations({ ...parseFilters(request.query, { limit }), withCustomer, access: await sessions.access(viewerOf(request).user) });

  app.get('/dashboard/api/me', async (request) => {
    const { user, session } = viewerOf(request);
    return { user: { id: user.id, email: user.email, role: user.role }, csrfToken: session.csrfToken, access: await sessions.access(user), canRevert: Boolean(options.revertCorrection) };
  });
  app.get('/dashboard/api/filters', async (request) => {
    const rows = await store.evaluations.listScoredConversations({ limit: 10_000, access: await sessions.access(viewerOf(request).user) });
    const distinct = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => Boolean(v)))].sort();
    return {
      channels: distinct(rows.map((r) => r.conversation.channel)),
      handoffReasons: distinct(rows.map((r) => r.conversation.handoffReason)),
      // Knowledge scopes of the conversations; '*' selects those without a scope.
      scopes: rows.some((r) => !r.conversation.scope) ? [...distinct(rows.map((r) => r.conversation.scope ?? null)), '*'] : distinct(rows.map((r) => r.conversation.scope ?? null)),
      flags: distinct([...FLAGS, ...rows.flatMap((r) => r.score?.flags ?? [])]),
    };
  });
  app.get<{ Querystring: FilterQuery }>('/dashboard/api/conversations', async (request) => {
    const rows = await list(request, 100, true);
    return { conversations: rows.map(listRow) };
  });
  app.get<{ Querystring: FilterQuery }>('/dashboard/api/conversations.csv', async (request, reply) => {
    const rows = await list(request, 10_000, true);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="parley-conversations.csv"').send(toCsv(rows));
  });
  app.get<{ Querystring: FilterQuery }>('/dashboard/api/charts', async (request) => {
    const rows = await list(request, 10_000);
    const days = dailyFigures(rows);
    return { totals: figures(rows), days, flags: flagCounts(rows), charts: allCharts(days) };
  });
  app.get<{ Params: { id: string } }>('/dashboard/api/conversations/:id', async (request) => {
    const conversation = await visible(request, request.params.id);
    const [messages, score, labels, notes, csat, listed] = await Promise.all([
      store.listMessages(conversation.id),
      store.evaluations.getScore(conversation.id),
      store.evaluations.listLabels(conversation.id),
      store.evaluations.listNotes(conversation.id),
      store.evaluations.getCsat(conversation.id),
      // The list's own row of this conversation, for the customer's name and address.
      store.evaluations.listScoredConversations({ access: { channels: [], conversationIds: [conversation.id] }, withCustomer: true, limit: 1 }),
    ]);
    // Each bot message's evaluation: an answer's scores, or a try-on / photo turn's delivery (`kind: 'vision'`).
    const evaluated = [...((score?.details.answers ?? []) as { id: string }[]), ...((score?.details.vision ?? []) as { id: string }[])];
    const answers = new Map(evaluated.map((a) => [a.id, a]));
    const emails = new Map((await store.evaluations.listUsers()).map((u) => [u.id, u.email]));
    const by = <T extends { userId: string }>(item: T) => ({ ...item, by: emails.get(item.userId) ?? null });
    return {
      conversation,
      customer: listed[0]?.customer ?? { name: null, handle: conversation.userId, firstMessage: null },
      score: score ?? null,
      csat: csat?.rating ?? null,
      labels: labels.map(by),
      notes: notes.map(by),
      messages: messages.map((m) => ({
        id: m.id,
        role: m.role,
        text: m.text,
        createdAt: m.createdAt,
        action: m.activity.action ?? null,
        handoff: m.activity.handoff ?? null,
        confidence: m.activity.confidence ?? null,
        sources: (m.activity.sources ?? []).map((s) => {
          const ticket = options.ticket(s.id);
          return { id: s.id, score: s.score, question: ticket?.question ?? s.metadata.question ?? null, answer: ticket?.answer ?? null, category: ticket?.metadata.category ?? s.metadata.category ?? null };
        }),
        evaluation: answers.get(m.id) ?? null,
        images: messageImages(conversation.id, m),
      })),
    };
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/conversations/:id/labels', async (request, reply) => {
    const conversation = await visible(request, request.params.id);
    const label = await store.evaluations.addLabel({ conversationId: conversation.id, label: parseInput(LabelBody, request.body).label, userId: viewerOf(request).user.id });
    return reply.status(201).send(label);
  });
  app.delete<{ Params: { id: string; labelId: string } }>('/dashboard/api/conversations/:id/labels/:labelId', async (request) => {
    const conversation = await visible(request, request.params.id);
    const labels = await store.evaluations.listLabels(conversation.id);
    if (!labels.some((l) => l.id === request.params.labelId)) throw new ParleyError('not_found', `no label ${request.params.labelId} on this conversation`);
    await store.evaluations.removeLabel(request.params.labelId);
    return { removed: true };
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/conversations/:id/notes', async (request, reply) => {
    const conversation = await visible(request, request.params.id);
    const note = await store.evaluations.addNote({ conversationId: conversation.id, text: parseInput(NoteBody, request.body).text, userId: viewerOf(request).user.id });
    return reply.status(201).send(note);
  });
  registerTranscriptMedia(app, { store, visible, uploads: options.uploads, photoRetentionHours: options.photoRetentionHours });
  app.post<{ Params: { id: string } }>('/dashboard/api/conversations/:id/score', async (request) => {
    requireRole(viewerOf(request), 'admin', 'cx_lead');
    return options.scorer.score(await visible(request, request.params.id));
  });
}
