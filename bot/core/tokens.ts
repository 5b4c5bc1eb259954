import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs and checks per-conversation bearer tokens (`<conversationId>.<hmac>`), so that only whoever started a
 * conversation can continue or read it. Pure: the secret is injected.
 */
export class ConversationTokens {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('token secret must be at least 32 characters');
  }

  private mac(conversationId: string): string {
    return createHmac('sha256', this.secret).update(`conversation:${conversationId}`).digest('base64url');
  }

  /** A token granting access to `conversationId`. */
  sign(conversationId: string): string {
    return `${conversationId}.${this.mac(conversationId)}`;
  }

  /** True when `token` was signed for `conversationId` with this secret (constant-time compare). */
  verify(conversationId: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(this.sign(conversationId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
