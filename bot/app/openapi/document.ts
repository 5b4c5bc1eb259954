import { readFileSync } from 'node:fs';
import { packageFile } from '../../core/index.js';
import { DASHBOARD_PATHS } from './dashboard-paths.js';
import type { PathItem } from './operations.js';
import { PUBLIC_PATHS, WEBHOOK_PATHS } from './public-paths.js';
import { ENGAGEMENT_PATHS } from './engagement-paths.js';
import { componentSchemas } from './schemas.js';

/** The OpenAPI version of the document. */
export const OPENAPI_VERSION = '3.1.1';

const DESCRIPTION = [
  "Parley's HTTP API: the REST channel, web chat uploads, the tickets API, the customers and events API (engagement) and its tracking links, health, try-on media, the channels' webhooks",
  '(mounted when a channel is configured) and the CX dashboard. The web chat itself speaks JSON frames over the',
  'WebSocket `GET /ws/chat` (see docs/channels.md). Errors are `{"error": {"code", "message"}}`.',
].join(' ');

/** Every path of the document (OpenAPI templates, `{id}`), with its operations. */
export function documentedPaths(): Record<string, PathItem> {
  return { ...PUBLIC_PATHS, ...ENGAGEMENT_PATHS, ...WEBHOOK_PATHS, ...DASHBOARD_PATHS };
}

/** The OpenAPI 3.1 document of every HTTP route the server can register, served at `GET /api/openapi.json`. */
export function openApiDocument(): Record<string, unknown> {
  const { version } = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return {
    openapi: OPENAPI_VERSION,
    info: { title: 'Parley', version, description: DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    tags: ['REST', 'web chat', 'tickets', 'engagement', 'operations', 'try-on', 'webhooks', 'dashboard'].map((name) => ({ name })),
    paths: documentedPaths(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        conversationToken: { type: 'http', scheme: 'bearer', description: 'the `token` of a conversation, from `POST /api/chat` or the web chat' },
        apiKey: { type: 'http', scheme: 'bearer', description: '`PARLEY_API_KEY`' },
        botConnector: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a Bot Connector token (Bot Framework)' },
        dashboardSession: { type: 'apiKey', in: 'cookie', name: 'parley_session', description: 'the CX dashboard session' },
        csrfToken: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: "the session's CSRF token (`GET /dashboard/api/me`)" },
      },
    },
  };
}
