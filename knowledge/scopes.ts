import { SHARED_SCOPE } from '../bot/core/index.js';
import type { PayloadFilter } from './indexes/vector-index.js';

export { checkScope, MAX_SCOPE_CHARS, scopeKey, SHARED_SCOPE, visibleInScope } from '../bot/core/index.js';

/** Payload key every indexed ticket carries: its scope, or {@link SHARED_SCOPE} for shared tickets. */
export const SCOPE_KEY = 'scope';

/**
 * The retrieval filter of a conversation in `scope`: tickets of that scope and shared ones (`{scope: [scope, '*']}`);
 * undefined (no filter: every ticket) without a scope.
 */
export function scopeFilter(scope: string | null | undefined): PayloadFilter | undefined {
  return scope ? { [SCOPE_KEY]: [scope, SHARED_SCOPE] } : undefined;
}

/**
 * The scopes a filter admits (its `scope` condition), or undefined when it does not restrict scopes; used where
 * tickets are checked without their index payload (the label model's labels).
 */
export function scopesOf(filter: PayloadFilter | undefined): ReadonlySet<string> | undefined {
  const wanted = filter?.[SCOPE_KEY];
  if (wanted === undefined) return undefined;
  return new Set((Array.isArray(wanted) ? wanted : [wanted]).map(String));
}
