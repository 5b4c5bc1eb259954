import { checkScope, endpointKey, ParleyError, SCOPED_ENDPOINT_KINDS, type ScopedEndpointKind } from '../core/index.js';

/**
 * Parses `PARLEY_SCOPES`: a JSON object mapping channel endpoints to knowledge scopes, e.g.
 * `{"twilio:+15550001": "brand-a", "email:help@a.com": "brand-a", "slack:T0123": "brand-b", "botframework:APPID": "brand-b"}`.
 * Keys are `<kind>:<endpoint>` with kind one of {@link SCOPED_ENDPOINT_KINDS} (a Twilio number, an e-mail address, a
 * Slack team id, a Bot Framework app id); they come back normalized by {@link endpointKey}. Unset or empty: no
 * endpoint has a scope. Throws `config_invalid` naming the bad key.
 */
export function parseEndpointScopes(text: string | undefined): Record<string, string> {
  if (!text?.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ParleyError('config_invalid', `PARLEY_SCOPES: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ParleyError('config_invalid', 'PARLEY_SCOPES: expected a JSON object like {"twilio:+15550001": "brand-a"}');
  }
  const scopes: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon) as ScopedEndpointKind;
    const endpoint = key.slice(colon + 1);
    if (colon < 0 || !SCOPED_ENDPOINT_KINDS.includes(kind) || !endpoint.trim()) {
      throw new ParleyError('config_invalid', `PARLEY_SCOPES["${key}"]: keys are <kind>:<endpoint> with kind one of ${SCOPED_ENDPOINT_KINDS.join(', ')}`);
    }
    scopes[endpointKey(kind, endpoint)] = checkScope(value, `PARLEY_SCOPES["${key}"]`, 'config_invalid');
  }
  return scopes;
}
