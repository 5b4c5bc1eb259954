/** The parts of {@link Config} that group one channel's or one concern's settings (parsed in `./index.ts`). */

/** Twilio (SMS, MMS, WhatsApp); enabled when the account SID, auth token and sender are set. */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** Sender: a phone number, a messaging service SID, or `whatsapp:+…`. */
  from: string;
  /** Base URL of Twilio's REST API; `TWILIO_API_URL`, default `https://api.twilio.com`. */
  apiUrl: string;
}

/** E-mail: inbound over a built-in SMTP listener or IMAP polling, outbound over SMTP. */
export interface EmailConfig {
  /** Port of the built-in inbound SMTP listener; `SMTP_LISTEN_PORT`. */
  listenPort: number | undefined;
  /** Mailbox polled for inbound mail; `IMAP_URL` (`imaps://user:pass@host/INBOX`). */
  imapUrl: string | undefined;
  /** Polling interval; `IMAP_POLL_SECONDS`, default 30. */
  imapPollSeconds: number;
  /** Outbound relay; `SMTP_URL` (`smtp://user:pass@host:587`). */
  smtpUrl: string;
  /** Sender address of replies; `EMAIL_FROM`. */
  from: string;
  /**
   * Spam score from which inbound mail is recorded but not answered, read from the relay's `X-Spam-Score` or
   * `X-Spam-Status: …score=` (SpamAssassin's default is 5.0); `EMAIL_SPAM_SCORE_THRESHOLD`, default unset: only the
   * relay's own flags (`X-Spam-Flag: YES`, `X-Spam-Status: Yes`, `X-Spam: yes`) mark spam.
   */
  spamScoreThreshold: number | undefined;
}

/** Slack app (customer channel and, later, agent desk); enabled when the signing secret and bot token are set. */
export interface SlackConfig {
  signingSecret: string;
  botToken: string;
  /** Socket Mode app-level token; `SLACK_APP_TOKEN`. */
  appToken: string | undefined;
  /** Web API base URL; `SLACK_API_URL`, default `https://slack.com/api/`. */
  apiUrl: string;
}

/**
 * Microsoft Bot Framework (Teams, Direct Line): on with an app id (JWT-validated), or in local emulator mode
 * (`BOTFRAMEWORK_EMULATOR=true`, no authentication, replies only to loopback addresses); off otherwise.
 */
export interface BotFrameworkConfig {
  appId: string | undefined;
  /** Accept unauthenticated activities from a Bot Framework Emulator on this machine; `BOTFRAMEWORK_EMULATOR`, default false. */
  emulator: boolean;
  /** The only port replies may go to in emulator mode; `BOTFRAMEWORK_EMULATOR_PORT`, default any loopback port. */
  emulatorPort: number | undefined;
  appPassword: string | undefined;
  tenantId: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  /** OpenID metadata URL of the channel service (tests point it at a local server). */
  openIdMetadata: string | undefined;
}

/** When a conversation goes to a person, beyond low retrieval confidence (see `dialogs/handoff`). */
export interface HandoffConfig {
  /** Refunds above this amount (any currency) go to a person; `PARLEY_HANDOFF_REFUND_LIMIT`, default 200. */
  refundLimit: number;
  /** Topics that always go to a person; `PARLEY_HANDOFF_SENSITIVE_TOPICS` (comma list), default `legal,safety,refund`. */
  sensitiveTopics: ('legal' | 'safety' | 'refund')[];
  /** VIP user ids, e-mail addresses and `@domain`s; `PARLEY_VIP_USERS` (comma list), default none. */
  vipUsers: string[];
  /** Failed answers after which a person takes over; `PARLEY_HANDOFF_MAX_FAILURES`, default 2. */
  maxFailures: number;
  /** Frustration score (−1…1) at or below which a person takes over; `PARLEY_FRUSTRATION_THRESHOLD`, default −0.5. */
  frustrationThreshold: number;
}

/** The agent desk and what happens when nobody is there (see README "Agent desk"). */
export interface AgentDeskConfig {
  /** Slack channel id escalations are posted in; `SLACK_ESCALATION_CHANNEL` (needs the Slack settings). */
  escalationChannel: string | undefined;
  /** Minutes between reminders about an unclaimed escalation; `PARLEY_HANDOFF_REMINDER_MINUTES`, default 5. */
  reminderMinutes: number;
  /** Minutes after which an unclaimed escalation gets the e-mail follow-up; `PARLEY_HANDOFF_CLAIM_TIMEOUT_MINUTES`, default 15. */
  claimTimeoutMinutes: number;
  /** Opening hours, e.g. `Mon-Fri 09:00-18:00`; `PARLEY_BUSINESS_HOURS`, default always open. */
  businessHours: string | undefined;
  /** IANA time zone of the opening hours; `PARLEY_BUSINESS_TIMEZONE`, default `UTC`. */
  timezone: string;
}

