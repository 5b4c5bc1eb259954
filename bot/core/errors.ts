/** Stable error codes Parley raises; HTTP and CLI edges map them to statuses and exit codes. */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_utf8'
  | 'payload_too_large'
  | 'text_too_long'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'not_found'
  /** The path exists, with other methods (HTTP 405 with `Allow`). */
  | 'method_not_allowed'
  | 'conversation_not_found'
  | 'config_invalid'
  | 'ingest_invalid'
  | 'storage_failed'
  | 'store_unavailable'
  | 'middleware_next_twice'
  | 'unsupported'
  /** A re-sent message's turn is still running in another process; the caller may send it again. */
  | 'turn_busy'
  | 'internal';

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_json: 400,
  invalid_utf8: 400,
  payload_too_large: 413,
  text_too_long: 413,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  not_found: 404,
  method_not_allowed: 405,
  conversation_not_found: 404,
  config_invalid: 500,
  ingest_invalid: 400,
  storage_failed: 500,
  store_unavailable: 503,
  middleware_next_twice: 500,
  unsupported: 501,
  turn_busy: 503,
  internal: 500,
};

/**
 * An error with a stable `code` (see {@link ErrorCode}) and an optional `cause`.
 * `details` carries structured context (e.g. the offending field) safe to show to the caller.
 */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.details = options.details;
  }

  /** HTTP status matching the code (4xx for caller mistakes, 5xx otherwise). */
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** True when the caller caused the error (bad input, auth), false for server faults. */
  get isClientError(): boolean {
    return this.httpStatus < 500;
  }

  /** The `{"error": {"code", "message"}}` body used by the HTTP API and `--json` CLI output. */
  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Why a file could not be read, in words (`no such file`), with the system's code: `no such file (ENOENT)`. */
export function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const words: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder', ENOTDIR: 'a part of the path is not a folder', EMFILE: 'too many open files' };
  if (code && words[code]) return `${words[code]} (${code})`;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** True when `error` is the store saying the database cannot be reached right now (`store_unavailable`). */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof ParleyError && error.code === 'store_unavailable';
}

/** Wraps anything thrown into a {@link ParleyError} (code `internal` unless it already is one). */
export function asParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ParleyError('internal', message, { cause: error });
}

/** An HTTP answer for an error: status, `{"error": {"code", "message"}}` body, and whether it is a server fault to log. */
export interface ErrorResponse {
  status: number;
  body: { error: { code: string; message: string } };
  fault: boolean;
}

/**
 * How any error thrown while handling a request is answered: a {@link ParleyError} by its code; a framework error
 * with a 4xx `statusCode` (body limit, media type, parser) by that status; anything else as a 500 that never shows
 * internals. Every route of every channel answers errors through this.
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (!(error instanceof ParleyError)) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
      return { status, body: { error: { code, message: error instanceof Error ? error.message : String(error) } }, fault: false };
    }
  }
  const err = asParleyError(error);
  if (err.isClientError) return { status: err.httpStatus, body: err.toJSON(), fault: false };
  return { status: err.httpStatus, body: { error: { code: err.code, message: 'internal error' } }, fault: true };
}
