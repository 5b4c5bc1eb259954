import type { QdrantClient } from '@qdrant/js-client-rest';
import { ParleyError } from '../../../bot/core/index.js';
import { withRetries, type RetryPolicy } from './retry.js';

/** How to reach Qdrant: shared by {@link QdrantIndex} and `qdrantGenerations`. */
export interface QdrantConnectionOptions {
  /** Qdrant's REST endpoint, e.g. `http://localhost:6333`. */
  url: string;
  /** Sent as the `api-key` header when set. */
  apiKey?: string;
  /** Extra attempts after a 429, 5xx, timeout or network error, with exponential backoff. Default 3. */
  retries?: number;
  /** First backoff delay in milliseconds (doubled on each retry). Default 200. */
  retryDelayMs?: number;
  /** Per-request timeout in milliseconds. Default 30,000. */
  timeoutMs?: number;
}

/** A Qdrant client whose every call is retried and fails with a coded `storage_failed` error (see `withRetries`). */
export interface QdrantConnection {
  call<T>(operation: string, request: (client: QdrantClient) => Promise<T>): Promise<T>;
}

/** `value` checked as an integer ≥ `min` (`fallback` when undefined); a `config_invalid` error names the option. */
export function positiveInt(value: number | undefined, fallback: number | undefined, name: string, min = 1): number | undefined {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new ParleyError('config_invalid', `Qdrant option ${name} must be an integer ≥ ${min}`);
  return value;
}

/** Checks the options and makes the client; throws `config_invalid` naming the bad option. */
export function connectQdrant(options: QdrantConnectionOptions): QdrantConnection {
  if (typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new ParleyError('config_invalid', `Qdrant url must start with http:// or https:// (got ${String(options.url)})`);
  }
  const policy: RetryPolicy = {
    retries: positiveInt(options.retries, 3, 'retries', 0)!,
    delayMs: positiveInt(options.retryDelayMs, 200, 'retryDelayMs', 0)!,
  };
  const timeout = positiveInt(options.timeoutMs, 30_000, 'timeoutMs')!;
  // The SDK (and its HTTP stack) is imported on the first call: a process without QDRANT_URL never loads it.
  let client: Promise<QdrantClient> | undefined;
  const connected = () => (client ??= import('@qdrant/js-client-rest').then(({ QdrantClient }) => new QdrantClient({ url: options.url, apiKey: options.apiKey, timeout })));
  return {
    call: async (operation, request) => {
      const ready = await connected();
      return withRetries(operation, policy, () => request(ready));
    },
  };
}

/**
 * Qdrant's readiness probe (`GET /readyz`, as Kubernetes uses it): resolves when the node accepts traffic (in a
 * cluster: caught up with consensus, local shards healthy); throws `storage_failed` with the status or network error
 * otherwise, or after `timeoutMs` (default 2,000). No retries: `/ready` reports the state now.
 */
export async function qdrantReady(options: { url: string; apiKey?: string; timeoutMs?: number }): Promise<void> {
  const url = `${options.url.replace(/\/+$/, '')}/readyz`;
  let response: Response;
  try {
    response = await fetch(url, { headers: options.apiKey ? { 'api-key': options.apiKey } : {}, signal: AbortSignal.timeout(options.timeoutMs ?? 2_000) });
  } catch (error) {
    throw new ParleyError('storage_failed', `Qdrant at ${options.url} did not answer its readiness probe (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const text = (await response.text()).slice(0, 200);
  if (!response.ok) throw new ParleyError('storage_failed', `Qdrant at ${options.url} is not ready: HTTP ${response.status} ${text}`);
}
