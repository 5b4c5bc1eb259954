import { ParleyError } from './errors.js';

/**
 * The scope written for shared knowledge (a ticket without a scope, visible in every scope) in index payloads and
 * filters. Reserved: never a scope name.
 */
export const SHARED_SCOPE = '*';

/** Longest knowledge scope name (characters). */
export const MAX_SCOPE_CHARS = 64;

const SCOPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Validates a knowledge scope name (a brand, a store, a product line, a locale): a non-empty string of at most
 * {@link MAX_SCOPE_CHARS} letters, digits and `. _ -`, starting with a letter or digit (so never the reserved
 * {@link SHARED_SCOPE}). Returns it trimmed; throws `code` (default `bad_request`) naming `field` (as shown, e.g.
 * `"scope"` or `--scope`) otherwise.
 */
export function checkScope(value: unknown, field = '"scope"', code: 'bad_request' | 'ingest_invalid' | 'config_invalid' = 'bad_request'): string {
  if (typeof value !== 'string') throw new ParleyError(code, `${field} must be a string (a knowledge scope name)`);
  const scope = value.trim();
  if (!scope) throw new ParleyError(code, `${field} must not be empty`);
  if (scope === SHARED_SCOPE) throw new ParleyError(code, `${field} must not be "${SHARED_SCOPE}" (reserved for shared knowledge; leave the scope out instead)`);
  if (scope.length > MAX_SCOPE_CHARS) throw new ParleyError(code, `${field} is longer than ${MAX_SCOPE_CHARS} characters`);
  if (!SCOPE_NAME.test(scope)) throw new ParleyError(code, `${field} may only hold letters, digits and . _ - (got ${JSON.stringify(scope.slice(0, MAX_SCOPE_CHARS))})`);
  return scope;
}

/** The scope a ticket or conversation is filed under in payloads and counts: its own, or {@link SHARED_SCOPE}. */
export function scopeKey(scope: string | null | undefined): string {
  return scope ?? SHARED_SCOPE;
}

/**
 * True when knowledge of scope `ticketScope` may be used in a conversation of scope `conversationScope`: shared
 * knowledge everywhere, scoped knowledge in its own scope, and everything in a conversation without a scope.
 */
export function visibleInScope(ticketScope: string | null | undefined, conversationScope: string | null | undefined): boolean {
  return !conversationScope || !ticketScope || ticketScope === SHARED_SCOPE || ticketScope === conversationScope;
}

/** Channel endpoints a knowledge scope can be configured for (`PARLEY_SCOPES`). */
export const SCOPED_ENDPOINT_KINDS = ['twilio', 'email', 'slack', 'botframework'] as const;

/** A kind of channel endpoint: a Twilio number, an e-mail address, a Slack workspace (team id), a Bot Framework app id. */
export type ScopedEndpointKind = (typeof SCOPED_ENDPOINT_KINDS)[number];

/**
 * The normalized `<kind>:<endpoint>` key of an endpoint: e-mail addresses lower-cased, spaces, dashes, dots and
 * brackets dropped from Twilio numbers (`+1 555-0001` is `+15550001`; `whatsapp:` prefixes kept).
 */
export function endpointKey(kind: ScopedEndpointKind, endpoint: string): string {
  const trimmed = endpoint.trim();
  if (kind === 'email') return `email:${trimmed.toLowerCase()}`;
  if (kind === 'twilio') return `twilio:${trimmed.replace(/[\s().-]/g, '').toLowerCase()}`;
  return `${kind}:${trimmed}`;
}

/**
 * The knowledge scope configured for the endpoint a message arrived at (`scopes`: normalized keys, see
 * {@link endpointKey}); the first of `endpoints` that has one, or undefined (the conversation gets no scope).
 */
export function endpointScope(scopes: Readonly<Record<string, string>> | undefined, kind: ScopedEndpointKind, ...endpoints: (string | undefined)[]): string | undefined {
  if (!scopes) return undefined;
  for (const endpoint of endpoints) {
    const scope = endpoint ? scopes[endpointKey(kind, endpoint)] : undefined;
    if (scope) return scope;
  }
  return undefined;
}

/**
 * Refuses (`bad_request` naming `field`) a scope this server does not know: no ticket is in it and no endpoint is
 * configured for it (a typo would otherwise answer from shared tickets only). Looks again at the store before
 * refusing, so a scope ingested moments ago is taken. Without `known`, every scope is taken.
 */
export async function checkKnownScope(known: ((refresh: boolean) => Promise<ReadonlySet<string>>) | undefined, scope: string, field = '"scope"'): Promise<void> {
  if (!known || (await known(false)).has(scope) || (await known(true)).has(scope)) return;
  throw new ParleyError('bad_request', `${field}: unknown knowledge scope "${scope}" (no ticket is in it and PARLEY_SCOPES does not name it)`);
}
