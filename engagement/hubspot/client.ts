import { ParleyError } from '../../bot/core/index.js';

/** The default HubSpot API origin. */
export const HUBSPOT_API_URL = 'https://api.hubapi.com';

/** Contact properties Parley reads (HubSpot's internal names). */
export const HUBSPOT_CONTACT_PROPERTIES = ['email', 'phone', 'mobilephone', 'firstname', 'lastname', 'lifecyclestage', 'hs_timezone', 'hs_email_optout', 'lastmodifieddate'] as const;

/** Most records one search request returns (HubSpot's documented maximum is 200). */
export const SEARCH_PAGE_SIZE = 100;
/** HubSpot's search pages no further than 10,000 results per query; the sync starts a new query from the last time seen. */
export const SEARCH_RESULT_WINDOW = 10_000;

/** One HubSpot CRM contact as the v3 API returns it: its id and its properties (strings, or null when empty). */
export interface HubSpotContact {
  id: string;
  properties: Record<string, string | null | undefined>;
  updatedAt?: string;
  archived?: boolean;
}

/** One page of contacts and the `after` cursor of the next (absent on the last page). */
export interface HubSpotPage {
  results: HubSpotContact[];
  after: string | undefined;
}

/** Options of {@link HubSpotContacts}. */
export interface HubSpotContactsOptions {
  /** A private app (or static auth) access token with the `crm.objects.contacts.read` scope; `HUBSPOT_ACCESS_TOKEN`. */
  accessToken: string;
  /** API origin; default {@link HUBSPOT_API_URL} (`HUBSPOT_API_URL`; tests point it at a local fake). */
  apiUrl?: string;
  /** Extra contact properties to read (the opt-in / opt-out properties of the configuration). */
  properties?: readonly string[];
  /** Request timeout (ms); default 15 s. */
  timeoutMs?: number;
  /** Attempts of one request answered 429 or 5xx before giving up; default 5. */
  attempts?: number;
  /** Longest wait a `Retry-After` may ask for (ms); default 60 s. */
  maxRetryAfterMs?: number;
  /** Waits `ms` (tests); default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * HubSpot's CRM v3 contacts API over `fetch` (no SDK: two endpoints, and the retry on 429 follows `Retry-After`):
 * `GET /crm/v3/objects/contacts` (every contact, paged by `after`) and `POST /crm/v3/objects/contacts/search`
 * (contacts modified since a time, oldest first, paged by `after`). A 401 or 403 is `config_invalid` (the token);
 * 429 and 5xx are retried after `Retry-After` (or a growing backoff), then `internal`.
 */
export class HubSpotContacts {
  private readonly base: string;
  private readonly properties: string[];

  constructor(private readonly options: HubSpotContactsOptions) {
    this.base = (options.apiUrl ?? HUBSPOT_API_URL).replace(/\/+$/, '');
    this.properties = [...new Set([...HUBSPOT_CONTACT_PROPERTIES, ...(options.properties ?? [])])];
  }

  /** One page of every contact (`GET /crm/v3/objects/contacts?limit&after&properties`). */
  async list(after?: string, signal?: AbortSignal): Promise<HubSpotPage> {
    const query = new URLSearchParams({ limit: String(SEARCH_PAGE_SIZE), properties: this.properties.join(','), archived: 'false' });
    if (after) query.set('after', after);
    return pageOf(await this.request('GET', `/crm/v3/objects/contacts?${query}`, undefined, signal));
  }

  /**
   * One page of the contacts modified at or after `since` (ms since the epoch), sorted by `lastmodifieddate`
   * ascending (`POST /crm/v3/objects/contacts/search` with a `GTE` filter, `sorts`, `properties`, `limit`, `after`).
   */
  async modifiedSince(since: number, after?: string, signal?: AbortSignal): Promise<HubSpotPage> {
    const body = {
      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      properties: this.properties,
      limit: SEARCH_PAGE_SIZE,
      ...(after ? { after } : {}),
    };
    return pageOf(await this.request('POST', '/crm/v3/objects/contacts/search', body, signal));
  }

  private async request(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined): Promise<Record<string, unknown>> {
    const attempts = this.options.attempts ?? 5;
    const sleep = this.options.sleep ?? defaultSleep;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.base}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.options.accessToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs ?? 15_000)]) : AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        if (signal?.aborted || attempt >= attempts) throw new ParleyError('internal', `HubSpot ${method} ${path.split('?')[0]} failed: ${(error as Error).message}`, { cause: error });
        await sleep(backoffMs(attempt));
        continue;
      }
      const text = await response.text();
      if (response.ok) return parseJson(text, path);
      const reason = hubspotMessage(text) ?? response.statusText;
      if (response.status === 401 || response.status === 403) {
        throw new ParleyError('config_invalid', `HubSpot refused the access token (${response.status} ${reason}): check HUBSPOT_ACCESS_TOKEN and its crm.objects.contacts.read scope`);
      }
      if ((response.status === 429 || response.status >= 500) && attempt < attempts && !signal?.aborted) {
        const retryAfter = Number(response.headers.get('retry-after'));
        const wait = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : backoffMs(attempt);
        await sleep(Math.min(wait, this.options.maxRetryAfterMs ?? 60_000));
        continue;
      }
      throw new ParleyError(response.status === 429 ? 'rate_limited' : 'internal', `HubSpot ${method} ${path.split('?')[0]} answered ${response.status}: ${reason}`);
    }
  }
}

const backoffMs = (attempt: number): number => Math.min(30_000, 500 * 2 ** (attempt - 1));

function parseJson(text: string, path: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ParleyError('internal', `HubSpot ${path.split('?')[0]} answered something that is not a JSON object`);
}

/** HubSpot's error body: `{"status": "error", "message": "…", "category": "…"}`. */
function hubspotMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** A list or search answer: `{"results": [...], "paging": {"next": {"after": "…"}}}`. */
function pageOf(body: Record<string, unknown>): HubSpotPage {
  if (!Array.isArray(body.results)) throw new ParleyError('internal', 'HubSpot answered without "results"');
  const results = body.results.filter((r): r is HubSpotContact => typeof r === 'object' && r !== null && typeof (r as HubSpotContact).id === 'string' && typeof (r as HubSpotContact).properties === 'object');
  const after = (body.paging as { next?: { after?: unknown } } | undefined)?.next?.after;
  return { results, after: typeof after === 'string' && after ? after : undefined };
}
