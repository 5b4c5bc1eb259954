import type { ConversationRecord } from '../bot/core/store.js';

/** Roles of dashboard users: `admin` manages users and grants, `cx_lead` reviews everything, `agent` sees only grants. */
export type DashboardRole = 'admin' | 'cx_lead' | 'agent';

/** Every dashboard role, most powerful first. */
export const DASHBOARD_ROLES: readonly DashboardRole[] = ['admin', 'cx_lead', 'agent'];

/** A dashboard user; `passwordHash` is a self-describing scrypt hash (never the password). */
export interface DashboardUser {
  id: string;
  email: string;
  role: DashboardRole;
  passwordHash: string;
  createdAt: string;
}

/** A server-side dashboard session; `id` is the SHA-256 of the cookie value, so a leaked table cannot log anyone in. */
export interface DashboardSession {
  id: string;
  userId: string;
  /** Token every state-changing request must echo in `x-csrf-token`. */
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

/** What an admin granted an agent: every conversation of a channel, or one conversation. */
export interface AccessGrant {
  userId: string;
  kind: 'channel' | 'conversation';
  value: string;
  createdAt?: string;
}

/** A reviewer's label on a conversation (e.g. `wrong answer`, `good handoff`). */
export interface ConversationLabel {
  id: string;
  conversationId: string;
  label: string;
  userId: string;
  createdAt: string;
}

/** A reviewer's free-text note on a conversation. */
export interface ConversationNote {
  id: string;
  conversationId: string;
  text: string;
  userId: string;
  createdAt: string;
}

/** The 1–5 rating a customer gave a conversation. */
export interface CsatRecord {
  conversationId: string;
  rating: number;
  createdAt: string;
}

/** The stored result of scoring one conversation (see `evaluations/scorers`). */
export interface ConversationScore {
  conversationId: string;
  /** Overall score 0–1, higher is better. */
  score: number;
  /** Problems found, e.g. `ungrounded answer`, `late handoff`, `repeated question`. */
  flags: string[];
  /** Named figures: groundedness, relevance, sentiment, firstResponseMs, handlingMs, csat, corrections, … (null: not applicable). */
  metrics: Record<string, number | boolean | null>;
  /** Per-answer scores and other evidence (answer ids, sources, judge prompt and response). */
  details: Record<string, unknown>;
  /** `offline` (deterministic scorers) or `llm` (LLM-as-judge on top of them). */
  judge: 'offline' | 'llm';
  scoredAt: string;
  /** The knowledge scope the conversation was answered from (null or absent: none), recorded with its score. */
  scope?: string | null;
}

/**
 * Who a conversation is with, as the dashboard lists it: the customer's name (their engagement profile's, else the
 * name their channel gave with the first message), their address on the channel (`userId`: a phone number, an e-mail
 * address, a Slack or web chat user id) and the first thing they wrote.
 */
export interface ConversationCustomer {
  name: string | null;
  handle: string;
  firstMessage: string | null;
}

/** A conversation with its score (if scored), as the dashboard lists it. */
export interface ScoredConversation {
  conversation: ConversationRecord;
  score: ConversationScore | undefined;
  /** Set when the filter asked for it (`withCustomer`). */
  customer?: ConversationCustomer;
}

/** Which conversations a reader may see: all, or those of some channels and some ids. */
export type ConversationAccess = 'all' | { channels: string[]; conversationIds: string[] };

/** Filters of {@link EvaluationStore.listScoredConversations}; every field is optional and they combine with AND. */
export interface ConversationFilter {
  /** Created at or after (ISO 8601). */
  since?: string;
  /** Created before (ISO 8601). */
  until?: string;
  channel?: string;
  handoffReason?: string;
  minScore?: number;
  maxScore?: number;
  /** Only conversations whose score carries this flag. */
  flag?: string;
  /** Only conversations with a message containing this text (case-insensitive). */
  text?: string;
  /** Only conversations with this reviewer label. */
  label?: string;
  /**
   * Only conversations with this customer (case-insensitive, part of it): their address on the channel (`userId`),
   * their profile's name, or the name their channel gave.
   */
  customer?: string;
  /**
   * Only conversations where the customer wrote at least once: a widget opened on a page starts a conversation before
   * any message, and such visits would fill the list and the totals. Default false (every conversation).
   */
  withCustomerMessage?: boolean;
  /** Adds {@link ConversationCustomer} to each row (the list and CSV; charts leave it out). */
  withCustomer?: boolean;
  /** Only conversations of this knowledge scope; `'*'` (`SHARED_SCOPE`): conversations without a scope. */
  scope?: string;
  /** Who is reading; default `all`. */
  access?: ConversationAccess;
  /** Newest first; default 100, at most 10,000. */
  limit?: number;
  offset?: number;
}

/**
 * Persistence of evaluations and the CX dashboard: scores, CSAT, dashboard users, sessions and grants, reviewer labels
 * and notes. Everything kept for a conversation is deleted with it.
 */
/**
 * The form a dashboard login name (e-mail) is stored, looked up and throttled under: Unicode NFKC, trimmed, lower
 * case, so that `" Admin@Example.com "` or full-width letters are the same account everywhere. Pure.
 */
export function normalizeLoginName(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** Failed dashboard sign-ins under one throttle key (`account:…`, `address:…` or `pair:…`). */
export interface LoginThrottleRecord {
  key: string;
  /** Failures since the counter last reset (a success, or no failure for the throttle window). */
  failures: number;
  lastFailureAt: string | null;
  lastSuccessAt: string | null;
}

export interface EvaluationStore {
  saveScore(score: ConversationScore): Promise<void>;
  getScore(conversationId: string): Promise<ConversationScore | undefined>;
  /**
   * Conversations to score now, oldest first: those with a bot reply and no score yet (open ones included, so the
   * dashboard shows them at once), and closed ones without a score or scored before their last change (re-scored on close).
   * With `refresh`, open conversations too: those scored before `refresh.changedBefore` that changed or got a message
   * since, and handed-off ones scored before `refresh.waitingBefore` (how long they have waited for a person counts).
   */
  listDueForScoring(limit: number, refresh?: { changedBefore: string; waitingBefore: string }): Promise<ConversationRecord[]>;
  listScoredConversations(filter?: ConversationFilter): Promise<ScoredConversation[]>;

  /** Records (or replaces) the customer's rating of a conversation; `rating` must be a whole number 1–5. */
  recordCsat(conversationId: string, rating: number): Promise<CsatRecord>;
  getCsat(conversationId: string): Promise<CsatRecord | undefined>;

  /** Creates a user; `duplicate_user` when the e-mail (case-insensitive) exists. */
  createUser(input: { email: string; role: DashboardRole; passwordHash: string }): Promise<DashboardUser>;
  getUser(id: string): Promise<DashboardUser | undefined>;
  getUserByEmail(email: string): Promise<DashboardUser | undefined>;
  listUsers(): Promise<DashboardUser[]>;
  updateUser(id: string, patch: { role?: DashboardRole; passwordHash?: string }): Promise<DashboardUser>;

  createSession(session: DashboardSession): Promise<void>;
  /** The session with this id unless it expired by `now` (ISO 8601). */
  getSession(id: string, now: string): Promise<DashboardSession | undefined>;
  deleteSession(id: string): Promise<void>;
  deleteExpiredSessions(now: string): Promise<number>;

  /** The throttle state of `keys` (absent keys have none). */
  getLoginThrottle(keys: readonly string[]): Promise<LoginThrottleRecord[]>;
  /** Counts a failed sign-in under each key at `at`; a counter whose last failure is before `resetBefore` starts again at 1. */
  recordLoginFailure(keys: readonly string[], at: string, resetBefore: string): Promise<void>;
  /** Clears the failures of each key and notes a success at `at`; forgets keys idle since before `forgetBefore`. */
  recordLoginSuccess(keys: readonly string[], at: string, forgetBefore: string): Promise<void>;

  addGrant(grant: AccessGrant): Promise<void>;
  removeGrant(grant: AccessGrant): Promise<boolean>;
  listGrants(userId: string): Promise<AccessGrant[]>;

  addLabel(input: { conversationId: string; label: string; userId: string }): Promise<ConversationLabel>;
  removeLabel(id: string): Promise<boolean>;
  listLabels(conversationId: string): Promise<ConversationLabel[]>;
  addNote(input: { conversationId: string; text: string; userId: string }): Promise<ConversationNote>;
  listNotes(conversationId: string): Promise<ConversationNote[]>;
}
