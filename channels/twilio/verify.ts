import { createHmac } from 'node:crypto';
import { safeEqual } from '../../bot/core/index.js';

/** Form parameters of a Twilio webhook: one value per name, or several when a name repeats. */
export type TwilioParams = Record<string, string | string[]>;

/** Name of the header carrying Twilio's request signature. */
export const SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio's request signature: HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio requested
 * followed by every POST parameter's name and value, names sorted (values of a repeated name sorted too), in base64.
 * See https://www.twilio.com/docs/usage/webhooks/webhooks-security.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name] as string | string[];
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * The URL with and without its scheme's default port: Twilio signs the URL as configured, which behind a proxy may
 * or may not carry `:443` / `:80` (the `twilio` SDK's `validateRequest` tries both too).
 */
export function signedUrlCandidates(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  const portMatch = /^(.*?)(?::(\d+))?$/.exec(authority);
  const host = portMatch?.[1] ?? authority;
  const port = portMatch?.[2];
  if (port !== undefined && port !== defaultPort) return [url];
  return [...new Set([url, `${scheme}://${host}${rest}`, `${scheme}://${host}:${defaultPort}${rest}`])];
}

/** Input of {@link verifyTwilioSignature}. */
export interface SignatureCheck {
  authToken: string;
  /** The full URL Twilio requested: `publicUrl` + path and query string, exactly as received. */
  url: string;
  /** The decoded form parameters of the POST body (an empty object for a GET). */
  params: TwilioParams;
  /** The `X-Twilio-Signature` header; missing or empty fails. */
  signature: string | undefined;
}

/**
 * True when `signature` is Twilio's signature of the request (constant-time compare). Pure: Twilio signs no timestamp,
 * so there is no clock to inject; replays are made harmless by the inbox's idempotency on `MessageSid`.
 */
export function verifyTwilioSignature(check: SignatureCheck): boolean {
  const { signature } = check;
  if (!signature || !check.authToken) return false;
  // Every candidate is checked (no early exit) so that the time taken does not depend on which one matched.
  return signedUrlCandidates(check.url)
    .map((url) => safeEqual(twilioSignature(check.authToken, url, check.params), signature))
    .reduce((a, b) => a || b, false);
}
