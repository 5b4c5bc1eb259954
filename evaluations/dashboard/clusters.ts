import type { FastifyInstance } from 'fastify';
import { checkScope, parseInput, ParleyError, SHARED_SCOPE } from '../../bot/core/index.js';
import type { AnswerClusters } from '../../knowledge/index.js';
import { ClusterTextBody, MergeBody, RenameBody, SplitBody } from './bodies.js';
import { requireRole, viewerOf } from './context.js';

/** What the clusters page needs of the knowledge base's answer clusters. */
export type ClusterReviews = Pick<AnswerClusters, 'overview' | 'show' | 'rename' | 'edit' | 'approve' | 'merge' | 'split'>;

/** A whole number query parameter within bounds, or the default. */
function limitOf(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new ParleyError('bad_request', `limit: "${value}" is not a whole number from 1 to 1,000`);
  return n;
}

/**
 * The answer clusters page's API (admins and CX leads): clusters with their size, sample questions and the text the
 * bot says; rename, edit, approve, merge and split. Without clusters (a knowledge base that keeps none) the list is
 * empty and changes answer `unsupported`.
 */
export function registerClusterRoutes(app: FastifyInstance, clusters: ClusterReviews | undefined): void {
  const reviews = (): ClusterReviews => {
    if (!clusters) throw new ParleyError('unsupported', 'this deployment keeps no answer clusters');
    return clusters;
  };
  const lead = (request: Parameters<typeof viewerOf>[0]): string => {
    const viewer = viewerOf(request);
    requireRole(viewer, 'admin', 'cx_lead');
    return viewer.user.email;
  };
  app.get<{ Querystring: { scope?: string; limit?: string } }>('/dashboard/api/clusters', async (request) => {
    lead(request);
    const { scope, limit } = request.query;
    const filter = scope === undefined || scope === '' ? undefined : { scope: scope === SHARED_SCOPE ? null : checkScope(scope, 'scope') };
    const max = limitOf(limit, 200);
    return { canReview: Boolean(clusters), clusters: clusters ? await clusters.overview(filter, { limit: max }) : [] };
  });
  app.get<{ Params: { id: string } }>('/dashboard/api/clusters/:id', async (request) => {
    lead(request);
    return reviews().show(request.params.id);
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/clusters/:id/rename', async (request) => {
    const by = lead(request);
    return reviews().rename(request.params.id, parseInput(RenameBody, request.body).name, by);
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/clusters/:id/text', async (request) => {
    const by = lead(request);
    return reviews().edit(request.params.id, parseInput(ClusterTextBody, request.body).text, by);
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/clusters/:id/approve', async (request) => {
    const by = lead(request);
    return reviews().approve(request.params.id, by);
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/clusters/:id/merge', async (request) => {
    const by = lead(request);
    return reviews().merge(request.params.id, parseInput(MergeBody, request.body).ids, by);
  });
  app.post<{ Params: { id: string } }>('/dashboard/api/clusters/:id/split', async (request, reply) => {
    const by = lead(request);
    return reply.status(201).send(await reviews().split(request.params.id, parseInput(SplitBody, request.body).tickets, by));
  });
}
