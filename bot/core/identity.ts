import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Conversation metadata key holding a customer id the operator's site vouched for (web chat, REST): set only when
 * the id came with a valid {@link identityHash}. Identity-based rules (VIP) trust this, never a self-chosen user id.
 */
export const VERIFIED_USER_ID = 'verifiedUserId';

/**
 * The hash an operator's server computes for a signed-in user and hands to the widget (`data-parley-user-hash`) or
 * sends with `POST /api/chat` (`userHash`): hex HMAC-SHA256 of the user id with `PARLEY_IDENTITY_SECRET`, as chat
 * vendors' identity verification does.
 */
export function identityHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** True when `hash` is {@link identityHash} of `userId` (constant-time; case-insensitive hex); false without a secret. Pure. */
export function verifyIdentity(secret: string | undefined, userId: string, hash: unknown): boolean {
  if (!secret || typeof hash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hash)) return false;
  const expected = Buffer.from(identityHash(secret, userId), 'hex');
  return timingSafeEqual(expected, Buffer.from(hash, 'hex'));
}