/** Zendesk Support as the handoff helpdesk; enabled when the URL, e-mail and API token are set. */
export interface ZendeskConfig {
  url: string;
  email: string;
  apiToken: string;
  /** Signing secret of the Zendesk webhook; `ZENDESK_WEBHOOK_SECRET` (without it `POST /webhooks/zendesk` is off). */
  webhookSecret: string | undefined;
}

/** Generic signed webhook of handoff events; `PARLEY_HANDOFF_WEBHOOK_URL` + `PARLEY_HANDOFF_WEBHOOK_SECRET`. */
export interface HandoffWebhookConfig {
  url: string;
  secret: string;
}

/** Answer generation: a chat model when configured, else the retrieval-based response composer (README "Generation"). */
export interface GenerationConfig {
  /** Chat model id (`gpt-4o-mini`, `ft:…`, a local server's model); `PARLEY_CHAT_MODEL`; the stored `generation.chatModel` setting wins. Default: none (composer). */
  chatModel: string | undefined;
  /** Longest wait for a model answer before the composer answers; `PARLEY_CHAT_TIMEOUT_MS`, default 15,000. */
  timeoutMs: number;
  /** Retries of a failed model call; `PARLEY_CHAT_RETRIES`, default 1. */
  retries: number;
  /** Extra or replacement prices (USD per million tokens) by model id; `PARLEY_CHAT_PRICES` (JSON). Default: built-in table. */
  prices: Record<string, { input: number; output: number }> | undefined;
}

/** Request limits per client address and time window (README "Rate limits"); the allow-listed addresses are exempt. */
export interface RateLimitConfig {
  /** New conversations per address per minute (`POST /api/chat` without a conversation id); `PARLEY_RATE_LIMIT_CONVERSATIONS`, default 30. */
  conversations: number;
  /** Messages per address per minute (`POST /api/chat` and web chat messages); `PARLEY_RATE_LIMIT_MESSAGES`, default 120. */
  messages: number;
  /** Photo uploads per address per minute; `PARLEY_RATE_LIMIT_UPLOADS`, default 30. */
  uploads: number;
  /** Dashboard sign-in attempts per address per minute; `PARLEY_RATE_LIMIT_LOGINS`, default 30 (the per-account throttle is separate). */
  logins: number;
  /** Messages per web chat connection per minute; `PARLEY_RATE_LIMIT_SOCKET_MESSAGES`, default 60 (applies to every address). */
  socketMessages: number;
  /** Addresses exempt from the per-address limits; `PARLEY_RATE_LIMIT_ALLOWLIST`, default loopback (load tests, a local proxy with `PARLEY_TRUST_PROXY`). */
  allowList: string[];
  /** Shared counters across instances; `REDIS_URL`, default in-process. */
  redisUrl: string | undefined;
}

/**
 * How Parley talks to PostgreSQL when it is unreliable (README "PostgreSQL outages"). A connection that fails any of
 * these marks the database unavailable: calls fail at once with `store_unavailable` until a probe succeeds again.
 */
export interface DatabaseResilienceConfig {
  /** PostgreSQL schema of Parley's tables (created if missing); `DATABASE_SCHEMA`, default `public`. */
  schema: string;
  /** Longest wait for a new connection; `PARLEY_DB_CONNECT_TIMEOUT_MS`, default 5,000. */
  connectTimeoutMs: number;
  /** Server-side limit of one statement (`statement_timeout`); `PARLEY_DB_STATEMENT_TIMEOUT_MS`, default 30,000. */
  statementTimeoutMs: number;
  /** Client-side limit of one query, network included (catches a silent network); `PARLEY_DB_QUERY_TIMEOUT_MS`, default 35,000. */
  queryTimeoutMs: number;
  /** Idle pooled connections are closed after this long; `PARLEY_DB_IDLE_TIMEOUT_MS`, default 30,000. */
  idleTimeoutMs: number;
  /** Timeout of the health probe (`/health`, and the probe that detects a silent network); `PARLEY_DB_HEALTH_TIMEOUT_MS`, default 1,500. */
  healthTimeoutMs: number;
  /** Longest delay between reconnection attempts (start-up and after an outage; backoff doubles up to it); `PARLEY_DB_RETRY_MAX_MS`, default 5,000. */
  retryMaxMs: number;
}
