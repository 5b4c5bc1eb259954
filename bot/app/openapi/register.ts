import type { FastifyInstance } from 'fastify';
import { openApiDocument } from './document.js';

/** A route the server registered: method and Fastify URL (`/api/conversations/:id/messages`). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

/**
 * Serves the OpenAPI document at `GET /api/openapi.json` and records every route registered on `app` from now on
 * (HEAD routes Fastify adds for GETs left out); call it first, before any other route. The list fills in as routes
 * are registered.
 */
export function registerOpenApi(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  let document: Record<string, unknown> | undefined;
  app.get('/api/openapi.json', async (_request, reply) => {
    document ??= openApiDocument();
    return reply.header('cache-control', 'no-cache').send(document);
  });
  return routes;
}

/** The OpenAPI path template of a Fastify URL: `/a/:id/b` → `/a/{id}/b`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}
