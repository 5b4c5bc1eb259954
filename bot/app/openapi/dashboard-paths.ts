import { errors, fileResponse, jsonBody, jsonObject, pathParam, queryParam, type Operation, type PathItem } from './operations.js';

/** Every dashboard route but the sign-in needs the session cookie; state changes also the CSRF header. */
const SESSION = [{ dashboardSession: [] }];
const CHANGE = [{ dashboardSession: [], csrfToken: [] }];

const FILTERS = [
  queryParam('since', 'first day (YYYY-MM-DD or an ISO time)'),
  queryParam('until', 'last day (YYYY-MM-DD or an ISO time)'),
  queryParam('channel', 'channel name'),
  queryParam('scope', 'knowledge scope (`*`: conversations without one)'),
  queryParam('minScore', 'lowest score, 0–1'),
  queryParam('maxScore', 'highest score, 0–1'),
  queryParam('handoffReason', 'handoff reason'),
  queryParam('flag', 'score flag'),
  queryParam('label', "reviewers' label"),
  queryParam('text', 'text in the transcript'),
  queryParam('customer', "part of the customer's address on the channel or profile name"),
  queryParam('limit', 'rows'),
  queryParam('offset', 'rows skipped'),
];

const api = (summary: string, extra: Partial<Operation> = {}): Operation => ({
  summary,
  tags: ['dashboard'],
  security: SESSION,
  responses: { 200: jsonObject(summary), ...errors(401, 403, 404) },
  ...extra,
});
const change = (summary: string, extra: Partial<Operation> = {}): Operation => api(summary, { security: CHANGE, ...extra });
const id = pathParam('id', 'the id');

