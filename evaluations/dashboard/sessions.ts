import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeLoginName } from '../store.js';
import { ParleyError, type ConversationAccess, type DashboardSession, type DashboardUser, type Store } from '../../bot/core/index.js';
import { verifyPassword } from './passwords.js';
import { DEFAULT_LOGIN_THROTTLE, loginWaitMs, throttleKeys, type LoginThrottlePolicy } from './throttle.js';

/** Name of the session cookie (httpOnly, SameSite=Strict, path `/dashboard`). */
export const SESSION_COOKIE = 'parley_session';
/** Name of the pre-login CSRF cookie (double-submitted by the login form). */
export const LOGIN_CSRF_COOKIE = 'parley_login_csrf';
/** Header that must carry the session's CSRF token on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

/** Who is making a dashboard request. */
export interface Viewer {
  user: DashboardUser;
  session: DashboardSession;
}

/** Options of {@link Sessions}. */
export interface SessionOptions {
  store: Store;
  /** How long a login lasts; default 12 hours. */
  sessionHours?: number;
  /** Adds `Secure` to the cookies (serve the dashboard over HTTPS: `PUBLIC_URL` is https). Default false. */
  secureCookies?: boolean;
  /** The clock; default `Date.now`. */
  now?: () => number;
  /** How failed sign-ins slow further ones; default {@link DEFAULT_LOGIN_THROTTLE}. */
  throttle?: LoginThrottlePolicy;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Constant-time comparison of two tokens (false for different lengths or missing values). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Reads one cookie from the request's `Cookie` header. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Server-side dashboard sessions: login with e-mail and password, cookie handling, CSRF checks and access scopes. */
export class Sessions {
  constructor(private readonly options: SessionOptions) {}

  private get policy(): LoginThrottlePolicy {
    return this.options.throttle ?? DEFAULT_LOGIN_THROTTLE;
  }

  /** The throttle keys of a sign-in attempt: the normalized login name (what the look-up uses) and the address. */
  private keys(email: unknown, address: string): ReturnType<typeof throttleKeys> {
    return throttleKeys(typeof email === 'string' ? normalizeLoginName(email).slice(0, 254) : '', address);
  }

  /**
   * Milliseconds before a sign-in to `email` from `address` may be tried (0: now), from the counters in the store, so
   * that every server instance applies the same throttle. See {@link loginWaitMs}.
   */
  async waitMs(email: unknown, address: string): Promise<number> {
    const keys = this.keys(email, address);
    const records = await this.options.store.evaluations.getLoginThrottle([keys.account, keys.address, keys.pair]);
    return loginWaitMs(records, keys, this.now(), this.policy);
  }

  private async recordFailure(email: unknown, address: string): Promise<void> {
    const keys = this.keys(email, address);
    const at = this.now();
    await this.options.store.evaluations.recordLoginFailure([keys.account, keys.address, keys.pair], new Date(at).toISOString(), new Date(at - this.policy.windowMs).toISOString());
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** `Set-Cookie` value for `name`; `maxAge` 0 clears it. */
  cookie(name: string, value: string, maxAgeSeconds: number): string {
    return `${name}=${encodeURIComponent(value)}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${this.options.secureCookies ? '; Secure' : ''}`;
  }

  /** A fresh token for the login form's double-submit CSRF check. */
  loginCsrfToken(): string {
    return randomBytes(24).toString('base64url');
  }

  /**
   * Checks e-mail and password and opens a session; `unauthorized` with one message for an unknown e-mail and a wrong
   * password alike. Returns the cookie value (only its hash is stored) and the session.
   */
  async login(email: unknown, password: unknown, address: string): Promise<{ token: string; viewer: Viewer }> {
    const failed = new ParleyError('unauthorized', 'wrong e-mail or password');
    if (typeof email !== 'string' || typeof password !== 'string' || !email || !password || password.length > 200 || email.length > 1000) {
      await this.recordFailure(email, address);
      throw failed;
    }
    // The same normalized name for the look-up and the throttle: padding or case cannot dodge the counters.
    const user = await this.options.store.evaluations.getUserByEmail(normalizeLoginName(email));
    // Hash anyway for unknown users, so response times do not tell which e-mails exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA');
    if (!user || !ok) {
      await this.recordFailure(email, address);
      throw failed;
    }
    const keys = this.keys(email, address);
    const at = this.now();
    // The address's counter is left alone: one good password does not excuse guessing at other accounts.
    await this.options.store.evaluations.recordLoginSuccess([keys.account, keys.pair], new Date(at).toISOString(), new Date(at - this.policy.trustedAddressMs).toISOString());
    const token = randomBytes(32).toString('base64url');
    const session: DashboardSession = {
      id: hashToken(token),
      userId: user.id,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: new Date(at).toISOString(),
      expiresAt: new Date(at + (this.options.sessionHours ?? 12) * 3_600_000).toISOString(),
    };
    await this.options.store.evaluations.createSession(session);
    await this.options.store.evaluations.deleteExpiredSessions(new Date(at).toISOString());
    return { token, viewer: { user, session } };
  }

  /** Seconds a new session cookie lives. */
  get maxAgeSeconds(): number {
    return Math.round((this.options.sessionHours ?? 12) * 3600);
  }

  /** The viewer of a request with a live session cookie, else undefined. */
  async viewer(request: FastifyRequest): Promise<Viewer | undefined> {
    const token = readCookie(request, SESSION_COOKIE);
    if (!token || token.length > 100) return undefined;
    const session = await this.options.store.evaluations.getSession(hashToken(token), new Date(this.now()).toISOString());
    if (!session) return undefined;
    const user = await this.options.store.evaluations.getUser(session.userId);
    return user ? { user, session } : undefined;
  }

  /** Ends the session and clears its cookie. */
  async logout(viewer: Viewer, reply: FastifyReply): Promise<void> {
    await this.options.store.evaluations.deleteSession(viewer.session.id);
    reply.header('set-cookie', this.cookie(SESSION_COOKIE, '', 0));
  }

  /** Which conversations `user` may see: admins and CX leads all; agents only what an admin granted (default none). */
  async access(user: DashboardUser): Promise<ConversationAccess> {
    if (user.role !== 'agent') return 'all';
    const grants = await this.options.store.evaluations.listGrants(user.id);
    return {
      channels: grants.filter((g) => g.kind === 'channel').map((g) => g.value),
      conversationIds: grants.filter((g) => g.kind === 'conversation').map((g) => g.value),
    };
  }
}
