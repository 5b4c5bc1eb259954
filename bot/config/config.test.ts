import { resolve } from 'node:path';
import { ParleyError } from '../core/index.js';
import { DEFAULT_HANDOFF_OPTIONS } from '../../dialogs/index.js';
import { loadConfig } from './index.js';

/** Asserts that loading `env` fails with `config_invalid` naming `variable`. */
function expectInvalid(env: NodeJS.ProcessEnv, variable: string, overrides = {}): ParleyError {
  let caught: unknown;
  try {
    loadConfig(env, overrides);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ParleyError);
  const error = caught as ParleyError;
  expect(error.code).toBe('config_invalid');
  expect(error.message).toContain(variable);
  return error;
}

describe('loadConfig', () => {
  it('enables a channel only when all of its settings are present, and names what is missing', () => {
    const twilio = { TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15550001111' };
    expect(loadConfig(twilio).twilio).toEqual({ accountSid: `AC${'a'.repeat(32)}`, authToken: 'token', from: '+15550001111', apiUrl: 'https://api.twilio.com' });
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` })).toThrow(/TWILIO_AUTH_TOKEN/);
    expect(() => loadConfig({ ...twilio, TWILIO_ACCOUNT_SID: 'nope' })).toThrow(/TWILIO_ACCOUNT_SID/);
    expect(loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' }).slack).toMatchObject({ apiUrl: 'https://slack.com/api/' });
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(loadConfig({ SMTP_LISTEN_PORT: '2525', SMTP_URL: 'smtp://127.0.0.1:25', EMAIL_FROM: 'help@example.com' }).email).toMatchObject({ listenPort: 2525 });
    expect(() => loadConfig({ IMAP_URL: 'imap://u:p@127.0.0.1/INBOX' })).toThrow(/SMTP_URL and EMAIL_FROM/);
    const email = { SMTP_LISTEN_PORT: '2525', SMTP_URL: 'smtp://127.0.0.1:25', EMAIL_FROM: 'help@example.com' };
    expect(loadConfig(email).email?.spamScoreThreshold).toBeUndefined();
    expect(loadConfig({ ...email, EMAIL_SPAM_SCORE_THRESHOLD: '6.5' }).email?.spamScoreThreshold).toBe(6.5);
    expect(() => loadConfig({ ...email, EMAIL_SPAM_SCORE_THRESHOLD: 'high' })).toThrow(/EMAIL_SPAM_SCORE_THRESHOLD/);
    expect(() => loadConfig({ PARLEY_ENGAGE_QUIET_HOURS: '9pm-8am' })).toThrow(/PARLEY_ENGAGE_QUIET_HOURS: must be HH:MM-HH:MM/);
    expect(() => loadConfig({ PARLEY_ENGAGE_TIMEZONE: 'Mars/Olympus' })).toThrow(/PARLEY_ENGAGE_TIMEZONE: must be an IANA time zone/);
    expect(() => loadConfig({ PARLEY_CAMPAIGNS_FILE: 'campaigns.txt' })).toThrow(/PARLEY_CAMPAIGNS_FILE/);
    expect(loadConfig({ PARLEY_ENGAGE_QUIET_HOURS: 'off' }).engagement.quietHours).toBeUndefined();
    expect(() => loadConfig({ IMAP_URL: 'http://x' })).toThrow(/IMAP_URL/);
  });

  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    // The thresholds are tuned on data; only their relation is fixed here.
    const { answerThreshold, clarifyThreshold, ...rest } = config;
    expect(clarifyThreshold).toBeGreaterThanOrEqual(0);
    expect(clarifyThreshold).toBeLessThanOrEqual(answerThreshold);
    expect(answerThreshold).toBeLessThanOrEqual(1);
    expect(rest).toEqual({
      port: 3000,
      host: '0.0.0.0',
      home: resolve('./.parley'),
      databaseUrl: undefined,
      turnLeaseMs: 10_000,
      database: { schema: 'public', connectTimeoutMs: 5_000, statementTimeoutMs: 30_000, queryTimeoutMs: 35_000, idleTimeoutMs: 30_000, healthTimeoutMs: 1_500, retryMaxMs: 5_000 },
      apiKey: undefined,
      tokenSecret: undefined,
      tokenPreviousSecrets: [],
      tokenTtlHours: 24,
      identitySecret: undefined,
      endpointScopes: {},
      trustProxy: false,
      rateLimits: { conversations: 30, messages: 120, uploads: 30, logins: 30, socketMessages: 60, allowList: ['127.0.0.1', '::1', '::ffff:127.0.0.1'], redisUrl: undefined },
      sampleData: true,
      targetPrecision: 0.9,
      fixedAnswerThreshold: false,
      photoRetentionHours: 24,
      visionBackend: 'auto',
      vision: true,
      tryonUrl: undefined,
      tryonTimeoutMs: 60_000,
      ganWorkers: 2,
      transcriptRetentionDays: undefined,
      idleCloseMinutes: 30,
      qdrantUrl: undefined,
      qdrantApiKey: undefined,
      qdrantCollection: 'parley_tickets',
      embeddings: 'lsa',
      wordVectors: 'glove',
      embeddingModel: 'text-embedding-3-small',
      openaiApiKey: undefined,
      openaiBaseUrl: undefined,
      localModel: undefined,
      localLora: undefined,
      twilio: undefined,
      email: undefined,
      slack: undefined,
      botFramework: { appId: undefined, emulator: false, emulatorPort: undefined, appPassword: undefined, tenantId: undefined, appType: 'MultiTenant', openIdMetadata: undefined },
      retrievalMode: 'hybrid',
      logLevel: 'info',
      requireServices: false,
      publicUrl: undefined,
      operatorDomains: [],
      handoff: { refundLimit: 200, sensitiveTopics: ['legal', 'safety', 'refund'], vipUsers: [], maxFailures: 2, frustrationThreshold: -0.5 },
      agentDesk: { escalationChannel: undefined, reminderMinutes: 5, claimTimeoutMinutes: 15, businessHours: undefined, timezone: 'UTC' },
      zendesk: undefined,
      handoffWebhook: undefined,
      generation: { chatModel: undefined, timeoutMs: 15_000, retries: 1, prices: undefined },
      evalJudge: 'offline',
      csatChannels: ['webchat', 'rest', 'cli', 'slack', 'botframework'],
      dashboardSessionHours: 12,
      liveKnowledge: { pollMs: 1_000, fallbackPollMs: 2_000 },
      jobs: { backend: 'auto', workers: 'in-process', leaseMs: 30_000 },
      engagement: { campaignsFile: undefined, timezone: 'UTC', quietHours: { start: '21:00', end: '08:00' }, maxPerWeek: 3, intervalSeconds: 60 },
    });
    expect(config.home).toBe(resolve(process.cwd(), '.parley'));
  });

  it('reads every variable from the environment', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PARLEY_HOME: '/var/lib/parley',
      DATABASE_URL: 'postgresql://parley@db:5432/parley',
      PARLEY_TURN_LEASE_SECONDS: '30',
      PARLEY_JOBS: 'store',
      PARLEY_JOB_WORKERS: 'none',
      PARLEY_JOB_LEASE_SECONDS: '120',
      DATABASE_SCHEMA: 'parley',
      PARLEY_DB_CONNECT_TIMEOUT_MS: '2000',
      PARLEY_DB_STATEMENT_TIMEOUT_MS: '10000',
      PARLEY_DB_QUERY_TIMEOUT_MS: '12000',
      PARLEY_DB_IDLE_TIMEOUT_MS: '60000',
      PARLEY_DB_HEALTH_TIMEOUT_MS: '800',
      PARLEY_DB_RETRY_MAX_MS: '10000',
      PARLEY_API_KEY: 'k'.repeat(16),
      PARLEY_TOKEN_SECRET: 's'.repeat(32),
      PARLEY_SAMPLE_DATA: 'false',
      PARLEY_PHOTO_RETENTION_HOURS: '6',
      PARLEY_TRANSCRIPT_RETENTION_DAYS: '90',
      PARLEY_IDLE_CLOSE_MINUTES: '45',
      PARLEY_ANSWER_THRESHOLD: '0.7',
      PARLEY_CLARIFY_THRESHOLD: '0.4',
      PARLEY_TARGET_PRECISION: '0.8',
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_REQUIRE_SERVICES: '1',
      PARLEY_RETRIEVAL_MODE: 'keyword',
      PUBLIC_URL: 'https://bot.example.com',
      PARLEY_OPERATOR_DOMAINS: ' Example.com, .help.example.org ,example.com',
      QDRANT_URL: 'http://qdrant:6333',
      QDRANT_API_KEY: 'qk',
      QDRANT_COLLECTION: 'support',
      PARLEY_EMBEDDINGS: 'openai',
      PARLEY_WORD_VECTORS: 'none',
      PARLEY_EMBEDDING_MODEL: 'text-embedding-3-large',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://llm:8000/v1',
      PARLEY_LOCAL_MODEL: '/models/support.Q4_K_M.gguf',
      PARLEY_LOCAL_LORA: 'adapters/support-lora.gguf',
      PARLEY_HANDOFF_REFUND_LIMIT: '500',
      PARLEY_HANDOFF_SENSITIVE_TOPICS: 'legal, Safety',
      PARLEY_VIP_USERS: 'cust-42, ann@example.com ,@bigco.com',
      PARLEY_HANDOFF_MAX_FAILURES: '3',
      PARLEY_FRUSTRATION_THRESHOLD: '-0.6',
      PARLEY_EVAL_JUDGE: 'llm',
      PARLEY_CSAT_CHANNELS: 'webchat, email',
      PARLEY_DASHBOARD_SESSION_HOURS: '2',
      PARLEY_KNOWLEDGE_POLL_MS: '500',
      PARLEY_KNOWLEDGE_FALLBACK_POLL_MS: '3000',
      PARLEY_CAMPAIGNS_FILE: '/etc/parley/campaigns.yaml',
      PARLEY_ENGAGE_TIMEZONE: 'Europe/Paris',
      PARLEY_ENGAGE_QUIET_HOURS: '22:30-07:00',
      PARLEY_ENGAGE_MAX_PER_WEEK: '2',
      PARLEY_ENGAGE_INTERVAL_SECONDS: '120',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      home: '/var/lib/parley',
      databaseUrl: 'postgresql://parley@db:5432/parley',
      turnLeaseMs: 30_000,
      database: { schema: 'parley', connectTimeoutMs: 2_000, statementTimeoutMs: 10_000, queryTimeoutMs: 12_000, idleTimeoutMs: 60_000, healthTimeoutMs: 800, retryMaxMs: 10_000 },
      apiKey: 'k'.repeat(16),
      tokenSecret: 's'.repeat(32),
      tokenPreviousSecrets: [],
      tokenTtlHours: 24,
      identitySecret: undefined,
      endpointScopes: {},
      trustProxy: false,
      rateLimits: { conversations: 30, messages: 120, uploads: 30, logins: 30, socketMessages: 60, allowList: ['127.0.0.1', '::1', '::ffff:127.0.0.1'], redisUrl: undefined },
      sampleData: false,
      answerThreshold: 0.7,
      clarifyThreshold: 0.4,
      targetPrecision: 0.8,
      fixedAnswerThreshold: true,
      photoRetentionHours: 6,
      visionBackend: 'auto',
      vision: true,
      tryonUrl: undefined,
      tryonTimeoutMs: 60_000,
      ganWorkers: 2,
      transcriptRetentionDays: 90,
      idleCloseMinutes: 45,
      qdrantUrl: 'http://qdrant:6333',
      qdrantApiKey: 'qk',
      qdrantCollection: 'support',
      embeddings: 'openai',
      wordVectors: 'none',
      embeddingModel: 'text-embedding-3-large',
      openaiApiKey: 'sk-test',
      openaiBaseUrl: 'http://llm:8000/v1',
      localModel: '/models/support.Q4_K_M.gguf',
      localLora: resolve('adapters/support-lora.gguf'),
      twilio: undefined,
      email: undefined,
      slack: undefined,
      botFramework: { appId: undefined, emulator: false, emulatorPort: undefined, appPassword: undefined, tenantId: undefined, appType: 'MultiTenant', openIdMetadata: undefined },
      retrievalMode: 'keyword',
      logLevel: 'warn',
      requireServices: true,
      publicUrl: 'https://bot.example.com',
      operatorDomains: ['example.com', 'help.example.org'],
      handoff: { refundLimit: 500, sensitiveTopics: ['legal', 'safety'], vipUsers: ['cust-42', 'ann@example.com', '@bigco.com'], maxFailures: 3, frustrationThreshold: -0.6 },
      evalJudge: 'llm',
      csatChannels: ['webchat', 'email'],
      dashboardSessionHours: 2,
      liveKnowledge: { pollMs: 500, fallbackPollMs: 3_000 },
      jobs: { backend: 'store', workers: 'none', leaseMs: 120_000 },
      engagement: { campaignsFile: '/etc/parley/campaigns.yaml', timezone: 'Europe/Paris', quietHours: { start: '22:30', end: '07:00' }, maxPerWeek: 2, intervalSeconds: 120 },
      agentDesk: { escalationChannel: undefined, reminderMinutes: 5, claimTimeoutMinutes: 15, businessHours: undefined, timezone: 'UTC' },
      zendesk: undefined,
      handoffWebhook: undefined,
      generation: { chatModel: undefined, timeoutMs: 15_000, retries: 1, prices: undefined },
    });
  });

  it('reads the agent desk, Zendesk and handoff webhook settings and names what is wrong or missing', () => {
    const slack = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' };
    const config = loadConfig({
      ...slack,
      SLACK_ESCALATION_CHANNEL: 'C0ESCALATE1',
      PARLEY_HANDOFF_REMINDER_MINUTES: '2',
      PARLEY_HANDOFF_CLAIM_TIMEOUT_MINUTES: '10',
      PARLEY_BUSINESS_HOURS: 'Mon-Fri 09:00-18:00; Sat 10:00-14:00',
      PARLEY_BUSINESS_TIMEZONE: 'Europe/Paris',
      ZENDESK_URL: 'https://acme.zendesk.com/',
      ZENDESK_EMAIL: 'agent@acme.example',
      ZENDESK_API_TOKEN: 'zt',
      ZENDESK_WEBHOOK_SECRET: 'zs',
      PARLEY_HANDOFF_WEBHOOK_URL: 'https://helpdesk.example/hooks/parley',
      PARLEY_HANDOFF_WEBHOOK_SECRET: 'w'.repeat(16),
    });
    expect(config.agentDesk).toEqual({ escalationChannel: 'C0ESCALATE1', reminderMinutes: 2, claimTimeoutMinutes: 10, businessHours: 'Mon-Fri 09:00-18:00; Sat 10:00-14:00', timezone: 'Europe/Paris' });
    expect(config.zendesk).toEqual({ url: 'https://acme.zendesk.com', email: 'agent@acme.example', apiToken: 'zt', webhookSecret: 'zs' });
    expect(config.handoffWebhook).toEqual({ url: 'https://helpdesk.example/hooks/parley', secret: 'w'.repeat(16) });
    expectInvalid({ ...slack, SLACK_ESCALATION_CHANNEL: '#support' }, 'SLACK_ESCALATION_CHANNEL');
    expectInvalid({ SLACK_ESCALATION_CHANNEL: 'C0ESCALATE1' }, 'SLACK_BOT_TOKEN');
    expectInvalid({ PARLEY_BUSINESS_HOURS: 'weekdays 9 to 5' }, 'PARLEY_BUSINESS_HOURS');
    expectInvalid({ PARLEY_BUSINESS_TIMEZONE: 'Mars/Olympus' }, 'PARLEY_BUSINESS_TIMEZONE');
    expectInvalid({ PARLEY_HANDOFF_REMINDER_MINUTES: '0' }, 'PARLEY_HANDOFF_REMINDER_MINUTES');
    expectInvalid({ ZENDESK_URL: 'https://acme.zendesk.com' }, 'ZENDESK_EMAIL');
    expectInvalid({ PARLEY_HANDOFF_WEBHOOK_URL: 'https://x.example' }, 'PARLEY_HANDOFF_WEBHOOK_SECRET');
    expectInvalid({ PARLEY_HANDOFF_WEBHOOK_URL: 'https://x.example', PARLEY_HANDOFF_WEBHOOK_SECRET: 'short' }, 'PARLEY_HANDOFF_WEBHOOK_SECRET');
  });

  it('reads the security settings: token rotation and lifetime, identity secret, proxy trust, rate limits, emulator mode', () => {
    const config = loadConfig({
      PARLEY_TOKEN_PREVIOUS_SECRETS: `${'a'.repeat(32)}, ${'b'.repeat(32)}`,
      PARLEY_TOKEN_TTL_HOURS: '2',
      PARLEY_IDENTITY_SECRET: 'i'.repeat(32),
      PARLEY_TRUST_PROXY: '10.0.0.1, 10.0.0.2',
      PARLEY_RATE_LIMIT_MESSAGES: '500',
      PARLEY_RATE_LIMIT_ALLOWLIST: 'none',
      REDIS_URL: 'redis://127.0.0.1:6379',
      BOTFRAMEWORK_EMULATOR: 'true',
      BOTFRAMEWORK_EMULATOR_PORT: '3312',
    });
    expect(config).toMatchObject({ tokenPreviousSecrets: ['a'.repeat(32), 'b'.repeat(32)], tokenTtlHours: 2, identitySecret: 'i'.repeat(32), trustProxy: ['10.0.0.1', '10.0.0.2'] });
    expect(config.rateLimits).toMatchObject({ messages: 500, allowList: [], redisUrl: 'redis://127.0.0.1:6379' });
    expect(config.botFramework).toMatchObject({ emulator: true, emulatorPort: 3312 });
    expect(loadConfig({ PARLEY_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ PARLEY_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(() => loadConfig({ PARLEY_TOKEN_PREVIOUS_SECRETS: 'short' })).toThrow(/PARLEY_TOKEN_PREVIOUS_SECRETS/);
    expect(() => loadConfig({ PARLEY_RATE_LIMIT_LOGINS: '0' })).toThrow(/PARLEY_RATE_LIMIT_LOGINS/);
  });

  it('reads the try-on model server and its timeout, naming a bad value', () => {
    const config = loadConfig({ PARLEY_TRYON_URL: 'http://gpu-1:8000/tryon', PARLEY_TRYON_TIMEOUT_MS: '5000' });
    expect([config.tryonUrl, config.tryonTimeoutMs]).toEqual(['http://gpu-1:8000/tryon', 5000]);
    expect(() => loadConfig({ PARLEY_TRYON_URL: 'gpu-1' })).toThrow(/PARLEY_TRYON_URL/);
    expect(() => loadConfig({ PARLEY_TRYON_TIMEOUT_MS: '0' })).toThrow(/PARLEY_TRYON_TIMEOUT_MS/);
    const gan = loadConfig({ PARLEY_GAN_MODEL: '/models/gan', PARLEY_GAN_WORKERS: '0' });
    expect([gan.ganModel, gan.ganWorkers]).toEqual(['/models/gan', 0]);
    expect(() => loadConfig({ PARLEY_GAN_WORKERS: '17' })).toThrow(/PARLEY_GAN_WORKERS/);
  });

  it('turns CSAT questions off with PARLEY_CSAT_CHANNELS=none', () => {
    expect(loadConfig({ PARLEY_CSAT_CHANNELS: 'none' }).csatChannels).toEqual([]);
    expect(loadConfig({ PARLEY_CSAT_CHANNELS: '' }).csatChannels).toEqual([]);
  });

  it('reads the chat model settings and rejects a malformed price table naming the variable', () => {
    const config = loadConfig({ PARLEY_CHAT_MODEL: 'ft:gpt-4o-mini-2024-07-18:acme::abc123', PARLEY_CHAT_TIMEOUT_MS: '2000', PARLEY_CHAT_RETRIES: '0', PARLEY_CHAT_PRICES: '{"my-model":{"input":1,"output":2}}' });
    expect(config.generation).toEqual({ chatModel: 'ft:gpt-4o-mini-2024-07-18:acme::abc123', timeoutMs: 2000, retries: 0, prices: { 'my-model': { input: 1, output: 2 } } });
    expect(() => loadConfig({ PARLEY_CHAT_PRICES: 'not json' })).toThrow(/PARLEY_CHAT_PRICES/);
    expect(() => loadConfig({ PARLEY_CHAT_PRICES: '{"m":{"input":-1,"output":2}}' })).toThrow(/PARLEY_CHAT_PRICES/);
    expect(() => loadConfig({ PARLEY_CHAT_TIMEOUT_MS: 'soon' })).toThrow(/PARLEY_CHAT_TIMEOUT_MS/);
  });

  it('reads the handoff lists leniently and keeps its defaults in step with the dialogs layer', () => {
    expect(loadConfig({ PARLEY_HANDOFF_SENSITIVE_TOPICS: '' }).handoff.sensitiveTopics).toEqual([]);
    expect(loadConfig({ PARLEY_HANDOFF_SENSITIVE_TOPICS: 'none' }).handoff.sensitiveTopics).toEqual([]);
    expect(loadConfig({ PARLEY_HANDOFF_SENSITIVE_TOPICS: 'refund,,REFUND, legal' }).handoff.sensitiveTopics).toEqual(['refund', 'legal']);
    expect(loadConfig({ PARLEY_VIP_USERS: ' , ' }).handoff.vipUsers).toEqual([]);
    const handoff = loadConfig({}).handoff;
    const sorted = (topics: readonly string[]) => [...topics].sort();
    expect({ ...handoff, sensitiveTopics: sorted(handoff.sensitiveTopics) }).toEqual({ ...DEFAULT_HANDOFF_OPTIONS, sensitiveTopics: sorted(DEFAULT_HANDOFF_OPTIONS.sensitiveTopics), vipUsers: [] });
  });

  it('resolves a relative home against the working directory and accepts postgres:// URLs', () => {
    const config = loadConfig({ PARLEY_HOME: 'data/parley', DATABASE_URL: 'postgres://127.0.0.1:5432/test' });
    expect(config.home).toBe(resolve(process.cwd(), 'data/parley'));
    expect(config.databaseUrl).toBe('postgres://127.0.0.1:5432/test');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads PARLEY_SAMPLE_DATA=%s as %s', (value, expected) => {
    expect(loadConfig({ PARLEY_SAMPLE_DATA: value }).sampleData).toBe(expected);
  });

  it('lets overrides win over the environment', () => {
    const config = loadConfig({ PORT: '8080', PARLEY_SAMPLE_DATA: 'true' }, { port: 0, sampleData: false, home: '/tmp/parley-x' });
    expect(config).toMatchObject({ port: 0, sampleData: false, home: '/tmp/parley-x' });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_SCHEMA: 'Robert"; DROP' }, 'DATABASE_SCHEMA'],
    [{ PARLEY_TURN_LEASE_SECONDS: '0' }, 'PARLEY_TURN_LEASE_SECONDS'],
    [{ PARLEY_DB_CONNECT_TIMEOUT_MS: '10' }, 'PARLEY_DB_CONNECT_TIMEOUT_MS'],
    [{ PARLEY_DB_HEALTH_TIMEOUT_MS: 'quick' }, 'PARLEY_DB_HEALTH_TIMEOUT_MS'],
    [{ PARLEY_DB_RETRY_MAX_MS: '-1' }, 'PARLEY_DB_RETRY_MAX_MS'],
    [{ PARLEY_API_KEY: 'short' }, 'PARLEY_API_KEY'],
    [{ PARLEY_TOKEN_SECRET: 'not-32-characters' }, 'PARLEY_TOKEN_SECRET'],
    [{ PARLEY_SAMPLE_DATA: 'maybe' }, 'PARLEY_SAMPLE_DATA'],
    [{ PARLEY_ANSWER_THRESHOLD: '1.5' }, 'PARLEY_ANSWER_THRESHOLD'],
    [{ PARLEY_CLARIFY_THRESHOLD: '-0.1' }, 'PARLEY_CLARIFY_THRESHOLD'],
    [{ PARLEY_LOG_LEVEL: 'debug' }, 'PARLEY_LOG_LEVEL'],
    [{ PARLEY_PHOTO_RETENTION_HOURS: '0' }, 'PARLEY_PHOTO_RETENTION_HOURS'],
    [{ PARLEY_PHOTO_RETENTION_HOURS: 'a day' }, 'PARLEY_PHOTO_RETENTION_HOURS'],
    [{ PARLEY_TRANSCRIPT_RETENTION_DAYS: '0' }, 'PARLEY_TRANSCRIPT_RETENTION_DAYS'],
    [{ PARLEY_TRANSCRIPT_RETENTION_DAYS: '1.5' }, 'PARLEY_TRANSCRIPT_RETENTION_DAYS'],
    [{ PARLEY_TRANSCRIPT_RETENTION_DAYS: 'forever' }, 'PARLEY_TRANSCRIPT_RETENTION_DAYS'],
    [{ PARLEY_IDLE_CLOSE_MINUTES: '0' }, 'PARLEY_IDLE_CLOSE_MINUTES'],
    [{ PARLEY_IDLE_CLOSE_MINUTES: 'soon' }, 'PARLEY_IDLE_CLOSE_MINUTES'],
    [{ PARLEY_EVAL_JUDGE: 'gpt' }, 'PARLEY_EVAL_JUDGE'],
    [{ PARLEY_DASHBOARD_SESSION_HOURS: '0' }, 'PARLEY_DASHBOARD_SESSION_HOURS'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ PARLEY_OPERATOR_DOMAINS: 'https://example.com/' }, 'PARLEY_OPERATOR_DOMAINS'],
    [{ PARLEY_HANDOFF_REFUND_LIMIT: '-5' }, 'PARLEY_HANDOFF_REFUND_LIMIT'],
    [{ PARLEY_HANDOFF_REFUND_LIMIT: 'lots' }, 'PARLEY_HANDOFF_REFUND_LIMIT'],
    [{ PARLEY_HANDOFF_SENSITIVE_TOPICS: 'legal,weather' }, 'PARLEY_HANDOFF_SENSITIVE_TOPICS'],
    [{ PARLEY_VIP_USERS: '@, cust-1' }, 'PARLEY_VIP_USERS'],
    [{ PARLEY_VIP_USERS: '@localhost' }, 'PARLEY_VIP_USERS'],
    [{ PARLEY_HANDOFF_MAX_FAILURES: '0' }, 'PARLEY_HANDOFF_MAX_FAILURES'],
    [{ PARLEY_HANDOFF_MAX_FAILURES: '1.5' }, 'PARLEY_HANDOFF_MAX_FAILURES'],
    [{ PARLEY_FRUSTRATION_THRESHOLD: '-1.5' }, 'PARLEY_FRUSTRATION_THRESHOLD'],
    [{ PARLEY_LOCAL_MODEL: '/models/model.bin' }, 'PARLEY_LOCAL_MODEL'],
    [{ PARLEY_LOCAL_MODEL: '/models/m.gguf', PARLEY_LOCAL_LORA: 'lora.safetensors' }, 'PARLEY_LOCAL_LORA'],
    [{ PARLEY_LOCAL_LORA: 'lora.gguf' }, 'PARLEY_LOCAL_LORA needs PARLEY_LOCAL_MODEL'],
  ])('rejects %j naming %s', (env, variable) => {
    const error = expectInvalid(env, variable);
    expect(error.httpStatus).toBe(500);
  });

  it('reads the job runner settings and names a bad one', () => {
    expect(() => loadConfig({ PARLEY_JOBS: 'kafka' })).toThrow(/PARLEY_JOBS/);
    expect(() => loadConfig({ PARLEY_JOB_WORKERS: 'some' })).toThrow(/PARLEY_JOB_WORKERS/);
    expect(() => loadConfig({ PARLEY_JOB_LEASE_SECONDS: '1' })).toThrow(/PARLEY_JOB_LEASE_SECONDS/);
    expect(() => loadConfig({ PARLEY_JOBS: 'bullmq' })).toThrow('PARLEY_JOBS=bullmq needs REDIS_URL');
    expect(loadConfig({ PARLEY_JOBS: 'bullmq', REDIS_URL: 'redis://127.0.0.1:6379' }).jobs.backend).toBe('bullmq');
  });

  it("reads the store's own texts and names a bad one", () => {
    expect(loadConfig({})).toMatchObject({ helpText: undefined, topics: undefined });
    expect(loadConfig({ PARLEY_HELP_TEXT: ' I can help with bikes. ', PARLEY_TOPICS: 'Book a repair | Talk to a person' })).toMatchObject({ helpText: 'I can help with bikes.', topics: ['Book a repair', 'Talk to a person'] });
    expectInvalid({ PARLEY_TOPICS: 'a||b' }, 'PARLEY_TOPICS');
    expectInvalid({ PARLEY_TOPICS: Array.from({ length: 9 }, (_, i) => `topic ${i}`).join('|') }, 'PARLEY_TOPICS');
    expectInvalid({ PARLEY_HELP_TEXT: '  ' }, 'PARLEY_HELP_TEXT');
  });

  it('names every bad variable at once', () => {
    const error = expectInvalid({ PORT: 'abc', DATABASE_URL: 'mysql://x', PARLEY_API_KEY: 'short' }, 'PORT');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('PARLEY_API_KEY');
    expect(error.details?.problems).toHaveLength(3);
  });

  it('rejects a clarify threshold above the answer threshold', () => {
    expectInvalid({ PARLEY_ANSWER_THRESHOLD: '0.4', PARLEY_CLARIFY_THRESHOLD: '0.6' }, 'PARLEY_CLARIFY_THRESHOLD');
    expectInvalid({ PARLEY_CLARIFY_THRESHOLD: '0.6' }, 'PARLEY_ANSWER_THRESHOLD');
    expectInvalid({}, 'PARLEY_CLARIFY_THRESHOLD', { clarifyThreshold: 0.9 });
    expect(loadConfig({ PARLEY_ANSWER_THRESHOLD: '0.4', PARLEY_CLARIFY_THRESHOLD: '0.4' })).toMatchObject({ answerThreshold: 0.4, clarifyThreshold: 0.4 });
  });

  it('reads process.env by default', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(loadConfig().port).toBe(4321);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});
