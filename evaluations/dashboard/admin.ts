import type { FastifyInstance } from 'fastify';
import { parseInput, ParleyError, type AccessGrant } from '../../bot/core/index.js';
import { GrantBody, NewUserBody } from './bodies.js';
import { requireRole, viewerOf } from './context.js';
import type { DashboardOptions } from './routes.js';
import type { Sessions } from './sessions.js';
import { createDashboardUser, publicUser } from './users.js';

const KINDS = ['channel', 'conversation'] as const;

function grantKind(value: string): AccessGrant['kind'] {
  if (!KINDS.includes(value as AccessGrant['kind'])) throw new ParleyError('bad_request', `kind: "${value}" is not one of ${KINDS.join(', ')}`);
  return value as AccessGrant['kind'];
}

/**
 * Users and grants (admins), the corrections list with revert, and the tickets held at ingest with release and delete
 * (admins and CX leads).
 */
export function registerAdminRoutes(app: FastifyInstance, options: DashboardOptions, _sessions: Sessions): void {
  const { store } = options;
  app.get('/dashboard/api/users', async (request) => {
    requireRole(viewerOf(request), 'admin');
    const users = await store.evaluations.listUsers();
    return { users: await Promise.all(users.map(async (u) => ({ ...publicUser(u), grants: await store.evaluations.listGrants(u.id) }))) };
  });
  app.post('/dashboard/api/users', async (request, reply) => {
    requireRole(viewerOf(request), 'admin');
    return reply.status(201).send(await createDashboardUser(store, parseInput(NewUserBody, request.body)));
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/users/:id/grants', async (request, reply) => {
    requireRole(viewerOf(request), 'admin');
    const user = await store.evaluations.getUser(request.params.id);
    if (!user) throw new ParleyError('not_found', `no user ${request.params.id}`);
    const grant: AccessGrant = { userId: user.id, ...parseInput(GrantBody, request.body) };
    await store.evaluations.addGrant(grant);
    return reply.status(201).send(grant);
  });
  app.delete<{ Params: { id: string; kind: string; value: string } }>('/dashboard/api/users/:id/grants/:kind/:value', async (request) => {
    requireRole(viewerOf(request), 'admin');
    const removed = await store.evaluations.removeGrant({ userId: request.params.id, kind: grantKind(request.params.kind), value: request.params.value });
    if (!removed) throw new ParleyError('not_found', 'no such grant');
    return { removed };
  });

  app.get('/dashboard/api/corrections', async (request) => {
    requireRole(viewerOf(request), 'admin', 'cx_lead');
    const corrections = await store.handoffs.listCorrections({ includeReverted: true });
    return {
      canRevert: Boolean(options.revertCorrection),
      corrections: corrections.map((c) => ({
        id: c.id,
        question: c.question,
        original: c.original,
        corrected: c.corrected,
        correctsTicketId: c.correctsTicketId,
        conversationId: c.conversationId,
        correctedBy: c.agentName ?? c.agent,
        createdAt: c.createdAt,
        revertedAt: c.revertedAt,
        revertedBy: c.revertedBy,
      })),
    };
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/corrections/:id/revert', async (request) => {
    const viewer = viewerOf(request);
    requireRole(viewer, 'admin', 'cx_lead');
    if (!options.revertCorrection) throw new ParleyError('unsupported', 'reverting corrections is not available in this deployment');
    const reverted = await options.revertCorrection(request.params.id, viewer.user.email);
    options.logger.info({ correction: reverted.id, by: viewer.user.email }, 'reverted an agent correction');
    return { reverted: true, correction: reverted };
  });

  app.get('/dashboard/api/quarantine', async (request) => {
    requireRole(viewerOf(request), 'admin', 'cx_lead');
    return { canRelease: Boolean(options.quarantine), quarantined: await store.quarantine.list() };
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/quarantine/:id/release', async (request) => {
    const viewer = viewerOf(request);
    requireRole(viewer, 'admin', 'cx_lead');
    if (!options.quarantine) throw new ParleyError('unsupported', 'releasing quarantined tickets is not available in this deployment');
    const released = await options.quarantine.release(request.params.id, viewer.user.email);
    options.logger.info({ ticket: released.ticket.id, by: viewer.user.email }, 'released a quarantined ticket');
    return { released: true, ticket: released };
  });
  app.delete<{ Params: { id: string } }>('/dashboard/api/quarantine/:id', async (request) => {
    const viewer = viewerOf(request);
    requireRole(viewer, 'admin', 'cx_lead');
    if (!options.quarantine) throw new ParleyError('unsupported', 'deleting quarantined tickets is not available in this deployment');
    const rejected = await options.quarantine.reject(request.params.id);
    options.logger.info({ ticket: rejected.ticket.id, by: viewer.user.email }, 'deleted a quarantined ticket');
    return { deleted: true, ticket: rejected };
  });
}
