import { createHmac } from 'node:crypto';
import { ParleyError, safeEqual } from '../../bot/core/index.js';

/** Header of Zendesk's webhook signature (base64 HMAC-SHA256). */
export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
/** Header of the timestamp the signature covers. */
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
/** How far a webhook's timestamp may be from the local clock (seconds) before it is taken for a replay. */
export const ZENDESK_TOLERANCE_SECONDS = 5 * 60;

/** Zendesk's webhook signature: base64 of HMAC-SHA256 over `timestamp + body`, keyed with the webhook's signing secret. */
export function computeZendeskSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(timestamp).update(rawBody).digest('base64');
}

/**
 * Verifies a Zendesk webhook (pure: injectable clock, constant-time compare). Throws `unauthorized` when a header is
 * missing, the timestamp is unreadable or more than {@link ZENDESK_TOLERANCE_SECONDS} away from `now`, or the
 * signature does not match the exact body.
 */
export function verifyZendeskSignature(input: { secret: string; signature: string | undefined; timestamp: string | undefined; rawBody: string | Buffer; now?: () => number }): void {
  const { signature, timestamp } = input;
  if (!signature) throw new ParleyError('unauthorized', `missing ${ZENDESK_SIGNATURE_HEADER} header`);
  if (!timestamp) throw new ParleyError('unauthorized', `missing ${ZENDESK_TIMESTAMP_HEADER} header`);
  const at = Date.parse(timestamp);
  if (!Number.isFinite(at)) throw new ParleyError('unauthorized', `${ZENDESK_TIMESTAMP_HEADER} is not a timestamp`);
  if (Math.abs((input.now ?? Date.now)() - at) > ZENDESK_TOLERANCE_SECONDS * 1000) {
    throw new ParleyError('unauthorized', `${ZENDESK_TIMESTAMP_HEADER} is more than 5 minutes from the server clock (replayed or stale request)`);
  }
  if (!safeEqual(computeZendeskSignature(input.secret, timestamp, input.rawBody), signature)) {
    throw new ParleyError('unauthorized', `${ZENDESK_SIGNATURE_HEADER} does not match the request body`);
  }
}
