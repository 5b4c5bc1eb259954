import twilio from 'twilio';

/** Form parameters of a Twilio webhook: one value per name, or several when a name repeats. */
export type TwilioParams = Record<string, string | string[]>;

/** Name of the header carrying Twilio's request signature. */
export const SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio's request signature: HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio requested
 * followed by every POST parameter's name and value, names sorted (values of a repeated name sorted too), in base64.
 * Computed by the `twilio` SDK (`getExpectedTwilioSignature`); see
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
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
 * True when `signature` is Twilio's signature of the request, decided exactly as the official SDK's
 * `validateRequest` does (constant-time compares): the URL as received, with and without its port (Twilio may sign
 * `https://host:8443/…` or `https://host/…` behind a proxy), then the URL as `new URL()` normalizes it, with and
 * without the legacy query-string encoding (`'` versus `%27`). Pure: Twilio signs no timestamp, so there is no clock
 * to inject; replays are made harmless by the inbox's idempotency on `MessageSid`. A URL that cannot be parsed fails.
 */
export function verifyTwilioSignature(check: SignatureCheck): boolean {
  const { signature } = check;
  if (!signature || !check.authToken) return false;
  try {
    return twilio.validateRequest(check.authToken, signature, check.url, check.params);
  } catch {
    // validateRequest normalizes the URL with `new URL()`, which throws on a URL it cannot parse: not a valid request.
    return false;
  }
}
