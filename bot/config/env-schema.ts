import { z } from 'zod';
import { booleanFlag } from './parse-env.js';

const fraction = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

/** A comma-separated list ("a, b ,c"), trimmed, without empty entries. */
const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

/** Topics the handoff policy can treat as sensitive. */
const SENSITIVE_TOPICS = ['legal', 'safety', 'refund'] as const;

/** The environment variables of the main configuration (see docs/configuration.md, generated from it). */
export const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PARLEY_HOME: z.string().min(1).default('./.parley'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PARLEY_TURN_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(10),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier').default('public'),
  PARLEY_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  PARLEY_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  PARLEY_DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(35_000),
  PARLEY_DB_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  PARLEY_DB_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(1_500),
  PARLEY_DB_RETRY_MAX_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  PARLEY_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PARLEY_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PARLEY_TOKEN_PREVIOUS_SECRETS: commaList('').pipe(z.array(z.string().min(32, 'each previous secret must be at least 32 characters'))),
  PARLEY_TOKEN_TTL_HOURS: z.coerce.number().min(0.05).max(24 * 365).default(24),
  PARLEY_IDENTITY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PARLEY_SCOPES: z.string().optional(),
  PARLEY_TRUST_PROXY: z
    .string()
    .optional()
    .transform((value) => {
      const text = value?.trim();
      if (!text || ['false', '0', 'no'].includes(text)) return false;
      if (['true', 'yes'].includes(text)) return true;
      return /^\d+$/.test(text) ? Number(text) : text.split(',').map((item) => item.trim()).filter(Boolean);
    }),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  PARLEY_RATE_LIMIT_CONVERSATIONS: z.coerce.number().int().min(1).default(30),
  PARLEY_RATE_LIMIT_MESSAGES: z.coerce.number().int().min(1).default(120),
  PARLEY_RATE_LIMIT_UPLOADS: z.coerce.number().int().min(1).default(30),
  PARLEY_RATE_LIMIT_LOGINS: z.coerce.number().int().min(1).default(30),
  PARLEY_RATE_LIMIT_SOCKET_MESSAGES: z.coerce.number().int().min(1).default(60),
  PARLEY_RATE_LIMIT_ALLOWLIST: commaList('127.0.0.1,::1,::ffff:127.0.0.1'),
  PARLEY_SAMPLE_DATA: booleanFlag(true),
  PARLEY_ANSWER_THRESHOLD: fraction(0.3),
  PARLEY_TARGET_PRECISION: fraction(0.9),
  PARLEY_CLARIFY_THRESHOLD: fraction(0.2),
  PARLEY_PHOTO_RETENTION_HOURS: z.coerce.number().min(1).default(24),
  PARLEY_TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  PARLEY_IDLE_CLOSE_MINUTES: z.coerce.number().int().min(1).default(30),
  QDRANT_URL: z.url().optional(),
  QDRANT_API_KEY: z.string().min(1).optional(),
  QDRANT_COLLECTION: z.string().regex(/^[\w-]{1,255}$/, 'letters, digits, _ and - only').default('parley_tickets'),
  PARLEY_EMBEDDINGS: z.enum(['lsa', 'openai']).default('lsa'),
  PARLEY_WORD_VECTORS: z.enum(['glove', 'none']).default('glove'),
  PARLEY_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  PARLEY_LOCAL_MODEL: z.string().regex(/\.gguf$/i, 'must be the path of a .gguf model file').optional(),
  PARLEY_LOCAL_LORA: z.string().regex(/\.gguf$/i, 'must be the path of a .gguf LoRA adapter file').optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM: z.string().min(1).optional(),
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  SMTP_LISTEN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  IMAP_URL: z.string().regex(/^imaps?:\/\//, 'must be an imap:// or imaps:// URL').optional(),
  IMAP_POLL_SECONDS: z.coerce.number().int().min(1).default(30),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  EMAIL_FROM: z.string().min(3).optional(),
  EMAIL_SPAM_SCORE_THRESHOLD: z.coerce.number().optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().min(1).optional(),
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  MICROSOFT_APP_ID: z.string().min(1).optional(),
  MICROSOFT_APP_PASSWORD: z.string().min(1).optional(),
  MICROSOFT_APP_TENANT_ID: z.string().min(1).optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  BOTFRAMEWORK_OPENID_METADATA: z.url().optional(),
  BOTFRAMEWORK_EMULATOR: booleanFlag(false),
  BOTFRAMEWORK_EMULATOR_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  PARLEY_RETRIEVAL_MODE: z.enum(['hybrid', 'keyword', 'dense']).default('hybrid'),
  PARLEY_LOG_LEVEL: z.enum(['info', 'warn', 'error']).default('info'),
  PARLEY_REQUIRE_SERVICES: booleanFlag(false),
  PUBLIC_URL: z.url().optional(),
  // Host names only ("example.com", "help.example.com"); sub-domains of each are included.
  PARLEY_OPERATOR_DOMAINS: commaList('')
    .transform((domains) => domains.map((domain) => domain.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '')))
    .pipe(z.array(z.string().regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must list host names such as example.com (no scheme, path or port)'))),
  PARLEY_HANDOFF_REFUND_LIMIT: z.coerce.number().min(0).default(200),
  // "none" or an empty value turns every sensitive topic off.
  PARLEY_HANDOFF_SENSITIVE_TOPICS: commaList(SENSITIVE_TOPICS.join(','))
    .transform((topics) => topics.map((topic) => topic.toLowerCase()).filter((topic) => topic !== 'none'))
    .pipe(z.array(z.enum(SENSITIVE_TOPICS, { error: `must list only ${SENSITIVE_TOPICS.join(', ')} (or none)` }))),
  PARLEY_VIP_USERS: commaList('').pipe(z.array(z.string().regex(/^(@[^@\s]+\.[^@\s]+|[^@\s][^\s]*)$/, 'must list user ids, e-mail addresses or @domain.tld'))),
  PARLEY_HANDOFF_MAX_FAILURES: z.coerce.number().int().min(1).default(2),
  PARLEY_FRUSTRATION_THRESHOLD: z.coerce.number().min(-1).max(1).default(-0.5),
  SLACK_ESCALATION_CHANNEL: z.string().regex(/^[CG][A-Z0-9]{8,}$/, 'must be a Slack channel id such as C0123456789').optional(),
  PARLEY_HANDOFF_REMINDER_MINUTES: z.coerce.number().min(1).default(5),
  PARLEY_HANDOFF_CLAIM_TIMEOUT_MINUTES: z.coerce.number().min(1).default(15),
  PARLEY_BUSINESS_HOURS: z
    .string()
    .regex(/^\s*([A-Za-z]{3}[A-Za-z]*(\s*[-,]\s*[A-Za-z]{3}[A-Za-z]*)*\s+\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*(;\s*|$))+$/, 'must look like "Mon-Fri 09:00-18:00; Sat 10:00-14:00"')
    .optional(),
  PARLEY_BUSINESS_TIMEZONE: z
    .string()
    .default('UTC')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Paris'),
  ZENDESK_URL: z.url().optional(),
  ZENDESK_EMAIL: z.email().optional(),
  ZENDESK_API_TOKEN: z.string().min(1).optional(),
  ZENDESK_WEBHOOK_SECRET: z.string().min(1).optional(),
  PARLEY_HANDOFF_WEBHOOK_URL: z.url().optional(),
  PARLEY_HANDOFF_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  PARLEY_CHAT_MODEL: z.string().trim().min(1).optional(),
  PARLEY_CHAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  PARLEY_CHAT_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  PARLEY_CHAT_PRICES: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || !value.trim()) return undefined;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON like {"gpt-4o-mini":{"input":0.15,"output":0.6}} (USD per million tokens)' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().min(1), z.object({ input: z.number().min(0), output: z.number().min(0) }), { error: 'must map model ids to {"input","output"} prices (USD per million tokens)' }).optional()),
  PARLEY_EVAL_JUDGE: z.enum(['offline', 'llm']).default('offline'),
  // "none" or an empty value: never ask for a rating.
  PARLEY_CSAT_CHANNELS: commaList('webchat,rest,cli,slack,botframework').transform((channels) => channels.filter((c) => c.toLowerCase() !== 'none')),
  PARLEY_DASHBOARD_SESSION_HOURS: z.coerce.number().min(0.1).max(720).default(12),
});
