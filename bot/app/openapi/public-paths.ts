import { errors, fileResponse, formBody, jsonBody, jsonObject, jsonResponse, pathParam, preflight, queryParam, type PathItem } from './operations.js';

const CONVERSATION_TOKEN: Record<string, string[]>[] = [{ conversationToken: [] }, { apiKey: [] }];
const conversationId = pathParam('id', 'the conversation id');

/** The customer-facing API: REST channel, web chat uploads and page, tickets API, health, media, the document itself. */
export const PUBLIC_PATHS: Record<string, PathItem> = {
  '/api/chat': {
    post: {
      summary: 'Start or continue a conversation',
      description:
        'Starts a conversation (`userId`, optional `scope`; with `PARLEY_API_KEY` set the key is needed) or continues one (`conversationId` and its token). The replies come in the response. A retried request with the same `messageId` gets the same replies.',
      tags: ['REST'],
      operationId: 'chat',
      security: [{}, ...CONVERSATION_TOKEN],
      requestBody: jsonBody('ChatRequest'),
      responses: { 200: jsonResponse('the replies and a renewed token', 'ChatResponse'), ...errors(400, 401, 404, 413, 415, 429, 503) },
    },
  },
  '/api/conversations/{id}/messages': {
    get: {
      summary: "A conversation's transcript, in order",
      tags: ['REST'],
      operationId: 'listMessages',
      security: CONVERSATION_TOKEN,
      parameters: [conversationId],
      responses: { 200: jsonResponse('the messages', 'MessagesResponse'), ...errors(401, 404) },
    },
  },
  '/api/conversations/{id}/uploads': {
    post: {
      summary: 'Upload a photo for a web chat message',
      description: 'The image is the raw body (at most 5 MB; its type is checked against its bytes); reference the returned id in a message\'s `uploads`.',
      tags: ['web chat'],
      operationId: 'uploadPhoto',
      security: CONVERSATION_TOKEN,
      parameters: [conversationId],
      requestBody: { required: true, content: Object.fromEntries(['image/png', 'image/jpeg', 'image/webp', 'image/gif'].map((type) => [type, { schema: { type: 'string', contentEncoding: 'binary' } }])) },
      responses: { 201: jsonResponse('the stored upload (its URL also in `Location`)', 'Upload'), ...errors(400, 401, 413, 415, 429) },
    },
    options: preflight('CORS preflight of uploads'),
  },
  '/api/conversations/{id}/uploads/{uploadId}': {
    get: {
      summary: 'An uploaded photo',
      tags: ['web chat'],
      operationId: 'getUpload',
      security: CONVERSATION_TOKEN,
      parameters: [conversationId, pathParam('uploadId', 'the upload id')],
      responses: { 200: fileResponse('the image', 'image/png', 'image/jpeg', 'image/webp', 'image/gif'), ...errors(401, 404) },
    },
    options: preflight('CORS preflight of uploaded photos'),
  },
  '/api/tickets': {
    post: {
      summary: 'Upsert tickets',
      description: 'A JSON array or NDJSON (one ticket per line) in the shape and field mapping of `parley ingest`; invalid rows are reported by index and field and skipped. At most 10 MiB. Takes effect on every running server within 5 seconds.',
      tags: ['tickets'],
      operationId: 'upsertTickets',
      security: [{ apiKey: [] }],
      parameters: [queryParam('source', 'source name of the tickets (default `api`)')],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Ticket' } } },
          'application/x-ndjson': { schema: { type: 'string', description: 'one JSON ticket per line' } },
        },
      },
      responses: { 200: jsonResponse('what was stored, skipped and held for review', 'TicketsResult'), ...errors(400, 401, 413, 429) },
    },
  },
  '/api/tickets/{id}': {
    delete: {
      summary: 'Delete a ticket (also one held for review)',
      tags: ['tickets'],
      operationId: 'deleteTicket',
      security: [{ apiKey: [] }],
      parameters: [pathParam('id', 'the ticket id')],
      responses: { 204: { description: 'deleted' }, ...errors(401, 404) },
    },
  },
  '/ready': {
    get: {
      summary: 'Readiness for a load balancer: the database and, with REDIS_URL, Redis answer; 503 while shutting down',
      tags: ['operations'],
      operationId: 'ready',
      responses: { 200: jsonResponse('ready', 'Ready'), 503: jsonResponse('a dependency fails, or the server is stopping', 'Ready') },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text exposition format): turns, stages, replies, handoffs, queues, model tokens',
      tags: ['operations'],
      operationId: 'metrics',
      responses: { 200: fileResponse('the metrics', 'text/plain') },
    },
  },
  '/health': {
    get: {
      summary: 'Liveness and the database check',
      tags: ['operations'],
      operationId: 'health',
      responses: { 200: jsonResponse('ready', 'Health'), 503: jsonResponse('the database does not answer', 'Health') },
    },
  },
  '/api/openapi.json': {
    get: { summary: 'This OpenAPI document', tags: ['operations'], operationId: 'openapi', responses: { 200: jsonObject('the OpenAPI 3.1 document') } },
  },
  '/': { get: { summary: 'Demo storefront page with the chat widget', tags: ['web chat'], responses: { 200: fileResponse('the page', 'text/html') } } },
  '/widget.js': { get: { summary: 'The embeddable chat widget', tags: ['web chat'], responses: { 200: fileResponse('the script (any site may load it)', 'text/javascript') } } },
  '/favicon.ico': { get: { summary: 'The site icon (SVG)', tags: ['web chat'], responses: { 200: fileResponse('the icon', 'image/svg+xml') } } },
  '/widget.css': { get: { summary: "The widget's styles", tags: ['web chat'], responses: { 200: fileResponse('the styles', 'text/css') } } },
  '/assets/{name}': {
    get: {
      summary: 'An image of the sample data (e.g. the size chart)',
      tags: ['web chat'],
      parameters: [pathParam('name', 'file name')],
      responses: { 200: fileResponse('the image', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/webp'), ...errors(404) },
    },
  },
  '/media/tryon/{id}': {
    get: {
      summary: 'A try-on picture, at its unguessable URL, until the photo retention period has passed',
      tags: ['try-on'],
      parameters: [pathParam('id', 'the try-on id (`tro_…`)')],
      responses: { 200: fileResponse('the picture', 'image/png', 'image/jpeg'), ...errors(404) },
    },
  },
  '/media/catalogue/{id}': {
    get: {
      summary: "A catalogue product's photo",
      tags: ['try-on'],
      parameters: [pathParam('id', 'the product id')],
      responses: { 200: fileResponse('the photo', 'image/png', 'image/jpeg'), ...errors(404) },
    },
  },
};

/** The webhooks of the channels and helpdesks, each mounted only when its channel is configured. */
export const WEBHOOK_PATHS: Record<string, PathItem> = {
  '/webhooks/twilio': {
    post: {
      summary: 'Twilio: an inbound SMS, MMS or WhatsApp message',
      description: 'Signed with `X-Twilio-Signature` over `PUBLIC_URL` + the path; answered with empty TwiML once the message is stored. Mounted when the Twilio settings are present.',
      tags: ['webhooks'],
      requestBody: formBody("Twilio's message parameters (`MessageSid`, `From`, `To`, `Body`, `NumMedia`, …)"),
      responses: { 200: fileResponse('empty TwiML', 'text/xml'), ...errors(400, 403, 413, 415) },
    },
  },
  '/webhooks/twilio/status': {
    post: {
      summary: "Twilio: a sent message's status callback",
      tags: ['webhooks'],
      requestBody: formBody('`MessageSid`, `MessageStatus`, `ErrorCode`, …'),
      responses: { 204: { description: 'recorded' }, ...errors(400, 403, 413, 415) },
    },
  },
  '/webhooks/slack/events': {
    post: {
      summary: 'Slack: Events API and interactivity',
      description: 'Signed with `X-Slack-Signature` and `X-Slack-Request-Timestamp`; stored, then acknowledged. Mounted when the Slack settings are present and Socket Mode is off.',
      tags: ['webhooks'],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object' } }, 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { payload: { type: 'string' } } } } },
      },
      responses: { 200: { description: 'acknowledged (`url_verification` gets its `challenge` back)' }, ...errors(400, 401, 413, 415, 503) },
    },
  },
  '/api/messages': {
    post: {
      summary: 'Microsoft Bot Framework (Teams, Direct Line): an activity',
      description: 'Needs a valid Bot Connector JWT when `MICROSOFT_APP_ID` is set; mounted only with an App ID or `BOTFRAMEWORK_EMULATOR=true`.',
      tags: ['webhooks'],
      security: [{ botConnector: [] }],
      requestBody: jsonBody({ type: 'object', description: 'a Bot Framework activity' }),
      responses: { 200: { description: 'accepted' }, ...errors(400, 401, 403, 413, 415) },
    },
  },
  '/webhooks/zendesk': {
    post: {
      summary: 'Zendesk: a ticket status change',
      description: 'Signed with `X-Zendesk-Webhook-Signature` and its timestamp; a solved or closed ticket resolves its escalation. Mounted when `ZENDESK_WEBHOOK_SECRET` is set with the Zendesk settings.',
      tags: ['webhooks'],
      requestBody: jsonBody({ type: 'object', properties: { ticket_id: { type: 'string' }, status: { type: 'string' } } }),
      responses: { 200: jsonObject('`{"ok", "ticketId", "status", "resolved"}`'), ...errors(400, 401) },
    },
  },
};
