import { createHmac, timingSafeEqual } from 'node:crypto';

/** Default lifetime of a conversation token: 24 hours, renewed with every reply (sliding). */
export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600;

/** Options of {@link ConversationTokens}. */
export interface ConversationTokenOptions {
  /** Secrets of earlier tokens, still accepted (never used to sign), so that rotating the secret ends no conversation. */
  previousSecrets?: readonly string[];
  /** Lifetime of a token from its signing (seconds); default {@link DEFAULT_TOKEN_TTL_SECONDS}. */
  ttlSeconds?: number;
  /** The clock (ms); default `Date.now`. */
  now?: () => number;
}

const MIN_SECRET = 32;

/**
 * Signs and checks per-conversation bearer tokens (`<conversationId>.<expiry>.<hmac>`, expiry in base-36 Unix
 * seconds), so that only whoever started a conversation can continue or read it, and only until the token expires.
 * Every reply carries a fresh token, so an ongoing conversation never expires; one left alone for the TTL does.
 * Tokens signed with a previous secret keep working until they expire. Pure: secrets and clock are injected.
 */
export class ConversationTokens {
  private readonly secrets: readonly string[];
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(secret: string, options: ConversationTokenOptions = {}) {
    for (const s of [secret, ...(options.previousSecrets ?? [])]) {
      if (s.length < MIN_SECRET) throw new Error(`token secret must be at least ${MIN_SECRET} characters`);
    }
    this.secrets = [secret, ...(options.previousSecrets ?? []).filter((s) => s !== secret)];
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS) * 1000;
    if (!(this.ttlMs > 0)) throw new Error('token lifetime must be positive');
    this.now = options.now ?? Date.now;
  }

  private static mac(secret: string, conversationId: string, expiry: string): string {
    return createHmac('sha256', secret).update(`conversation:${conversationId}:${expiry}`).digest('base64url');
  }

  /** A token granting access to `conversationId` until the TTL from now has passed (signed with the current secret). */
  sign(conversationId: string): string {
    const expiry = Math.ceil((this.now() + this.ttlMs) / 1000).toString(36);
    return `${conversationId}.${expiry}.${ConversationTokens.mac(this.secrets[0]!, conversationId, expiry)}`;
  }

  /** When `token` (valid for `conversationId`) expires, or undefined when it is not valid now. */
  expiresAt(conversationId: string, token: string | undefined): Date | undefined {
    if (!token || token.length > 600 || !token.startsWith(`${conversationId}.`)) return undefined;
    const rest = token.slice(conversationId.length + 1);
    const dot = rest.indexOf('.');
    if (dot <= 0) return undefined;
    const expiry = rest.slice(0, dot);
    const given = Buffer.from(rest.slice(dot + 1));
    if (!/^[0-9a-z]{1,10}$/.test(expiry)) return undefined;
    const expiresMs = parseInt(expiry, 36) * 1000;
    if (expiresMs <= this.now()) return undefined;
    // Every secret is compared (constant time each), so the timing does not tell which one matched.
    let valid = false;
    for (const secret of this.secrets) {
      const expected = Buffer.from(ConversationTokens.mac(secret, conversationId, expiry));
      if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
    }
    return valid ? new Date(expiresMs) : undefined;
  }

  /** True when `token` was signed for `conversationId` with the current or a previous secret and has not expired. */
  verify(conversationId: string, token: string | undefined): boolean {
    return this.expiresAt(conversationId, token) !== undefined;
  }
}
