import { ParleyError } from '../../bot/core/index.js';

/** How to reach a Zendesk account's API: base URL, API-token Basic auth, timeout. */
export interface ZendeskConnection {
  /** The account's URL without a trailing slash, e.g. `https://acme.zendesk.com`. */
  base: string;
  /** `Basic base64({email}/token:{api_token})`. */
  auth: string;
  /** Request timeout (ms). */
  timeoutMs: number;
}

/** A {@link ZendeskConnection} from the account URL, the agent's e-mail address and an API token; timeout default 10 s. */
export function zendeskConnection(options: { url: string; email: string; apiToken: string; timeoutMs?: number }): ZendeskConnection {
  return {
    base: options.url.replace(/\/+$/, ''),
    auth: `Basic ${Buffer.from(`${options.email}/token:${options.apiToken}`).toString('base64')}`,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
}

/** A Zendesk answer that was not a success: its status, Zendesk's reason, and `Retry-After` (seconds) on a 429. */
export class ZendeskHttpError extends ParleyError {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super('internal', message);
  }
}

/**
 * One JSON request to the Zendesk API (`path` relative to the account, or an absolute URL on the account's own origin,
 * as Zendesk's `next_page`/`after_url` are). Throws `internal` on a network failure, {@link ZendeskHttpError} on a
 * non-2xx answer; resolves to the parsed body (`{}` when empty).
 */
export async function zendeskRequest(connection: ZendeskConnection, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const url = new URL(path, `${connection.base}/`);
  // Credentials only ever go to the configured account.
  if (url.origin !== new URL(connection.base).origin) throw new ParleyError('internal', `Zendesk pointed to another host (${url.origin}); refusing to send credentials there`);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: connection.auth, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(connection.timeoutMs),
    });
  } catch (error) {
    throw new ParleyError('internal', `Zendesk ${method} ${url.pathname} failed: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // Zendesk answers JSON; anything else is reported by status below.
  }
  if (!response.ok) {
    const reason = typeof parsed.error === 'string' ? parsed.error : typeof (parsed.error as { title?: unknown })?.title === 'string' ? (parsed.error as { title: string }).title : text.slice(0, 200);
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ZendeskHttpError(`Zendesk ${method} ${url.pathname} answered ${response.status}: ${reason}`, response.status, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
  }
  return parsed;
}
