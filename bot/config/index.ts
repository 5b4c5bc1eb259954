import { resolve } from 'node:path';
import { ParleyError } from '../core/index.js';
import { parseEndpointScopes } from './scopes.js';
import { LiveKnowledgeEnv, readLiveKnowledgeConfig, type LiveKnowledgeConfig } from './live-knowledge.js';
import { FactsEnv, readFactsConfig } from './facts.js';
import { FuzzEnv } from './fuzz.js';
import { JobsEnv, readJobsConfig, type JobsConfig } from './jobs.js';
import { EngagementEnv, readEngagementConfig, type EngagementConfig } from './engagement.js';
import { HubSpotEnv, readHubSpotConfig, type HubSpotConfig } from './hubspot.js';
import { SyncEnv, zendeskSyncConfig, type ZendeskSyncConfig } from './zendesk-sync.js';
import type { TwilioConfig, EmailConfig, SlackConfig, BotFrameworkConfig, HandoffConfig, AgentDeskConfig, ZendeskConfig, HandoffWebhookConfig, GenerationConfig, RateLimitConfig, DatabaseResilienceConfig } from './sections.js';
import { parseEnv } from './parse-env.js';
import { EnvSchema } from './env-schema.js';
import { readVisionConfig, VisionEnv, type VisionConfig } from './vision.js';
import { readStoreTextsConfig, StoreTextsEnv, type StoreTextsConfig } from './store-texts.js';
import { GanEnv, readGanConfig, type GanConfig } from './gan.js';

export type { EngagementConfig } from './engagement.js';
export type { HubSpotConfig } from './hubspot.js';
export type { LiveKnowledgeConfig } from './live-knowledge.js';
export type { VisionConfig } from './vision.js';
export type { StoreTextsConfig } from './store-texts.js';
export type { GanConfig } from './gan.js';
export { parseSince, type ZendeskSyncConfig } from './zendesk-sync.js';
export { envWith } from './parse-env.js';
export { EnvSchema } from './env-schema.js';
export type { TwilioConfig, EmailConfig, SlackConfig, BotFrameworkConfig, HandoffConfig, AgentDeskConfig, ZendeskConfig, HandoffWebhookConfig, GenerationConfig, RateLimitConfig, DatabaseResilienceConfig } from './sections.js';

