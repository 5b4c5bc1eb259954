import { ParleyError, safeEqual } from '../../bot/core/index.js';

/** Issuer of the tokens the Bot Connector service signs for requests to a bot (Bot Framework authentication docs). */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

/** Clock skew allowed on `nbf` / `exp`: the documented "industry-standard" 5 minutes, as the SDK applies it. */
export const CLOCK_SKEW_SECONDS = 300;

/** Signing algorithms the Bot Framework SDK accepts on channel tokens. */
export const ALLOWED_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512'];

/** A compact JWT, decoded but not verified. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** What a Bot Connector token must say about the request it came with. */
export interface ChannelTokenExpectation {
  /** The bot's Microsoft App ID: the token's audience. */
  appId: string;
  /** The `serviceUrl` of the activity in the request body: the token's `serviceurl` claim. */
  serviceUrl: string;
  /** The current time (injectable for tests). */
  now: Date;
  /** Allowed clock skew in seconds; default {@link CLOCK_SKEW_SECONDS}. */
  clockSkewSeconds?: number;
}

const reject = (reason: string): never => {
  throw new ParleyError('unauthorized', `Bot Framework token rejected: ${reason}`);
};

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return reject(`the ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return reject(`the ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return reject(`the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** The JWT of an `Authorization: Bearer <jwt>` header; throws `unauthorized` when there is none. */
export function bearerJwt(header: string | undefined): string {
  const match = /^Bearer ([^\s]+)$/.exec(header?.trim() ?? '');
  if (!match?.[1]) return reject(header ? 'the Authorization header is not "Bearer <token>"' : 'missing Authorization header');
  return match[1];
}

/** Splits and decodes a compact JWT (header and claims) without checking its signature; throws `unauthorized`. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[2]) return reject('not a signed JWT (header.payload.signature)');
  const header = decodeSegment(parts[0]!, 'JWT header');
  const claims = decodeSegment(parts[1]!, 'JWT payload');
  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) return reject(`signing algorithm ${String(header.alg)} is not allowed`);
  if (typeof header.kid !== 'string' || !header.kid) return reject('the JWT header names no signing key (kid)');
  return { header, claims };
}

/** True when the token says the Bot Connector service issued it (Emulator and skill tokens have other issuers). */
export function isChannelToken(claims: Record<string, unknown>): boolean {
  return typeof claims.iss === 'string' && safeEqual(claims.iss, CHANNEL_TOKEN_ISSUER);
}

/**
 * Checks the claims of a Bot Connector token against the documented requirements, without the signature (the Bot
 * Framework SDK checks that against the published signing keys): issuer `https://api.botframework.com`, audience = the
 * bot's app id, not before `nbf` nor after `exp` (with clock skew), and a `serviceurl` claim equal to the activity's
 * `serviceUrl`. Pure: the clock is injected. Throws `unauthorized` naming the first failed requirement.
 */
export function checkChannelClaims(claims: Record<string, unknown>, expected: ChannelTokenExpectation): void {
  const skew = expected.clockSkewSeconds ?? CLOCK_SKEW_SECONDS;
  const nowSeconds = Math.floor(expected.now.getTime() / 1000);
  if (!isChannelToken(claims)) reject(`issuer must be ${CHANNEL_TOKEN_ISSUER}`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => typeof aud === 'string' && safeEqual(aud, expected.appId))) reject("audience is not this bot's app id");
  if (typeof claims.exp !== 'number') reject('the token has no expiry (exp)');
  if (nowSeconds > (claims.exp as number) + skew) reject('the token has expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || nowSeconds < claims.nbf - skew)) reject('the token is not valid yet (nbf)');
  const serviceUrl = claims.serviceurl;
  if (typeof serviceUrl !== 'string' || !safeEqual(serviceUrl, expected.serviceUrl)) reject("the serviceurl claim does not match the activity's serviceUrl");
}
