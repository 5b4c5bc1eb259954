import { currentLogContext, type Logger } from '../core/index.js';

/** Replaces personal data in a text (e.g. the knowledge redaction: `[EMAIL]`, `[PHONE]`, `[NAME]`). */
export type TextRedactor = (text: string) => string;

/** `value` with every string redacted, errors turned into plain `{ message, code, stack }` (redacted too). */
function redactDeep(value: unknown, redact: TextRedactor, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { message: redact(value.message), ...(code !== undefined ? { code } : {}), ...(value.stack ? { stack: redact(value.stack) } : {}) };
  }
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact, depth + 1)]));
}

/**
 * The server's logger: each entry carries the log context it was written in (`turnId`, `conversationId`,
 * `requestId`; see `withLogContext`) and has the personal data in its message and fields (customers' e-mail
 * addresses, phone numbers, names, card numbers… in error messages and payloads) replaced before `inner` sees it.
 */
export function privateLogger(inner: Logger, redact: TextRedactor): Logger {
  const wrap = (write: Logger['info']) => (obj: Record<string, unknown>, msg?: string) => {
    const entry = redactDeep({ ...currentLogContext(), ...obj }, redact) as Record<string, unknown>;
    if (msg === undefined) write.call(inner, entry);
    else write.call(inner, entry, redact(msg));
  };
  return { info: wrap(inner.info), warn: wrap(inner.warn), error: wrap(inner.error) };
}