/** The CX dashboard: sign-in, pages and the JSON API of its web app. */
export const DASHBOARD_PATHS: Record<string, PathItem> = {
  '/dashboard/login': {
    get: { summary: 'Sign-in page (sets the double-submit CSRF cookie)', tags: ['dashboard'], responses: { 200: fileResponse('the page', 'text/html') } },
    post: {
      summary: 'Sign in',
      description: 'The form (or JSON) with `email`, `password` and the `csrf` field (or `x-csrf-token` header) matching the sign-in cookie. A form gets a redirect to `/dashboard`, JSON the user and the session CSRF token. Failed sign-ins slow further ones (429 with `Retry-After`).',
      tags: ['dashboard'],
      requestBody: {
        required: true,
        content: Object.fromEntries(
          ['application/x-www-form-urlencoded', 'application/json'].map((type) => [
            type,
            { schema: { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string' }, password: { type: 'string' }, csrf: { type: 'string' } } } },
          ]),
        ),
      },
      responses: { 200: jsonObject('signed in (JSON)'), 303: { description: 'signed in (form): to /dashboard' }, ...errors(401, 403, 429) },
    },
  },
  '/dashboard/logout': { post: change('Sign out') },
  '/dashboard/campaigns': {
    get: { summary: 'The campaigns page (CX lead, admin): segment size and sample messages of each engagement campaign; nothing is sent', tags: ['dashboard'], security: SESSION, responses: { 200: fileResponse('the page', 'text/html'), 302: { description: 'to the sign-in page' }, ...errors(403) } },
  },
  '/dashboard/api/campaigns': { get: api('Engagement campaigns previewed: `{"enabled", "campaigns": [{"name", "trigger", "channels", "segmentSize", "matched", "holdout", "samples"}]}` (CX lead, admin)') },
  '/dashboard': { get: { summary: 'The dashboard app', tags: ['dashboard'], security: SESSION, responses: { 200: fileResponse('the page', 'text/html'), 302: { description: 'to the sign-in page' } } } },
  '/dashboard/': { get: { summary: 'Redirect to /dashboard', tags: ['dashboard'], responses: { 302: { description: 'to /dashboard' } } } },
  '/dashboard/assets/app.js': { get: { summary: "The app's script", tags: ['dashboard'], security: SESSION, responses: { 200: fileResponse('the script', 'text/javascript') } } },
  '/dashboard/assets/app.css': { get: { summary: "The app's styles", tags: ['dashboard'], security: SESSION, responses: { 200: fileResponse('the styles', 'text/css') } } },
  '/dashboard/api/me': { get: api('The signed-in user, the CSRF token and what they may see') },
  '/dashboard/api/filters': { get: api('Filter values: channels, handoff reasons, scopes, flags') },
  '/dashboard/api/conversations': { get: api('Scored conversations, filtered', { parameters: FILTERS }) },
  '/dashboard/api/conversations.csv': {
    get: { summary: 'The filtered conversations as CSV', tags: ['dashboard'], security: SESSION, parameters: FILTERS, responses: { 200: fileResponse('CSV', 'text/csv'), ...errors(400, 401) } },
  },
  '/dashboard/api/charts': { get: api('Totals, daily figures and charts of the filtered conversations', { parameters: FILTERS }) },
  '/dashboard/api/conversations/{id}': { get: api('A transcript with sources, evaluation, score, CSAT, labels and notes', { parameters: [id] }) },
  '/dashboard/api/conversations/{id}/labels': {
    post: change('Label a conversation', { parameters: [id], requestBody: jsonBody({ type: 'object', required: ['label'], properties: { label: { type: 'string', maxLength: 60 } } }) }),
  },
  '/dashboard/api/conversations/{id}/labels/{labelId}': { delete: change('Remove a label', { parameters: [id, pathParam('labelId', 'the label id')] }) },
  '/dashboard/api/conversations/{id}/notes': {
    post: change('Add a note to a conversation', { parameters: [id], requestBody: jsonBody({ type: 'object', required: ['text'], properties: { text: { type: 'string', maxLength: 4000 } } }) }),
  },
  '/dashboard/api/conversations/{id}/media/{mediaId}': {
    get: {
      summary: "An image of a transcript: a try-on result or generated photo (`tro_…`) or the customer's web chat upload (`upl_…`) of this conversation",
      description: 'Sent with the type its bytes are (PNG, JPEG, GIF, WebP), `nosniff` and no caching; 404 for another conversation\'s image, one past `PARLEY_PHOTO_RETENTION_HOURS`, or a conversation the reader may not see.',
      tags: ['dashboard'],
      security: SESSION,
      parameters: [id, pathParam('mediaId', 'the image id')],
      responses: { 200: fileResponse('the image', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'), ...errors(401, 404) },
    },
  },
  '/dashboard/api/products/{id}/image': {
    get: { summary: 'A catalogue product photo', tags: ['dashboard'], security: SESSION, parameters: [id], responses: { 200: fileResponse('the image', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'), ...errors(401, 404) } },
  },
  '/dashboard/api/conversations/{id}/score': { post: change('Score a conversation again (admins, CX leads)', { parameters: [id] }) },
  '/dashboard/api/users': {
    get: api('Users and their grants (admins)'),
    post: change('Create a user (admins)', {
      requestBody: jsonBody({ type: 'object', required: ['email', 'password', 'role'], properties: { email: { type: 'string' }, password: { type: 'string' }, role: { enum: ['admin', 'cx_lead', 'agent'] } } }),
    }),
  },
  '/dashboard/api/users/{id}/grants': {
    post: change('Let an agent see a channel or a conversation (admins)', {
      parameters: [id],
      requestBody: jsonBody({ type: 'object', required: ['kind', 'value'], properties: { kind: { enum: ['channel', 'conversation'] }, value: { type: 'string' } } }),
    }),
  },
  '/dashboard/api/users/{id}/grants/{kind}/{value}': {
    delete: change('Revoke a grant (admins)', { parameters: [id, pathParam('kind', '`channel` or `conversation`'), pathParam('value', 'the channel name or conversation id')] }),
  },
  '/dashboard/api/corrections': { get: api("Agents' corrections, reverted ones included (admins, CX leads)") },
  '/dashboard/api/corrections/{id}/revert': { post: change('Revert a correction (admins, CX leads)', { parameters: [id] }) },
  '/dashboard/api/quarantine': { get: api('Tickets held for review at ingest (admins, CX leads)') },
  '/dashboard/api/quarantine/{id}/release': { post: change('Release a held ticket (admins, CX leads)', { parameters: [id] }) },
  '/dashboard/api/quarantine/{id}': { delete: change('Delete a held ticket (admins, CX leads)', { parameters: [id] }) },
  '/dashboard/api/jobs': {
    get: api('Background jobs per queue (waiting, delayed, running, dead, the oldest waiting job) and the newest dead-lettered jobs with their last error (admins)', {
      parameters: [queryParam('queue', 'only this queue')],
    }),
  },
  '/dashboard/api/jobs/{id}/retry': { post: change('Put a dead-lettered job back in its queue with a fresh set of attempts (admins)', { parameters: [id] }) },
  '/dashboard/api/clusters': {
    get: api('Answer clusters, largest first, with size, sample questions and the text the bot says (admins, CX leads)', {
      parameters: [queryParam('scope', 'knowledge scope (`*`: the shared tickets)'), queryParam('limit', 'clusters, 1–1,000 (default 200)')],
    }),
  },
  '/dashboard/api/clusters/{id}': { get: api("A cluster with its tickets' questions and answers (admins, CX leads)", { parameters: [id] }) },
  '/dashboard/api/clusters/{id}/rename': {
    post: change('Rename a cluster (admins, CX leads)', { parameters: [id], requestBody: jsonBody({ type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 200 } } }) }),
  },
  '/dashboard/api/clusters/{id}/text': {
    post: change('Replace the text the bot says for a cluster; a draft until approved (admins, CX leads)', {
      parameters: [id],
      requestBody: jsonBody({ type: 'object', required: ['text'], properties: { text: { type: 'string', maxLength: 4000 } } }),
    }),
  },
  '/dashboard/api/clusters/{id}/approve': { post: change('Approve the text of a cluster: the bot says it for all its tickets (admins, CX leads)', { parameters: [id] }) },
  '/dashboard/api/clusters/{id}/merge': {
    post: change('Move every ticket of the clusters `ids` into this one (admins, CX leads)', {
      parameters: [id],
      requestBody: jsonBody({ type: 'object', required: ['ids'], properties: { ids: { type: 'array', items: { type: 'string' }, minItems: 1 } } }),
    }),
  },
  '/dashboard/api/clusters/{id}/split': {
    post: change('Move `tickets` of this cluster into a new draft cluster (admins, CX leads)', {
      parameters: [id],
      requestBody: jsonBody({ type: 'object', required: ['tickets'], properties: { tickets: { type: 'array', items: { type: 'string' }, minItems: 1 } } }),
      responses: { 201: jsonObject('the new cluster'), ...errors(400, 401, 403, 404) },
    }),
  },
};
