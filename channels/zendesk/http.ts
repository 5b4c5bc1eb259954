import { z } from 'zod';
import { ParleyError, parseVendorAnswer } from '../../bot/core/index.js';

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

/** A successful answer: a JSON object (or nothing). */
const Answer = z.record(z.string(), z.unknown(), 'must be a JSON object');
/** Zendesk's error bodies: `{"error": "RecordNotFound"}` or `{"error": {"title", "message"}}`. */
const ErrorAnswer = z.looseObject({ error: z.union([z.string(), z.looseObject({ title: z.string() })]) });

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
 * non-2xx answer, `internal` naming the problem on a 2xx answer that is not a JSON object; resolves to the parsed body
 * (`{}` when empty).
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
  let parsed: unknown;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : {};
  } catch {
    // Zendesk answers JSON: an error is reported by its status below, a success by the check at the end.
    parsed = text.slice(0, 200);
  }
  if (!response.ok) {
    const answer = ErrorAnswer.safeParse(parsed);
    const reason = answer.success ? (typeof answer.data.error === 'string' ? answer.data.error : answer.data.error.title) : text.slice(0, 200);
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ZendeskHttpError(`Zendesk ${method} ${url.pathname} answered ${response.status}: ${reason}`, response.status, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
  }
  return parseVendorAnswer(Answer, parsed, `Zendesk answer to ${method} ${url.pathname}`);
}