/** Parley's configuration, read once from the environment (docs/configuration.md describes each variable). */
export interface Config extends VisionConfig, GanConfig, StoreTextsConfig {
  /** HTTP port; `PORT`, default 3000. */
  port: number;
  /** Interface to listen on; `HOST`, default `0.0.0.0`. */
  host: string;
  /** Folder for the embedded store and generated secrets; `PARLEY_HOME`, default `./.parley`. */
  home: string;
  /** PostgreSQL URL; when set the store runs on PostgreSQL instead of SQLite. */
  databaseUrl: string | undefined;
  /** Timeouts, reconnection backoff and schema of the PostgreSQL store (unused on SQLite). */
  database: DatabaseResilienceConfig;
  /**
   * How long a turn's lease on its inbox row lasts without a heartbeat (ms): a turn whose process died is run again
   * this long after its last heartbeat. `PARLEY_TURN_LEASE_SECONDS`, default 10 s.
   */
  turnLeaseMs: number;
  /** When set, `POST /api/chat` needs `Authorization: Bearer <apiKey>` to start conversations. */
  apiKey: string | undefined;
  /** Secret for conversation tokens; generated and kept in the store when unset. */
  tokenSecret: string | undefined;
  /** Earlier token secrets still accepted (not used to sign); `PARLEY_TOKEN_PREVIOUS_SECRETS` (comma list), default none. */
  tokenPreviousSecrets: string[];
  /** Lifetime of a conversation token, renewed with every reply; `PARLEY_TOKEN_TTL_HOURS`, default 24. */
  tokenTtlHours: number;
  /** Secret the operator's site signs web chat / REST user ids with (HMAC-SHA256, hex); `PARLEY_IDENTITY_SECRET`, default none (no verified web identities). */
  identitySecret: string | undefined;
  /**
   * Knowledge scope per channel endpoint, keys `twilio:<number>`, `email:<address>`, `slack:<team id>`,
   * `botframework:<app id>` (normalized); `PARLEY_SCOPES` (a JSON object), default none.
   */
  endpointScopes: Record<string, string>;
  /** Trust `X-Forwarded-For` from a reverse proxy (Fastify `trustProxy`: true, a hop count or addresses); `PARLEY_TRUST_PROXY`, default false. */
  trustProxy: boolean | number | string[];
  /** Per-address request limits. */
  rateLimits: RateLimitConfig;
  /** Ingest the bundled sample tickets when the store has none; `PARLEY_SAMPLE_DATA`, default true. */
  sampleData: boolean;
  /**
   * Retrieval confidence at or above which the bot answers; `PARLEY_ANSWER_THRESHOLD`, default 0.3. Used as set when
   * `fixedAnswerThreshold`, else only while the knowledge has too few held-out outcomes to select one for `targetPrecision`.
   */
  answerThreshold: number;
  /**
   * Share of answers that must be right: the answer threshold is selected on held-out folds of the tickets so that
   * answers reach it; `PARLEY_TARGET_PRECISION` (0–1), default 0.9.
   */
  targetPrecision: number;
  /** True when `PARLEY_ANSWER_THRESHOLD` was set: that threshold applies instead of the one selected for `targetPrecision`. */
  fixedAnswerThreshold: boolean;
  /** Confidence at or above which the bot asks a clarifying question instead of handing off; default 0.2. */
  clarifyThreshold: number;
  /** Hours a customer's uploaded photo is kept before it is deleted; `PARLEY_PHOTO_RETENTION_HOURS` (≥ 1), default 24. */
  photoRetentionHours: number;
  /** Days transcripts (messages, inbox and outbox rows) are kept; `PARLEY_TRANSCRIPT_RETENTION_DAYS` (≥ 1), default: kept. */
  transcriptRetentionDays: number | undefined;
  /** Minutes without messages after which a conversation is closed; `PARLEY_IDLE_CLOSE_MINUTES` (≥ 1), default 30. */
  idleCloseMinutes: number;
  /** Qdrant's URL; when set, ticket vectors live in Qdrant instead of the embedded index. */
  qdrantUrl: string | undefined;
  qdrantApiKey: string | undefined;
  /** Qdrant collection; `QDRANT_COLLECTION`, default `parley_tickets`. */
  qdrantCollection: string;
  /** Dense embeddings: `lsa` (default, learned from the tickets offline) or `openai` (needs `OPENAI_API_KEY`). */
  embeddings: 'lsa' | 'openai';
  /** Pre-trained word vectors the label models read: `glove` (default) or `none`. */
  wordVectors: 'glove' | 'none';
  /** OpenAI embedding model; `PARLEY_EMBEDDING_MODEL`, default `text-embedding-3-small`. */
  embeddingModel: string;
  openaiApiKey: string | undefined;
  /** An OpenAI-compatible server (vLLM, llama.cpp server, Ollama); `OPENAI_BASE_URL`. */
  openaiBaseUrl: string | undefined;
  /** A local GGUF chat model run in-process through node-llama-cpp (optional dependency); `PARLEY_LOCAL_MODEL`, default none. */
  localModel: string | undefined;
  /** A GGUF LoRA adapter applied to the local model; `PARLEY_LOCAL_LORA`, default none (needs `PARLEY_LOCAL_MODEL`). */
  localLora: string | undefined;
  /** Twilio settings when `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN` and `TWILIO_FROM` are set. */
  twilio: TwilioConfig | undefined;
  /** E-mail settings when `SMTP_URL` and `EMAIL_FROM` are set with `SMTP_LISTEN_PORT` or `IMAP_URL`. */
  email: EmailConfig | undefined;
  /** Slack settings when `SLACK_SIGNING_SECRET` and `SLACK_BOT_TOKEN` are set. */
  slack: SlackConfig | undefined;
  botFramework: BotFrameworkConfig;
  /** Candidate retrieval: keyword and dense fused (`hybrid`, default), or one alone (ablations, debugging). */
  retrievalMode: 'hybrid' | 'keyword' | 'dense';
  logLevel: 'info' | 'warn' | 'error';
  /** Tests that need PostgreSQL, Redis or Chromium fail instead of skipping when the service is missing (CI). */
  requireServices: boolean;
  /** Public origin of this server (`https://bot.example.com`), used for webhook URLs. */
  publicUrl: string | undefined;
  /**
   * The operator's own domains (`PARLEY_OPERATOR_DOMAINS`, comma-separated host names; sub-domains included). Tickets
   * and answers linking anywhere else are quarantined / refused. Default none: then only risky links (IP addresses,
   * shorteners, punycode, `user@host`) and links next to a request for card data, passwords or one-time codes are.
   */
  operatorDomains: string[];
  /** Handoff triggers: sensitive topics, refund limit, VIPs, repeated failures, frustration. */
  handoff: HandoffConfig;
  /** The agent desk (Slack escalation channel), reminders, business hours and the claim timeout. */
  agentDesk: AgentDeskConfig;
  /** Zendesk settings when `ZENDESK_URL`, `ZENDESK_EMAIL` and `ZENDESK_API_TOKEN` are set. */
  zendesk: ZendeskConfig | undefined;
  /** The server's scheduled Zendesk ticket sync (`ZENDESK_SYNC_MINUTES` > 0, with the Zendesk settings). */
  zendeskSync: ZendeskSyncConfig | undefined;
  /** The signed handoff webhook when `PARLEY_HANDOFF_WEBHOOK_URL` and `PARLEY_HANDOFF_WEBHOOK_SECRET` are set. */
  handoffWebhook: HandoffWebhookConfig | undefined;
  generation: GenerationConfig;
  /** Conversation scoring: `offline` deterministic scorers (default) or `llm` (LLM-as-judge on top); `PARLEY_EVAL_JUDGE`. */
  evalJudge: 'offline' | 'llm';
  /** Channels where the bot asks for a 1–5 rating after the customer's thanks; `PARLEY_CSAT_CHANNELS`, default those with quick replies. */
  csatChannels: string[];
  /** Hours a CX dashboard login lasts; `PARLEY_DASHBOARD_SESSION_HOURS`, default 12. */
  dashboardSessionHours: number;
  /** How tickets written by other processes are noticed (polling intervals). */
  liveKnowledge: LiveKnowledgeConfig;
  /** The operator's facts file (YAML or JSON) that fills answers' slots; `PARLEY_FACTS_FILE`, default none. */
  factsFile: string | undefined;
  /** The background job runner: where jobs are kept and whether the server runs them. */
  jobs: JobsConfig;
  /** Personalised engagement: the campaigns file and delivery defaults (`PARLEY_CAMPAIGNS_FILE`, `PARLEY_ENGAGE_*`). */
  engagement: EngagementConfig;
  /** The HubSpot contacts connector (`HUBSPOT_*`); undefined without `HUBSPOT_ACCESS_TOKEN`. */
  hubspot: HubSpotConfig | undefined;
}

