import { z } from 'zod';
import { sendJson, startFakeServer, VendorRejection, type FakeRequest } from '../../../bot/core/testing/fake-server.js';

/** A contact the fake holds: its id and properties (`lastmodifieddate` is set on every write unless given). */
export interface FakeContact {
  id: string;
  properties: Record<string, string | null>;
}

/** One request the fake answered. */
export interface FakeHubSpotRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

/** A running fake of HubSpot's CRM v3 contacts API. */
export interface FakeHubSpot {
  /** API origin to use as `HUBSPOT_API_URL`. */
  url: string;
  requests: FakeHubSpotRequest[];
  /** Adds or changes a contact (merging properties); `lastmodifieddate` becomes `at` (default now). */
  upsert(id: string, properties: Record<string, string | null>, at?: Date): void;
  /** The next `count` requests are answered 429 with `Retry-After: seconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  close(): Promise<void>;
}

/** Properties every contact answer carries (HubSpot's defaults for contacts). */
const DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
/** HubSpot's documented limits of the search endpoint: 200 results a page, 10,000 per query, 5 filter groups, 1 sort. */
const SEARCH_MAX_LIMIT = 200;
const SEARCH_WINDOW = 10_000;

/**
 * The body of `POST /crm/v3/objects/contacts/search` (HubSpot CRM API, "Search the CRM"): up to 5 filter groups of
 * up to 6 filters (a property, a documented operator and its value or values), at most one sort, the properties to
 * return, `limit` 1–200 and an `after` paging cursor.
 */
const SearchRequest = z.strictObject({
  filterGroups: z
    .array(
      z.strictObject({
        filters: z
          .array(
            z.strictObject({
              propertyName: z.string().min(1),
              operator: z.enum(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN']),
              value: z.union([z.string(), z.number(), z.boolean()]).optional(),
              highValue: z.union([z.string(), z.number()]).optional(),
              values: z.array(z.union([z.string(), z.number()])).optional(),
            }),
          )
          .max(6, 'Too many filters in a group (max 6)'),
      }),
    )
    .max(5, 'Too many filter groups (max 5)')
    .optional(),
  sorts: z.array(z.strictObject({ propertyName: z.string().min(1), direction: z.enum(['ASCENDING', 'DESCENDING']) })).max(1, 'Only one sort is allowed').optional(),
  properties: z.array(z.string()).optional(),
  limit: z.int().min(1).max(SEARCH_MAX_LIMIT, `limit must be between 1 and ${SEARCH_MAX_LIMIT}`).optional(),
  after: z.string().regex(/^\d+$/, 'after must be a paging cursor').optional(),
  query: z.string().optional(),
});

/** HubSpot's 400 `VALIDATION_ERROR` naming what is wrong. */
const rejection = (rejected: VendorRejection) => error(400, rejected.message, 'VALIDATION_ERROR');

const error = (status: number, message: string, category: string, extra: Record<string, unknown> = {}) => ({ status, body: { status: 'error', message, correlationId: '00000000-0000-4000-8000-000000000000', category, ...extra } });

/**
 * A local fake of the two HubSpot endpoints the contacts sync uses, as HubSpot documents them
 * (developers.hubspot.com/docs/api-reference/crm, "Contacts" and "Search the CRM"):
 *
 * - `GET /crm/v3/objects/contacts?limit=&after=&properties=a,b&archived=false` — one page of contacts by id:
 *   `{"results": [{"id", "properties": {…}, "createdAt", "updatedAt", "archived": false}], "paging": {"next": {"after", "link"}}}`
 *   (no `paging` on the last page); `limit` at most 100.
 * - `POST /crm/v3/objects/contacts/search` with `{"filterGroups": [{"filters": [{"propertyName", "operator", "value"}]}],
 *   "sorts": [{"propertyName", "direction": "ASCENDING" | "DESCENDING"}], "properties": [...], "limit", "after"}` —
 *   groups are ORed, filters in a group ANDed; operators EQ, NEQ, LT, LTE, GT, GTE, HAS_PROPERTY; date-time values
 *   in ms since the epoch; at most 5 groups, 1 sort, `limit` ≤ 200, and no paging past 10,000 results (400). Answers
 *   `{"total", "results": [...], "paging": {"next": {"after"}}}`.
 * - Authentication `Authorization: Bearer <private app access token>`: anything else is 401
 *   (`{"status": "error", "category": "INVALID_AUTHENTICATION", …}`); rate limits are 429 with `Retry-After` and
 *   `{"errorType": "RATE_LIMIT", "policyName": "SECONDLY", …}`.
 */
export async function startFakeHubSpot(options: { accessToken?: string } = {}): Promise<FakeHubSpot> {
  const token = options.accessToken ?? 'pat-na1-fake-token';
  const contacts = new Map<string, FakeContact>();
  const requests: FakeHubSpotRequest[] = [];
  let limited = { count: 0, retryAfter: 1 };

  const view = (contact: FakeContact, wanted: string[]) => {
    const properties: Record<string, string | null> = {};
    for (const name of [...DEFAULT_PROPERTIES, ...wanted]) properties[name] = contact.properties[name] ?? null;
    properties.hs_object_id = contact.id;
    return { id: contact.id, properties, createdAt: contact.properties.createdate, updatedAt: contact.properties.lastmodifieddate, archived: false };
  };
  const byId = () => [...contacts.values()].sort((a, b) => Number(a.id) - Number(b.id));
  const compare = (contact: FakeContact, filter: { propertyName?: unknown; operator?: unknown; value?: unknown }): boolean => {
    const raw = contact.properties[String(filter.propertyName)];
    if (filter.operator === 'HAS_PROPERTY') return raw !== null && raw !== undefined && raw !== '';
    if (raw === null || raw === undefined) return filter.operator === 'NEQ';
    const dated = /date$/.test(String(filter.propertyName));
    const left = dated ? Date.parse(raw) : raw;
    const right = dated ? Number(filter.value) : String(filter.value);
    switch (filter.operator) {
      case 'EQ':
        return left === right;
      case 'NEQ':
        return left !== right;
      case 'LT':
        return left < right;
      case 'LTE':
        return left <= right;
      case 'GT':
        return left > right;
      case 'GTE':
        return left >= right;
      default:
        return false;
    }
  };

  const answer = (request: FakeRequest, method: string, url: URL): { status: number; body: unknown; headers?: Record<string, string> } => {
    if (url.pathname === '/crm/v3/objects/contacts' && method === 'GET') {
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 100);
      const after = Number(url.searchParams.get('after') ?? 0);
      const wanted = (url.searchParams.get('properties') ?? '').split(',').filter(Boolean);
      const all = byId().filter((c) => Number(c.id) > after);
      const page = all.slice(0, limit);
      const next = all.length > limit ? page.at(-1)!.id : undefined;
      return { status: 200, body: { results: page.map((c) => view(c, wanted)), ...(next ? { paging: { next: { after: next, link: `${url.origin}${url.pathname}?after=${next}` } } } : {}) } };
    }
    if (url.pathname === '/crm/v3/objects/contacts/search' && method === 'POST') {
      const search = request.valid(SearchRequest);
      const groups = search.filterGroups ?? [];
      const limit = search.limit ?? 10;
      const offset = Number(search.after ?? 0);
      if (offset + limit > SEARCH_WINDOW) return error(400, `paging past ${SEARCH_WINDOW} results is not supported`, 'VALIDATION_ERROR');
      let found = byId().filter((c) => !groups.length || groups.some((g) => (g.filters ?? []).every((f) => compare(c, f))));
      const sort = search.sorts?.[0];
      if (sort?.propertyName) {
        const key = (c: FakeContact) => (/date$/.test(sort.propertyName!) ? Date.parse(c.properties[sort.propertyName!] ?? '') : (c.properties[sort.propertyName!] ?? ''));
        found = found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : Number(a.id) - Number(b.id)) * (sort.direction === 'DESCENDING' ? -1 : 1));
      }
      const page = found.slice(offset, offset + limit);
      const next = offset + limit < found.length ? String(offset + limit) : undefined;
      return { status: 200, body: { total: found.length, results: page.map((c) => view(c, search.properties ?? [])), ...(next ? { paging: { next: { after: next } } } : {}) } };
    }
    return error(404, `no route ${method} ${url.pathname}`, 'OBJECT_NOT_FOUND');
  };

  const server = await startFakeServer((request, response) => {
    const body = request.json ?? (request.text || undefined);
    let result: { status: number; body: unknown; headers?: Record<string, string> };
    if (request.headers.authorization !== `Bearer ${token}`) {
      result = error(401, 'Authentication credentials not found. This API supports OAuth 2.0 authentication.', 'INVALID_AUTHENTICATION');
    } else if (limited.count > 0) {
      limited.count--;
      result = { ...error(429, 'You have reached your secondly limit.', 'RATE_LIMITS', { errorType: 'RATE_LIMIT', policyName: 'SECONDLY' }), headers: { 'retry-after': String(limited.retryAfter) } };
    } else {
      try {
        result = answer(request, request.method, request.url);
      } catch (rejected) {
        if (rejected instanceof VendorRejection) requests.push({ method: request.method, path: request.path, query: Object.fromEntries(request.url.searchParams), body, status: 400 });
        throw rejected;
      }
    }
    requests.push({ method: request.method, path: request.path, query: Object.fromEntries(request.url.searchParams), body, status: result.status });
    sendJson(response, result.status, result.body, result.headers);
  }, { vendor: 'HubSpot', rejection });
  return {
    url: server.url,
    requests,
    upsert(id, properties, at = new Date()) {
      const existing = contacts.get(id)?.properties ?? { createdate: at.toISOString() };
      contacts.set(id, { id, properties: { ...existing, ...properties, lastmodifieddate: at.toISOString() } });
    },
    rateLimitNext(count, retryAfterSeconds) {
      limited = { count, retryAfter: retryAfterSeconds };
    },
    close: () => server.close(),
  };
}
