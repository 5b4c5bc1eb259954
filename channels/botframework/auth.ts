import { ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type Activity as BfActivity } from 'botbuilder';
import { ParleyError } from '../../bot/core/index.js';
import { TokenEndpointCredentialsFactory } from './credentials.js';
import { bearerJwt, checkChannelClaims, decodeJwt, isChannelToken } from './verify.js';

/** How the bot's Microsoft App ID is registered (Azure Bot resource "Type of App"). */
export type BotFrameworkAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

/** Identity and endpoints of the bot; the same shape as Parley's `config.botFramework`. */
export interface BotFrameworkAuthOptions {
  /** Microsoft App ID (`MICROSOFT_APP_ID`); unset turns authentication off (emulator mode only, see `registerBotFrameworkChannel`). */
  appId?: string | undefined;
  /** Client secret of the app (`MICROSOFT_APP_PASSWORD`); not used with `UserAssignedMSI`. */
  appPassword?: string | undefined;
  /** Microsoft Entra tenant (`MICROSOFT_APP_TENANT_ID`); required for `SingleTenant` and `UserAssignedMSI`. */
  tenantId?: string | undefined;
  /** Default `MultiTenant` (`MICROSOFT_APP_TYPE`). */
  appType?: BotFrameworkAppType | undefined;
  /**
   * OpenID metadata URL of the channel service, whose `jwks_uri` lists the keys channel tokens are signed with
   * (`BOTFRAMEWORK_OPENID_METADATA`); default the public cloud's `https://login.botframework.com/v1/.well-known/openidconfiguration`.
   */
  openIdMetadata?: string | undefined;
  /**
   * OAuth 2.0 token endpoint for the bot's own access token (client-credentials grant); default unset: the SDK's MSAL
   * credentials against login.microsoftonline.com. Set for a local fake or a private cloud (password apps only).
   */
  tokenEndpoint?: string | undefined;
}

/** Options of the SDK's connector clients (the HTTP client replies are sent with). */
export type ConnectorClientOptions = NonNullable<ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]>;

/** The SDK's verdict on an inbound request: claims, and the connector factory replies are sent with. */
export type AuthenticatedRequest = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/** The public Azure cloud's endpoints; the SDK needs all of them as soon as one (the OpenID metadata URL) is overridden. */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
  ValidateAuthority: true,
};

/**
 * Builds the SDK's `ConfigurationBotFrameworkAuthentication` (and its `ConfigurationServiceClientCredentialFactory`) from
 * a configuration object, never from the environment. Throws `config_invalid` when the SDK refuses the settings.
 */
export function createBotFrameworkAuthentication(options: BotFrameworkAuthOptions, connectorClientOptions?: ConnectorClientOptions): ConfigurationBotFrameworkAuthentication {
  const configuration: Record<string, string | boolean | undefined> = {
    MicrosoftAppId: options.appId,
    MicrosoftAppPassword: options.appPassword,
    MicrosoftAppTenantId: options.tenantId,
    MicrosoftAppType: options.appType ?? 'MultiTenant',
  };
  if (options.openIdMetadata) {
    // Any endpoint override makes the SDK take every endpoint from the configuration, so the others keep their defaults.
    Object.assign(configuration, PUBLIC_CLOUD, { BotOpenIdMetadata: options.openIdMetadata, ToBotFromChannelOpenIdMetadataUrl: options.openIdMetadata });
  }
  try {
    const configured = new ConfigurationServiceClientCredentialFactory(configuration);
    const factory =
      options.tokenEndpoint && options.appId && options.appPassword
        ? new TokenEndpointCredentialsFactory(configured, { appId: options.appId, appPassword: options.appPassword, tokenEndpoint: options.tokenEndpoint })
        : configured;
    return new ConfigurationBotFrameworkAuthentication(configuration, factory, undefined, undefined, connectorClientOptions);
  } catch (error) {
    throw new ParleyError('config_invalid', `invalid Bot Framework settings: ${(error as Error).message}`, { cause: error });
  }
}

/** Options of {@link authenticateActivity}. */
export interface AuthenticateOptions {
  /** When unset, requests are not authenticated (local Emulator use). */
  appId: string | undefined;
  now: Date;
}

/**
 * Authenticates a Bot Framework request: with an app id, the bearer token's claims are checked first (pure, see
 * `verify.ts`), then the SDK checks the signature against the keys of the OpenID metadata, the endorsements of the
 * activity's channel, issuer, audience and `serviceurl` again. Throws `unauthorized` (401) for a bad or missing token,
 * `internal` when the signing keys cannot be loaded.
 */
export async function authenticateActivity(
  auth: ConfigurationBotFrameworkAuthentication,
  activity: BfActivity,
  authorization: string | undefined,
  options: AuthenticateOptions,
): Promise<AuthenticatedRequest> {
  if (options.appId) {
    const { claims } = decodeJwt(bearerJwt(authorization));
    // Emulator and skill tokens have other issuers and claims; the SDK validates those paths on its own.
    if (isChannelToken(claims)) checkChannelClaims(claims, { appId: options.appId, serviceUrl: activity.serviceUrl, now: options.now });
  }
  try {
    return await auth.authenticateRequest(activity, authorization ?? '');
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    const name = (error as { name?: unknown }).name;
    const message = firstLine((error as Error).message);
    if ((typeof status === 'number' && status >= 500) || name === 'FetchError') {
      throw new ParleyError('internal', `could not load the Bot Framework signing keys: ${message}`, { cause: error });
    }
    throw new ParleyError('unauthorized', `Bot Framework token rejected: ${message}`, { cause: error });
  }
}

const firstLine = (text: unknown): string => String(text ?? 'unknown error').split('\n')[0]!.slice(0, 200);
