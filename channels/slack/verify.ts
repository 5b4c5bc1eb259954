import { createHmac } from 'node:crypto';
import { ParleyError, safeEqual } from '../../bot/core/index.js';

/** How far a request's `X-Slack-Request-Timestamp` may be from the local clock (seconds): Slack's 5 minutes. */
export const SLACK_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** What {@link verifySlackSignature} checks: the signing secret, the two Slack headers and the exact raw body. */
export interface SlackSignatureInput {
  signingSecret: string;
  /** `X-Slack-Signature`, e.g. `v0=a2114d…`. */
  signature: string | undefined;
  /** `X-Slack-Request-Timestamp`: Unix seconds. */
  timestamp: string | undefined;
  /** The request body exactly as received (before any parsing). */
  rawBody: string | Buffer;
  /** Current time in milliseconds; default `Date.now()` (tests inject a fixed clock). */
  now?: () => number;
}

/** Slack's v0 signature of a request: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` keyed with the signing secret. */
export function computeSlackSignature(signingSecret: string, timestamp: string, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Verifies a request from Slack (pure: no I/O, injectable clock, constant-time compare). Throws `unauthorized` with
 * the reason when a header is missing or malformed, the timestamp is more than {@link SLACK_TIMESTAMP_TOLERANCE_SECONDS}
 * from `now` (either way: a replay or a skewed clock), or the signature does not match.
 */
export function verifySlackSignature(input: SlackSignatureInput): void {
  if (!input.signingSecret) throw new ParleyError('unauthorized', 'the Slack signing secret is not configured');
  const { signature, timestamp } = input;
  if (!signature) throw new ParleyError('unauthorized', 'missing X-Slack-Signature header');
  if (!timestamp) throw new ParleyError('unauthorized', 'missing X-Slack-Request-Timestamp header');
  if (!/^\d{1,12}$/.test(timestamp)) throw new ParleyError('unauthorized', 'X-Slack-Request-Timestamp must be Unix seconds');
  const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_SECONDS) {
    throw new ParleyError('unauthorized', 'X-Slack-Request-Timestamp is more than 5 minutes from the server clock (replayed or stale request)');
  }
  if (!signature.startsWith('v0=')) throw new ParleyError('unauthorized', 'unknown X-Slack-Signature version (expected v0=)');
  const expected = computeSlackSignature(input.signingSecret, timestamp, input.rawBody);
  if (!safeEqual(expected, signature)) throw new ParleyError('unauthorized', 'X-Slack-Signature does not match the request body');
}

/** True when {@link verifySlackSignature} accepts the request. */
export function isValidSlackSignature(input: SlackSignatureInput): boolean {
  try {
    verifySlackSignature(input);
    return true;
  } catch {
    return false;
  }
}
