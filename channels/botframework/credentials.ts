import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ParleyError } from '../../bot/core/index.js';

/** The SDK's `ServiceClientCredentialsFactory` (botframework-connector), named through botbuilder's public types. */
export type CredentialsFactory = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1]>;
type Credentials = Awaited<ReturnType<CredentialsFactory['createCredentials']>>;
type WebResource = Parameters<Credentials['signRequest']>[0];

/** Refresh a bot token this long before it expires (ms). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** Options of {@link TokenEndpointCredentialsFactory}. */
export interface TokenEndpointOptions {
  appId: string;
  appPassword: string;
  /** OAuth 2.0 token endpoint, e.g. `https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token`. */
  tokenEndpoint: string;
  /** Clock for token expiry; default `Date.now`. */
  now?: () => number;
}

/**
 * A `ServiceClientCredentialsFactory` that gets the bot's access token with the OAuth 2.0 client-credentials request
 * the Bot Connector docs publish (`grant_type=client_credentials`, `client_id`, `client_secret`,
 * `scope=<audience>/.default`) from a configurable token endpoint, and caches it until shortly before it expires.
 * App id checks and "authentication disabled" come from `inner` (the configuration's factory), so the two agree.
 *
 * Why it exists: the SDK's own password credentials go through MSAL, which refuses an `http://` authority
 * (`authority_uri_insecure`) and runs instance discovery against login.microsoftonline.com for any other host, so they
 * cannot be pointed at a local fake or an OAuth endpoint of one's choosing.
 */
export class TokenEndpointCredentialsFactory implements CredentialsFactory {
  private readonly cache = new Map<string, { token: string; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly inner: CredentialsFactory,
    private readonly options: TokenEndpointOptions,
  ) {}

  isValidAppId(appId: string): Promise<boolean> {
    return this.inner.isValidAppId(appId);
  }

  isAuthenticationDisabled(): Promise<boolean> {
    return this.inner.isAuthenticationDisabled();
  }

  async createCredentials(appId: string, audience: string | undefined, loginEndpoint: string, validateAuthority: boolean): Promise<Credentials> {
    if (await this.inner.isAuthenticationDisabled()) return this.inner.createCredentials(appId, audience, loginEndpoint, validateAuthority);
    if (!(await this.inner.isValidAppId(appId))) throw new ParleyError('unauthorized', `no credentials for app id ${appId}`);
    const scope = `${(audience ?? 'https://api.botframework.com').replace(/\/+$/, '')}/.default`;
    return {
      signRequest: async (webResource: WebResource): Promise<WebResource> => {
        webResource.headers.set('authorization', `Bearer ${await this.token(scope)}`);
        return webResource;
      },
    };
  }

  /** A cached or fresh access token for `scope`; concurrent callers share one request. */
  private async token(scope: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(scope);
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > now) return cached.token;
    let request = this.pending.get(scope);
    if (!request) {
      request = this.requestToken(scope, now).finally(() => this.pending.delete(scope));
      this.pending.set(scope, request);
    }
    return request;
  }

  private async requestToken(scope: string, now: number): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.options.appId, client_secret: this.options.appPassword, scope });
    const post = () => fetch(this.options.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    let response: Response;
    try {
      // One retry: a pooled keep-alive connection the endpoint has just closed fails with a reset, not an answer.
      response = await post().catch(() => post());
    } catch (error) {
      throw new ParleyError('internal', `Bot Framework token endpoint unreachable: ${(error as Error).message}`, { cause: error });
    }
    const payload = (await response.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (!response.ok || typeof payload?.access_token !== 'string') {
      throw new ParleyError('internal', `Bot Framework token endpoint answered ${response.status} without an access token`);
    }
    const expiresIn = typeof payload.expires_in === 'number' ? payload.expires_in : Number(payload.expires_in ?? 3600);
    this.cache.set(scope, { token: payload.access_token, expiresAt: now + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000 });
    return payload.access_token;
  }
}
