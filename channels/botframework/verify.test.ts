import { ParleyError } from '../../bot/core/index.js';
import { bearerJwt, checkChannelClaims, CLOCK_SKEW_SECONDS, decodeJwt, isChannelToken } from './verify.js';

/**
 * The "Connector to Bot: example JWT components" published in Microsoft's Bot Connector authentication docs
 * (articles/rest-api/bot-framework-rest-connector-authentication.md), with the example app id filled in and the
 * `serviceurl` claim the docs require (requirement 7) added.
 */
const APP_ID = '00000000-0000-0000-0000-0000000b0721';
const SERVICE_URL = 'https://smba.trafficmanager.net/amer/';
const PUBLISHED_HEADER = { typ: 'JWT', alg: 'RS256', x5t: '<SIGNING KEY ID>', kid: '<SIGNING KEY ID>' };
const PUBLISHED_CLAIMS = { aud: APP_ID, iss: 'https://api.botframework.com', nbf: 1481049243, exp: 1481053143, serviceurl: SERVICE_URL };
/** A moment inside the example token's lifetime. */
const DURING = new Date(1481050000 * 1000);

const b64 = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
const jwt = (header: unknown, claims: unknown, signature = 'c2lnbmF0dXJl') => `${b64(header)}.${b64(claims)}.${signature}`;

function rejection(fn: () => unknown): ParleyError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('unauthorized');
    expect((error as ParleyError).httpStatus).toBe(401);
    return error as ParleyError;
  }
  throw new Error('expected a rejection');
}

describe('checkChannelClaims — the published example token', () => {
  const expected = { appId: APP_ID, serviceUrl: SERVICE_URL };

  it('accepts it during its lifetime', () => {
    expect(() => checkChannelClaims(PUBLISHED_CLAIMS, { ...expected, now: DURING })).not.toThrow();
  });

  it('accepts it within the 5-minute clock skew on both ends', () => {
    expect(CLOCK_SKEW_SECONDS).toBe(300);
    expect(() => checkChannelClaims(PUBLISHED_CLAIMS, { ...expected, now: new Date((1481053143 + 299) * 1000) })).not.toThrow();
    expect(() => checkChannelClaims(PUBLISHED_CLAIMS, { ...expected, now: new Date((1481049243 - 299) * 1000) })).not.toThrow();
  });

  it('rejects it once expired beyond the skew (injected clock)', () => {
    expect(rejection(() => checkChannelClaims(PUBLISHED_CLAIMS, { ...expected, now: new Date((1481053143 + 301) * 1000) })).message).toMatch(/expired/);
  });

  it('rejects it before nbf beyond the skew', () => {
    expect(rejection(() => checkChannelClaims(PUBLISHED_CLAIMS, { ...expected, now: new Date((1481049243 - 301) * 1000) })).message).toMatch(/not valid yet/);
  });

  it('rejects another bot as audience', () => {
    expect(rejection(() => checkChannelClaims(PUBLISHED_CLAIMS, { ...expected, appId: 'another-app', now: DURING })).message).toMatch(/audience/);
  });

  it('accepts an audience list that holds the app id', () => {
    expect(() => checkChannelClaims({ ...PUBLISHED_CLAIMS, aud: ['x', APP_ID] }, { ...expected, now: DURING })).not.toThrow();
  });

  it('rejects another issuer', () => {
    const claims = { ...PUBLISHED_CLAIMS, iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/' };
    expect(rejection(() => checkChannelClaims(claims, { ...expected, now: DURING })).message).toMatch(/issuer/);
  });

  it("rejects a serviceurl claim that is not the activity's serviceUrl, or none", () => {
    expect(rejection(() => checkChannelClaims(PUBLISHED_CLAIMS, { ...expected, serviceUrl: 'https://evil.example/', now: DURING })).message).toMatch(/serviceurl/);
    const { serviceurl: _omitted, ...withoutServiceUrl } = PUBLISHED_CLAIMS;
    expect(rejection(() => checkChannelClaims(withoutServiceUrl, { ...expected, now: DURING })).message).toMatch(/serviceurl/);
  });

  it('rejects a token without exp', () => {
    const { exp: _omitted, ...withoutExp } = PUBLISHED_CLAIMS;
    expect(rejection(() => checkChannelClaims(withoutExp, { ...expected, now: DURING })).message).toMatch(/expiry/);
  });
});

describe('decodeJwt and bearerJwt', () => {
  it('decodes the published example header and claims', () => {
    const decoded = decodeJwt(jwt(PUBLISHED_HEADER, PUBLISHED_CLAIMS));
    expect(decoded.header).toEqual(PUBLISHED_HEADER);
    expect(decoded.claims).toEqual(PUBLISHED_CLAIMS);
    expect(isChannelToken(decoded.claims)).toBe(true);
  });

  it.each([
    ['not a JWT', 'abc'],
    ['no signature', `${b64(PUBLISHED_HEADER)}.${b64(PUBLISHED_CLAIMS)}.`],
    ['alg none', jwt({ ...PUBLISHED_HEADER, alg: 'none' }, PUBLISHED_CLAIMS)],
    ['alg HS256 (key confusion)', jwt({ ...PUBLISHED_HEADER, alg: 'HS256' }, PUBLISHED_CLAIMS)],
    ['no kid', jwt({ typ: 'JWT', alg: 'RS256' }, PUBLISHED_CLAIMS)],
    ['payload not JSON', `${b64(PUBLISHED_HEADER)}.${Buffer.from('nope').toString('base64url')}.sig`],
    ['payload not base64url', `${b64(PUBLISHED_HEADER)}.a+b/c.sig`],
    ['payload an array', jwt(PUBLISHED_HEADER, [1, 2])],
  ])('rejects %s', (_name, token) => {
    rejection(() => decodeJwt(token));
  });

  it('takes the token of a Bearer header only', () => {
    expect(bearerJwt('Bearer a.b.c')).toBe('a.b.c');
    expect(rejection(() => bearerJwt(undefined)).message).toMatch(/missing/);
    expect(rejection(() => bearerJwt('Basic dXNlcjpwYXNz')).message).toMatch(/Bearer/);
    rejection(() => bearerJwt('Bearer a b'));
  });

  it('tells channel tokens from Emulator tokens by issuer', () => {
    expect(isChannelToken({ iss: 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0' })).toBe(false);
    expect(isChannelToken({})).toBe(false);
  });
});
