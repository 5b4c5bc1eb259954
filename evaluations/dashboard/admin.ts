import type { FastifyInstance } from 'fastify';
import { ParleyError, type AccessGrant } from '../../bot/core/index.js';
import { CORRECTIONS_SOURCE } from '../scorers/job.js';
import { field, requireRole, viewerOf } from './context.js';
import type { DashboardOptions } from './routes.js';
import type { Sessions } from './sessions.js';
import { createDashboardUser, publicUser } from './users.js';

const KINDS = ['channel', 'conversation'] as const;

function grantKind(value: string): AccessGrant['kind'] {
  if (!KINDS.includes(value as AccessGrant['kind'])) throw new ParleyError('bad_request', `kind: "${value}" is not one of ${KINDS.join(', ')}`);
  return value as AccessGrant['kind'];
}

/** Who made a correction, from the fields agent desks record (`correctedBy`, `agent`, `author`, `user`). */
function correctedBy(metadata: Record<string, unknown>): string | null {
  for (const key of ['correctedBy', 'agent', 'author', 'user', 'agentName']) {
    const value = metadata[key];
    if (typeof value === 'string' && value) return value;
    if (typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string') return (value as { name: string }).name;
  }
  return null;
}

/** Users and grants (admins), and the corrections list with revert (admins and CX leads). */
export function registerAdminRoutes(app: FastifyInstance, options: DashboardOptions, _sessions: Sessions): void {
  const { store } = options;
  app.get('/dashboard/api/users', async (request) => {
    requireRole(viewerOf(request), 'admin');
    const users = await store.evaluations.listUsers();
    return { users: await Promise.all(users.map(async (u) => ({ ...publicUser(u), grants: await store.evaluations.listGrants(u.id) }))) };
  });
  app.post('/dashboard/api/users', async (request, reply) => {
    requireRole(viewerOf(request), 'admin');
    const body = (request.body ?? {}) as Record<string, unknown>;
    return reply.status(201).send(await createDashboardUser(store, { email: body.email, password: body.password, role: body.role }));
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/users/:id/grants', async (request, reply) => {
    requireRole(viewerOf(request), 'admin');
    const user = await store.evaluations.getUser(request.params.id);
    if (!user) throw new ParleyError('not_found', `no user ${request.params.id}`);
    const grant = { userId: user.id, kind: grantKind(field(request.body, 'kind', 20)), value: field(request.body, 'value', 200) };
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
    const tickets = await store.listTickets({ source: CORRECTIONS_SOURCE });
    return {
      canRevert: Boolean(options.revertCorrection),
      corrections: tickets.map((t) => ({
        id: t.id,
        question: t.question,
        answer: t.answer,
        conversationId: typeof t.metadata.conversationId === 'string' ? t.metadata.conversationId : null,
        correctedBy: correctedBy(t.metadata),
        updatedAt: t.updatedAt ?? null,
      })),
    };
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/corrections/:id/revert', async (request) => {
    requireRole(viewerOf(request), 'admin', 'cx_lead');
    if (!options.revertCorrection) throw new ParleyError('unsupported', 'reverting corrections is not available in this deployment');
    const correction = (await store.listTickets({ source: CORRECTIONS_SOURCE })).find((t) => t.id === request.params.id);
    if (!correction) throw new ParleyError('not_found', `no correction ${request.params.id}`);
    const reverted = await options.revertCorrection(correction.id);
    options.logger.info({ correction: correction.id, by: viewerOf(request).user.email }, 'reverted an agent correction');
    return { reverted };
  });
}
