import { randomBytes } from 'node:crypto';
import type { Config } from '../config/index.js';
import { Bot, ConversationTokens, stderrLogger, type ChannelHost, type Logger, type Store } from '../core/index.js';
import { openStore, PostgresAdvisoryLock } from '../storage/index.js';
import { createSupportBot, type TryOnDialogOptions } from '../../dialogs/index.js';
import { UploadStore } from '../../channels/webchat/index.js';
import { sampleCatalogue, TryOnService } from '../../vision/index.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KnowledgeBase, LsaEmbedder, MemoryIndex, readTicketsFile, sampleTicketsPath, type Embedder, type IngestResult, type VectorIndex } from '../../knowledge/index.js';
import { OpenAIEmbedder } from '../../knowledge/embeddings/openai/index.js';
import { QdrantIndex } from '../../knowledge/indexes/qdrant/index.js';

/** A running Parley: store, knowledge, the bot and conversation tokens, wired from one {@link Config}. */
export interface Parley {
  config: Config;
  store: Store;
  knowledge: KnowledgeBase;
  bot: Bot;
  tokens: ConversationTokens;
  logger: Logger;
  /** Set when the bundled sample tickets were ingested during this start. */
  sampleIngest?: IngestResult;
  /** Virtual try-on (worker thread, models loaded on `start()`); undefined with `PARLEY_VISION=false`. */
  tryOn?: TryOnService;
  close(): Promise<void>;
}

/** The composition root: opens the store, loads knowledge (ingesting sample data into an empty store) and builds the bot. */
export async function createParley(
  config: Config,
  options: { logger?: Logger; schema?: string; /** Reuse an already loaded knowledge base (benchmarks comparing settings). */ knowledge?: KnowledgeBase } = {},
): Promise<Parley> {
  const logger = options.logger ?? stderrLogger(config.logLevel);
  const store = await openStore({ home: config.home, databaseUrl: config.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) });
  try {
    const knowledge = options.knowledge ?? new KnowledgeBase(store, { index: vectorIndex(config), embedder: embedder(config) });
    if (!options.knowledge) await knowledge.load();
    let sampleIngest: IngestResult | undefined;
    if (config.sampleData && knowledge.size === 0) {
      sampleIngest = await knowledge.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
      logger.info({ tickets: sampleIngest.total }, 'ingested the bundled sample tickets');
    }
    const secret = config.tokenSecret ?? (await store.setSettingIfAbsent('token_secret', randomBytes(32).toString('base64url')));
    const tryOn = config.vision ? new TryOnService({ backend: config.visionBackend }) : undefined;
    if (tryOn && config.sampleData && (await store.tryon.countProducts()) === 0) {
      await store.tryon.upsertProducts(await sampleCatalogue());
    }
    const router = createSupportBot({
      knowledge,
      thresholds: { answer: config.answerThreshold, clarify: config.clarifyThreshold },
      mode: config.retrievalMode,
      handoff: config.handoff,
      ...(tryOn ? { tryOn: tryOnDialogOptions(config, tryOn, logger) } : {}),
    });
    // Several servers on one PostgreSQL database must serialize a conversation's turns between them too.
    const lock = config.databaseUrl ? new PostgresAdvisoryLock(config.databaseUrl) : undefined;
    const bot = new Bot({ store, handler: router.handler, logger, ...(lock ? { lock } : {}) });
    const close = async () => {
      await tryOn?.close();
      await lock?.close();
      await store.close();
    };
    const parley: Parley = { config, store, knowledge, bot, tokens: new ConversationTokens(secret), logger, close };
    if (sampleIngest) parley.sampleIngest = sampleIngest;
    if (tryOn) parley.tryOn = tryOn;
    return parley;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Web chat upload URLs, `/api/conversations/:conversationId/uploads/:uploadId`, whose file the server holds. */
const UPLOAD_URL = /^\/api\/conversations\/([A-Za-z0-9_-]+)\/uploads\/([A-Za-z0-9_-]+)$/;

/** How the try-on dialog reads photos and names result URLs on this server. */
function tryOnDialogOptions(config: Config, runner: TryOnService, logger: Logger): TryOnDialogOptions {
  const uploads = new UploadStore(join(config.home, 'uploads'));
  return {
    runner,
    retentionHours: config.photoRetentionHours,
    logger,
    mediaUrl: (id) => `${config.publicUrl?.replace(/\/$/, '') ?? ''}/media/tryon/${id}`,
    productImageUrl: (id) => `${config.publicUrl?.replace(/\/$/, '') ?? ''}/media/catalogue/${encodeURIComponent(id)}`,
    async readAttachment(conversationId, attachment) {
      if (attachment.data) return attachment.data;
      const match = attachment.url ? UPLOAD_URL.exec(attachment.url) : null;
      // Only an upload of this very conversation; other URLs are not fetched.
      if (!match || match[1] !== conversationId) return undefined;
      const upload = await uploads.find(conversationId, match[2]!);
      return upload ? new Uint8Array(await readFile(upload.path)) : undefined;
    },
  };
}

/** The vector index the configuration selects: Qdrant when `QDRANT_URL` is set, else the embedded index. */
function vectorIndex(config: Config): VectorIndex {
  if (!config.qdrantUrl) return new MemoryIndex();
  return new QdrantIndex({ url: config.qdrantUrl, collection: config.qdrantCollection, ...(config.qdrantApiKey ? { apiKey: config.qdrantApiKey } : {}) });
}

/** The embedder the configuration selects: OpenAI (or a compatible server) with `PARLEY_EMBEDDINGS=openai`, else LSA. */
function embedder(config: Config): Embedder {
  if (config.embeddings !== 'openai' || !config.openaiApiKey) return new LsaEmbedder();
  return new OpenAIEmbedder({ apiKey: config.openaiApiKey, model: config.embeddingModel, ...(config.openaiBaseUrl ? { baseURL: config.openaiBaseUrl } : {}) });
}

/** What channel adapters need from a running Parley (its bot, store, tokens, API key and logger). */
export function channelHost(parley: Parley): ChannelHost {
  return { bot: parley.bot, store: parley.store, tokens: parley.tokens, apiKey: parley.config.apiKey, logger: parley.logger };
}
