import type { QdrantClientResourceExhaustedError } from '@qdrant/js-client-rest';
import { ParleyError } from '../../../bot/core/index.js';

/** How {@link withRetries} retries: `retries` extra attempts, waiting `delayMs` × 2^n (plus jitter) between them. */
export interface RetryPolicy {
  retries: number;
  delayMs: number;
  /** Waits; injectable so tests need not sleep. Default: `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
}

/** What went wrong with one call to Qdrant, as far as retrying is concerned. */
export interface Failure {
  /** HTTP status, when Qdrant answered. */
  status?: number;
  retryable: boolean;
  message: string;
  /** The server's `Retry-After`, in milliseconds, on 429. */
  retryAfterMs?: number;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);
const MAX_WAIT_MS = 30_000;

/** The status of an HTTP error thrown by the client (its `ApiError` carries `status` and the parsed body as `data`). */
function apiStatus(error: unknown): { status: number; data: unknown } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, data } = error as { status?: unknown; data?: unknown };
  return typeof status === 'number' ? { status, data } : undefined;
}

/** The `status.error` text of Qdrant's error envelope, if the body is one. */
function qdrantMessage(data: unknown): string | undefined {
  const status = (data as { status?: { error?: unknown } } | undefined)?.status;
  return typeof status?.error === 'string' ? status.error : undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * The name of a Qdrant client error class (the SDK sets `name` to its class name): matched by name so that this module
 * does not load the SDK, which is imported only when Qdrant is used (see connection.ts).
 */
function qdrantErrorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.startsWith('QdrantClient') ? name : undefined;
}

/** Classifies an error thrown by the Qdrant client: 429, 5xx, timeouts and network errors are worth retrying. */
export function classify(error: unknown): Failure {
  const sdkError = qdrantErrorName(error);
  if (sdkError === 'QdrantClientResourceExhaustedError') {
    const { message, retry_after } = error as QdrantClientResourceExhaustedError;
    return { status: 429, retryable: true, message, retryAfterMs: retry_after * 1000 };
  }
  const sdkMessage = String((error as { message?: unknown }).message);
  if (sdkError === 'QdrantClientTimeoutError') return { retryable: true, message: `timed out (${sdkMessage})` };
  if (sdkError === 'QdrantClientUnexpectedResponseError') return { retryable: false, message: sdkMessage };
  const api = apiStatus(error);
  if (api) {
    const text = qdrantMessage(api.data) ?? String((error as { message?: unknown }).message ?? '');
    return { status: api.status, retryable: api.status === 429 || api.status === 408 || api.status >= 500, message: `HTTP ${api.status}: ${text}` };
  }
  // Duck-typed: errors raised by Node's fetch may come from another realm (e.g. under jest), so instanceof fails.
  const { name, message = String(error), cause } = (error ?? {}) as { name?: unknown; message?: string; cause?: { message?: unknown } };
  const code = networkCode(error);
  // fetch reports connection failures as `TypeError: fetch failed`, the socket error (sometimes without its code) as cause.
  if (code || (name === 'TypeError' && message === 'fetch failed')) {
    const reason = code ?? (typeof cause?.message === 'string' ? cause.message : undefined);
    return { retryable: true, message: reason ? `${message} (${reason})` : message };
  }
  return { retryable: false, message };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, retrying retryable failures (see {@link classify}) with exponential backoff; throws a `storage_failed`
 * {@link ParleyError} (details: `engine`, `operation`, `status`, `attempts`) when it gives up or the failure is final.
 */
export async function withRetries<T>(operation: string, policy: RetryPolicy, call: () => Promise<T>): Promise<T> {
  const sleep = policy.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ParleyError) throw error;
      const failure = classify(error);
      if (!failure.retryable || attempt > policy.retries) {
        const tries = failure.retryable ? ` after ${attempt} attempts` : '';
        throw new ParleyError('storage_failed', `Qdrant ${operation} failed${tries}: ${failure.message}`, {
          cause: error,
          details: { engine: 'qdrant', operation, status: failure.status, attempts: attempt },
        });
      }
      const backoff = policy.delayMs * 2 ** (attempt - 1);
      const jitter = Math.random() * backoff * 0.2;
      await sleep(Math.min(MAX_WAIT_MS, Math.max(backoff + jitter, failure.retryAfterMs ?? 0)));
    }
  }
}

/** True when `error` is the `storage_failed` error of a Qdrant call that answered with `status`. */
export function failedWithStatus(error: unknown, status: number): boolean {
  return error instanceof ParleyError && error.details?.status === status;
}

/**
 * True when a Qdrant call failed because what it creates already exists: 409 Conflict with Qdrant's error envelope
 * (`{ status: { error: "… already exists!" } }`), or the 400 "Wrong input: … already exists" of older servers.
 */
export function alreadyExists(error: unknown): boolean {
  if (failedWithStatus(error, 409)) return true;
  return failedWithStatus(error, 400) && /already exists/i.test((error as ParleyError).message);
}
