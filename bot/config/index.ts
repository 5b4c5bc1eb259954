import { resolve } from 'node:path';
import { z } from 'zod';
import { ParleyError } from '../core/index.js';

const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes'].includes(value)));

const fraction = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PARLEY_HOME: z.string().min(1).default('./.parley'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PARLEY_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PARLEY_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PARLEY_SAMPLE_DATA: booleanFlag(true),
  PARLEY_ANSWER_THRESHOLD: fraction(0.3),
  PARLEY_CLARIFY_THRESHOLD: fraction(0.2),
  QDRANT_URL: z.url().optional(),
  QDRANT_API_KEY: z.string().min(1).optional(),
  QDRANT_COLLECTION: z.string().regex(/^[\w-]{1,255}$/, 'letters, digits, _ and - only').default('parley_tickets'),
  PARLEY_EMBEDDINGS: z.enum(['lsa', 'openai']).default('lsa'),
  PARLEY_EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  PARLEY_RETRIEVAL_MODE: z.enum(['hybrid', 'keyword', 'dense']).default('hybrid'),
  PARLEY_LOG_LEVEL: z.enum(['info', 'warn', 'error']).default('info'),
  PARLEY_REQUIRE_SERVICES: booleanFlag(false),
  PUBLIC_URL: z.url().optional(),
});

/** Parley's configuration, read once from the environment (see README "Configuration" for each variable). */
export interface Config {
  /** HTTP port; `PORT`, default 3000. */
  port: number;
  /** Interface to listen on; `HOST`, default `0.0.0.0`. */
  host: string;
  /** Folder for the embedded store and generated secrets; `PARLEY_HOME`, default `./.parley`. */
  home: string;
  /** PostgreSQL URL; when set the store runs on PostgreSQL instead of SQLite. */
  databaseUrl: string | undefined;
  /** When set, `POST /api/chat` needs `Authorization: Bearer <apiKey>` to start conversations. */
  apiKey: string | undefined;
  /** Secret for conversation tokens; generated and kept in the store when unset. */
  tokenSecret: string | undefined;
  /** Ingest the bundled sample tickets when the store has none; `PARLEY_SAMPLE_DATA`, default true. */
  sampleData: boolean;
  /** Retrieval confidence at or above which the bot answers; default 0.3. */
  answerThreshold: number;
  /** Confidence at or above which the bot asks a clarifying question instead of handing off; default 0.2. */
  clarifyThreshold: number;
  /** Qdrant's URL; when set, ticket vectors live in Qdrant instead of the embedded index. */
  qdrantUrl: string | undefined;
  qdrantApiKey: string | undefined;
  /** Qdrant collection; `QDRANT_COLLECTION`, default `parley_tickets`. */
  qdrantCollection: string;
  /** Dense embeddings: `lsa` (default, learned from the tickets offline) or `openai` (needs `OPENAI_API_KEY`). */
  embeddings: 'lsa' | 'openai';
  /** OpenAI embedding model; `PARLEY_EMBEDDING_MODEL`, default `text-embedding-3-small`. */
  embeddingModel: string;
  openaiApiKey: string | undefined;
  /** An OpenAI-compatible server (vLLM, llama.cpp server, Ollama); `OPENAI_BASE_URL`. */
  openaiBaseUrl: string | undefined;
  /** Candidate retrieval: keyword and dense fused (`hybrid`, default), or one alone (ablations, debugging). */
  retrievalMode: 'hybrid' | 'keyword' | 'dense';
  logLevel: 'info' | 'warn' | 'error';
  /** Tests that need PostgreSQL, Redis or Chromium fail instead of skipping when the service is missing (CI). */
  requireServices: boolean;
  /** Public origin of this server (`https://bot.example.com`), used for webhook URLs. */
  publicUrl: string | undefined;
}

/**
 * Reads and validates the configuration from `env` (default `process.env`), with `overrides` taking precedence.
 * Throws `config_invalid` naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ParleyError('config_invalid', `invalid configuration: ${problems.join('; ')}`, { details: { problems } });
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    home: resolve(e.PARLEY_HOME),
    databaseUrl: e.DATABASE_URL,
    apiKey: e.PARLEY_API_KEY,
    tokenSecret: e.PARLEY_TOKEN_SECRET,
    sampleData: e.PARLEY_SAMPLE_DATA,
    answerThreshold: e.PARLEY_ANSWER_THRESHOLD,
    clarifyThreshold: e.PARLEY_CLARIFY_THRESHOLD,
    qdrantUrl: e.QDRANT_URL,
    qdrantApiKey: e.QDRANT_API_KEY,
    qdrantCollection: e.QDRANT_COLLECTION,
    embeddings: e.PARLEY_EMBEDDINGS,
    embeddingModel: e.PARLEY_EMBEDDING_MODEL,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    retrievalMode: e.PARLEY_RETRIEVAL_MODE,
    logLevel: e.PARLEY_LOG_LEVEL,
    requireServices: e.PARLEY_REQUIRE_SERVICES,
    publicUrl: e.PUBLIC_URL,
    ...overrides,
  };
  if (config.embeddings === 'openai' && !config.openaiApiKey) {
    throw new ParleyError('config_invalid', 'invalid configuration: PARLEY_EMBEDDINGS=openai needs OPENAI_API_KEY');
  }
  if (config.clarifyThreshold > config.answerThreshold) {
    throw new ParleyError('config_invalid', 'invalid configuration: PARLEY_CLARIFY_THRESHOLD must not exceed PARLEY_ANSWER_THRESHOLD');
  }
  return config;
}
