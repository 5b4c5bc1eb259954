import type { FastifyRequest } from 'fastify';
import { ParleyError } from '../../bot/core/index.js';
import type { Viewer } from './sessions.js';

const viewers = new WeakMap<FastifyRequest, Viewer>();

/** Remembers the signed-in viewer of a request (set by the session check). */
export function setViewer(request: FastifyRequest, viewer: Viewer): void {
  viewers.set(request, viewer);
}

/** The signed-in viewer of a request that passed the session check. */
export function viewerOf(request: FastifyRequest): Viewer {
  const viewer = viewers.get(request);
  if (!viewer) throw new ParleyError('unauthorized', 'sign in to the dashboard first');
  return viewer;
}

/** `forbidden` unless the viewer has one of `roles`. */
export function requireRole(viewer: Viewer, ...roles: Viewer['user']['role'][]): void {
  if (!roles.includes(viewer.user.role)) throw new ParleyError('forbidden', `${viewer.user.role}s may not do this`);
}
