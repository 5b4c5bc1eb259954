import { errors, fileResponse, formBody, jsonResponse, pathParam, type PathItem } from './operations.js';

const token = pathParam('token', 'the signed token of one campaign message');

const profilesBody = (schema: 'Customer' | 'CustomerEvent', key: string): Record<string, unknown> => ({
  required: true,
  content: {
    'application/json': {
      schema: {
        oneOf: [
          { type: 'array', items: { $ref: `#/components/schemas/${schema}` } },
          { type: 'object', properties: { [key]: { type: 'array', items: { $ref: `#/components/schemas/${schema}` } } }, required: [key] },
          { $ref: `#/components/schemas/${schema}` },
        ],
      },
    },
  },
});

/** Personalised engagement: the customers and events API (API key) and the tracking links of campaign messages. */
export const ENGAGEMENT_PATHS: Record<string, PathItem> = {
  '/api/customers': {
    post: {
      summary: 'Upsert customer profiles',
      description: 'Profiles from a CRM or shop: identities (e-mail, phone, web chat, Slack, Teams, external id) link them into one customer across channels; `optIn`/`optOut` record consent. Invalid rows are reported by index and field and skipped. At most 10 MiB.',
      tags: ['engagement'],
      operationId: 'upsertCustomers',
      security: [{ apiKey: [] }],
      requestBody: profilesBody('Customer', 'customers'),
      responses: { 200: jsonResponse('what was stored and skipped', 'ImportResult'), ...errors(400, 401, 413, 415, 429) },
    },
  },
  '/api/events': {
    post: {
      summary: 'Record customer events',
      description: 'Orders, carts, returns, conversations, CSAT scores, shipments, watched products and restocks; each stored once by id. Campaign triggers read them.',
      tags: ['engagement'],
      operationId: 'recordEvents',
      security: [{ apiKey: [] }],
      requestBody: profilesBody('CustomerEvent', 'events'),
      responses: { 200: jsonResponse('what was stored and skipped', 'ImportResult'), ...errors(400, 401, 413, 415, 429) },
    },
  },
  '/e/c/{token}/{index}': {
    get: {
      summary: 'A tracked link of a campaign message: counts the click, redirects to the link',
      tags: ['engagement'],
      operationId: 'trackedLink',
      parameters: [token, pathParam('index', 'the link of the message, from 0')],
      responses: { 302: { description: 'to the original link' }, ...errors(404) },
    },
  },
  '/e/o/{token}': {
    get: {
      summary: 'The open-tracking pixel of a campaign e-mail (a 1×1 GIF; counts the open)',
      tags: ['engagement'],
      operationId: 'openPixel',
      parameters: [token],
      responses: { 200: fileResponse('the pixel', 'image/gif') },
    },
  },
  '/e/u/{token}': {
    get: {
      summary: 'The unsubscribe page of a campaign e-mail (asks; unsubscribes nobody by itself)',
      tags: ['engagement'],
      operationId: 'unsubscribePage',
      parameters: [token],
      responses: { 200: fileResponse('the page', 'text/html'), ...errors(404) },
    },
    post: {
      summary: 'Unsubscribe from campaign e-mails (the page button, and RFC 8058 one-click `List-Unsubscribe-Post`)',
      tags: ['engagement'],
      operationId: 'unsubscribe',
      parameters: [token],
      requestBody: formBody('`List-Unsubscribe=One-Click` (one-click), or empty'),
      responses: { 200: fileResponse('the confirmation page', 'text/html'), ...errors(404, 415) },
    },
  },
};