/**
 * Reads and validates the configuration from `env` (default `process.env`), with `overrides` taking precedence.
 * Throws `config_invalid` naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv | undefined = process.env, overrides: Partial<Config> = {}): Config {
  const e = parseEnv(EnvSchema, env ?? process.env);
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    home: resolve(e.PARLEY_HOME),
    databaseUrl: e.DATABASE_URL,
    turnLeaseMs: e.PARLEY_TURN_LEASE_SECONDS * 1000,
    database: {
      schema: e.DATABASE_SCHEMA,
      connectTimeoutMs: e.PARLEY_DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.PARLEY_DB_STATEMENT_TIMEOUT_MS,
      queryTimeoutMs: e.PARLEY_DB_QUERY_TIMEOUT_MS,
      idleTimeoutMs: e.PARLEY_DB_IDLE_TIMEOUT_MS,
      healthTimeoutMs: e.PARLEY_DB_HEALTH_TIMEOUT_MS,
      retryMaxMs: e.PARLEY_DB_RETRY_MAX_MS,
    },
    apiKey: e.PARLEY_API_KEY,
    tokenSecret: e.PARLEY_TOKEN_SECRET,
    tokenPreviousSecrets: e.PARLEY_TOKEN_PREVIOUS_SECRETS,
    tokenTtlHours: e.PARLEY_TOKEN_TTL_HOURS,
    identitySecret: e.PARLEY_IDENTITY_SECRET,
    endpointScopes: parseEndpointScopes(e.PARLEY_SCOPES),
    trustProxy: e.PARLEY_TRUST_PROXY,
    rateLimits: {
      conversations: e.PARLEY_RATE_LIMIT_CONVERSATIONS,
      messages: e.PARLEY_RATE_LIMIT_MESSAGES,
      uploads: e.PARLEY_RATE_LIMIT_UPLOADS,
      logins: e.PARLEY_RATE_LIMIT_LOGINS,
      socketMessages: e.PARLEY_RATE_LIMIT_SOCKET_MESSAGES,
      allowList: e.PARLEY_RATE_LIMIT_ALLOWLIST.filter((a) => a.toLowerCase() !== 'none'),
      redisUrl: e.REDIS_URL,
    },
    sampleData: e.PARLEY_SAMPLE_DATA,
    answerThreshold: e.PARLEY_ANSWER_THRESHOLD,
    targetPrecision: e.PARLEY_TARGET_PRECISION,
    fixedAnswerThreshold: Boolean((env ?? process.env).PARLEY_ANSWER_THRESHOLD?.trim()),
    clarifyThreshold: e.PARLEY_CLARIFY_THRESHOLD,
    photoRetentionHours: e.PARLEY_PHOTO_RETENTION_HOURS,
    transcriptRetentionDays: e.PARLEY_TRANSCRIPT_RETENTION_DAYS,
    idleCloseMinutes: e.PARLEY_IDLE_CLOSE_MINUTES,
    qdrantUrl: e.QDRANT_URL,
    qdrantApiKey: e.QDRANT_API_KEY,
    qdrantCollection: e.QDRANT_COLLECTION,
    embeddings: e.PARLEY_EMBEDDINGS,
    wordVectors: e.PARLEY_WORD_VECTORS,
    embeddingModel: e.PARLEY_EMBEDDING_MODEL,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    localModel: e.PARLEY_LOCAL_MODEL === undefined ? undefined : resolve(e.PARLEY_LOCAL_MODEL),
    localLora: e.PARLEY_LOCAL_LORA === undefined ? undefined : resolve(e.PARLEY_LOCAL_LORA),
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
        ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM, apiUrl: e.TWILIO_API_URL.replace(/\/+$/, '') }
        : undefined,
    email:
      e.SMTP_URL && e.EMAIL_FROM && (e.SMTP_LISTEN_PORT !== undefined || e.IMAP_URL)
        ? {
            listenPort: e.SMTP_LISTEN_PORT,
            imapUrl: e.IMAP_URL,
            imapPollSeconds: e.IMAP_POLL_SECONDS,
            smtpUrl: e.SMTP_URL,
            from: e.EMAIL_FROM,
            spamScoreThreshold: e.EMAIL_SPAM_SCORE_THRESHOLD,
          }
        : undefined,
    slack:
      e.SLACK_SIGNING_SECRET && e.SLACK_BOT_TOKEN
        ? { signingSecret: e.SLACK_SIGNING_SECRET, botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL }
        : undefined,
    botFramework: {
      appId: e.MICROSOFT_APP_ID,
      emulator: e.BOTFRAMEWORK_EMULATOR,
      emulatorPort: e.BOTFRAMEWORK_EMULATOR_PORT,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      appType: e.MICROSOFT_APP_TYPE,
      openIdMetadata: e.BOTFRAMEWORK_OPENID_METADATA,
    },
    retrievalMode: e.PARLEY_RETRIEVAL_MODE,
    logLevel: e.PARLEY_LOG_LEVEL,
    requireServices: e.PARLEY_REQUIRE_SERVICES,
    publicUrl: e.PUBLIC_URL,
    operatorDomains: [...new Set(e.PARLEY_OPERATOR_DOMAINS)],
    handoff: {
      refundLimit: e.PARLEY_HANDOFF_REFUND_LIMIT,
      sensitiveTopics: [...new Set(e.PARLEY_HANDOFF_SENSITIVE_TOPICS)],
      vipUsers: e.PARLEY_VIP_USERS,
      maxFailures: e.PARLEY_HANDOFF_MAX_FAILURES,
      frustrationThreshold: e.PARLEY_FRUSTRATION_THRESHOLD,
    },
    agentDesk: {
      escalationChannel: e.SLACK_ESCALATION_CHANNEL,
      reminderMinutes: e.PARLEY_HANDOFF_REMINDER_MINUTES,
      claimTimeoutMinutes: e.PARLEY_HANDOFF_CLAIM_TIMEOUT_MINUTES,
      businessHours: e.PARLEY_BUSINESS_HOURS?.trim() || undefined,
      timezone: e.PARLEY_BUSINESS_TIMEZONE,
    },
    zendesk:
      e.ZENDESK_URL && e.ZENDESK_EMAIL && e.ZENDESK_API_TOKEN
        ? { url: e.ZENDESK_URL.replace(/\/+$/, ''), email: e.ZENDESK_EMAIL, apiToken: e.ZENDESK_API_TOKEN, webhookSecret: e.ZENDESK_WEBHOOK_SECRET }
        : undefined,
    zendeskSync: zendeskSyncConfig(env ?? process.env, Boolean(e.ZENDESK_URL && e.ZENDESK_EMAIL && e.ZENDESK_API_TOKEN)),
    handoffWebhook: e.PARLEY_HANDOFF_WEBHOOK_URL && e.PARLEY_HANDOFF_WEBHOOK_SECRET ? { url: e.PARLEY_HANDOFF_WEBHOOK_URL, secret: e.PARLEY_HANDOFF_WEBHOOK_SECRET } : undefined,
    generation: { chatModel: e.PARLEY_CHAT_MODEL, timeoutMs: e.PARLEY_CHAT_TIMEOUT_MS, retries: e.PARLEY_CHAT_RETRIES, prices: e.PARLEY_CHAT_PRICES },
    evalJudge: e.PARLEY_EVAL_JUDGE,
    csatChannels: e.PARLEY_CSAT_CHANNELS,
    dashboardSessionHours: e.PARLEY_DASHBOARD_SESSION_HOURS,
    liveKnowledge: readLiveKnowledgeConfig(env ?? process.env),
    ...readFactsConfig(env ?? process.env),
    ...readVisionConfig(env ?? process.env),
    ...readStoreTextsConfig(env ?? process.env),
    ...readGanConfig(env ?? process.env),
    jobs: readJobsConfig(env ?? process.env, e.REDIS_URL),
    ...readEngagementConfig(env ?? process.env),
    ...readHubSpotConfig(env ?? process.env),
    ...overrides,
  };
  const partial = (name: string, vars: (string | number | undefined)[], all: string[]) => {
    if (vars.some((v) => v !== undefined) && vars.some((v) => v === undefined)) {
      throw new ParleyError('config_invalid', `invalid configuration: ${name} needs all of ${all.join(', ')}`);
    }
  };
  partial('Twilio', [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM], ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']);
  partial('Slack', [e.SLACK_SIGNING_SECRET, e.SLACK_BOT_TOKEN], ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN']);
  partial('Zendesk', [e.ZENDESK_URL, e.ZENDESK_EMAIL, e.ZENDESK_API_TOKEN], ['ZENDESK_URL', 'ZENDESK_EMAIL', 'ZENDESK_API_TOKEN']);
  partial('the handoff webhook', [e.PARLEY_HANDOFF_WEBHOOK_URL, e.PARLEY_HANDOFF_WEBHOOK_SECRET], ['PARLEY_HANDOFF_WEBHOOK_URL', 'PARLEY_HANDOFF_WEBHOOK_SECRET']);
  if (e.SLACK_ESCALATION_CHANNEL && !e.SLACK_BOT_TOKEN) {
    throw new ParleyError('config_invalid', 'invalid configuration: SLACK_ESCALATION_CHANNEL needs the Slack app settings SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN');
  }
  if (e.ZENDESK_WEBHOOK_SECRET && !e.ZENDESK_URL) {
    throw new ParleyError('config_invalid', 'invalid configuration: ZENDESK_WEBHOOK_SECRET needs ZENDESK_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN');
  }
  if ((e.SMTP_LISTEN_PORT !== undefined || e.IMAP_URL) && (!e.SMTP_URL || !e.EMAIL_FROM)) {
    throw new ParleyError('config_invalid', 'invalid configuration: e-mail (SMTP_LISTEN_PORT or IMAP_URL) needs SMTP_URL and EMAIL_FROM for replies');
  }
  if (config.localLora && !config.localModel) {
    throw new ParleyError('config_invalid', 'invalid configuration: PARLEY_LOCAL_LORA needs PARLEY_LOCAL_MODEL (the base model the adapter was trained on)');
  }
  if (config.embeddings === 'openai' && !config.openaiApiKey) {
    throw new ParleyError('config_invalid', 'invalid configuration: PARLEY_EMBEDDINGS=openai needs OPENAI_API_KEY');
  }
  if (config.clarifyThreshold > config.answerThreshold) {
    throw new ParleyError('config_invalid', 'invalid configuration: PARLEY_CLARIFY_THRESHOLD must not exceed PARLEY_ANSWER_THRESHOLD');
  }
  return config;
}

/** Every schema of environment variables Parley reads, in the order of the configuration reference. */
export const ENV_SCHEMAS = [EnvSchema, LiveKnowledgeEnv, SyncEnv, FactsEnv, VisionEnv, GanEnv, JobsEnv, EngagementEnv, HubSpotEnv, FuzzEnv, StoreTextsEnv] as const;

export { readFuzzConfig, type FuzzConfig } from './fuzz.js';
export type { JobsConfig } from './jobs.js';
