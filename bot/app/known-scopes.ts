import { SHARED_SCOPE, type Store } from '../core/index.js';

/** How long the scopes with tickets are taken from the last look before the store is asked again (ms). */
const FRESH_MS = 5_000;
/** At most one forced look per this many ms (a client sending unknown scopes cannot hammer the store). */
const REFRESH_MIN_MS = 1_000;

/**
 * The knowledge scopes a server knows, for `ChannelHost.knownScopes`: the scopes holding tickets (from the store's
 * counts, cached for a few seconds) and those configured for a channel endpoint.
 */
export function knownScopes(store: Store, endpointScopes: Readonly<Record<string, string>>): (refresh: boolean) => Promise<ReadonlySet<string>> {
  const configured = Object.values(endpointScopes);
  let cached: { scopes: ReadonlySet<string>; at: number } | undefined;
  let pending: Promise<ReadonlySet<string>> | undefined;
  const load = async (): Promise<ReadonlySet<string>> => {
    const counts = await store.countTicketsByScope();
    const scopes = new Set([...Object.keys(counts).filter((scope) => scope !== SHARED_SCOPE), ...configured]);
    cached = { scopes, at: Date.now() };
    return scopes;
  };
  return async (refresh) => {
    const age = cached ? Date.now() - cached.at : Infinity;
    if (cached && age < (refresh ? REFRESH_MIN_MS : FRESH_MS)) return cached.scopes;
    pending ??= load().finally(() => (pending = undefined));
    return pending;
  };
}
