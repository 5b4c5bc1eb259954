import { randomBytes } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { basename, join } from 'node:path';
import type { Config } from '../config/index.js';
import { Bot, ConversationTokens, ensurePrivateDir, ParleyError, parseUploadPath, stderrLogger, tightenPrivateTree, type ChannelHost, type JobRunner, type Logger, type Store } from '../core/index.js';
import { openStore, PostgresAdvisoryLock } from '../storage/index.js';
import { InboundSpool } from './inbound-spool.js';
import { RedisSpoolOrder } from './spool-order.js';
import { knownScopes } from './known-scopes.js';
import { createKnowledgeSignal, storeNamespace } from './knowledge-signal.js';
import { ParleyMetrics } from './metrics.js';
import { createJobRunner, openRedis } from '../jobs/index.js';
import { privateLogger } from './private-logger.js';
import { Corrections, createSupportBot, type ProductPhotosDialogOptions, type TryOnDialogOptions } from '../../dialogs/index.js';
import { allObservers, ConversationScorer, ScoreSoon } from '../../evaluations/index.js';
import { UploadStore } from '../../channels/webchat/index.js';
import { AugmentService, RemoteTryOn, sampleCatalogue, TryOnService } from '../../vision/index.js';
import { readFile } from 'node:fs/promises';
import {
  createChatModel,
  createLlamaCppChatModel,
  DEFAULT_PRICES,
  FactBook,
  Generator,
  KnowledgeBase,
  LanguageDetector,
  LsaEmbedder,
  WordVectors,
  memoryGenerations,
  PII_KINDS,
  redact,
  readFactsFile,
  readTicketsFile,
  sampleTicketsPath,
  sampleStoreProfilePath,
  readStoreProfile,
  storeProfile,
  type StoreProfile,
  type ChatModelHandle,
  type Embedder,
  type IndexGenerations,
  type IngestResult,
  type KnowledgeSignal,
} from '../../knowledge/index.js';
import { OpenAIEmbedder } from '../../knowledge/embeddings/openai/index.js';
import { qdrantGenerations } from '../../knowledge/indexes/qdrant/index.js';

/** How old a read of the stored `generation.chatModel` setting a turn may use (ms): other processes' switches show within it. */
const CHAT_MODEL_SETTING_MAX_AGE_MS = 5_000;

/** Personal data kinds replaced in log entries: all but IP addresses (hosts and peers operators need to debug). */
const LOG_REDACTION = { kinds: PII_KINDS.filter((kind) => kind !== 'ip') };
const redactLogText = (text: string): string => redact(text, LOG_REDACTION).text;

/** A running Parley: store, knowledge, the bot and conversation tokens, wired from one {@link Config}. */
/** The reply to a failed turn when no agent desk is configured: nobody will reply in the chat, so none is promised. */
const NO_DESK_ERROR_TEXT = "Sorry, something went wrong on our side. I've recorded it for our team — please try again in a moment.";

export interface Parley {
  config: Config;
  store: Store;
  knowledge: KnowledgeBase;
  bot: Bot;
  /** Agents' corrections of bot answers (stored, re-indexed at once, revertible). */
  corrections: Corrections;
  /** The operator's facts (facts file and `parley facts set`) that fill answers' slots. */
  facts: FactBook;
  tokens: ConversationTokens;
  logger: Logger;
  /** Scores conversations (on close, from the maintenance job, and on demand) and stores the scores. */
  scorer: ConversationScorer;
  /** The store's own texts the assistant uses (greeting, refusals, topics): `PARLEY_HELP_TEXT`, `PARLEY_TOPICS`, else the sample store's or neutral ones. */
  profile: StoreProfile;
  /** Set when the bundled sample tickets were ingested during this start. */
  sampleIngest?: IngestResult;
  /** Virtual try-on (worker thread, models loaded on `start()`); undefined with `PARLEY_VISION=false`. */
  tryOn?: TryOnService;
  /** Messages kept in `<PARLEY_HOME>/spool` while the database is unavailable; the server drains it (`startServer`). */
  spool: InboundSpool;
  /** Ticket change notification between processes sharing the store (closed with the rest). */
  signal: KnowledgeSignal;
  /** Names the store this instance shares with others (their pub/sub channels' suffix). */
  storeNamespace: string;
  /** Prometheus metrics of this instance (`GET /metrics`); the bot reports every turn to it. */
  metrics: ParleyMetrics;
  /**
   * The background job runner (store-backed, or BullMQ with `REDIS_URL`); not started here: `startServer` and
   * `parley worker` register Parley's work on it and start it. Features enqueue their own jobs through it.
   */
  jobs: JobRunner;
  /** The configured chat model (configured, fine-tuned or local), when there is one (answers, rewrites). */
  chatModel: () => Promise<ChatModelHandle | undefined>;
  close(): Promise<void>;
}

/** The composition root: opens the store, loads knowledge (ingesting sample data into an empty store) and builds the bot. */
export async function createParley(
  config: Config,
  options: {
    logger?: Logger;
    schema?: string;
    /** Reuse an already loaded knowledge base (benchmarks comparing settings). */
    knowledge?: KnowledgeBase;
    /** The chat model of the LLM-as-judge scorer (`PARLEY_EVAL_JUDGE=llm`). */
    judgeModel?: BaseChatModel;
    /** A chat model to answer with instead of the configured one (tests, the red-team suite, local providers). */
    chatModel?: ChatModelHandle;
    /** Screen customer messages for prompt injection; default true (the red-team suite also tests without it). */
    screenInput?: boolean;
  } = {},
): Promise<Parley> {
  // Personal data (cards, e-mail addresses, phone numbers, names…) is replaced in every log entry, whichever logger
  // the operator passes; entries carry the turn or request they were written in.
  const logger = privateLogger(options.logger ?? stderrLogger(config.logLevel), redactLogText);
  preparePrivateHome(config.home, logger);
  const schema = options.schema ?? config.database.schema;
  const store = await openStore({
    home: config.home,
    databaseUrl: config.databaseUrl,
    timeouts: config.database,
    logger,
    schema,
  });
  // Tickets written by other processes (CLI, other servers, the tickets API) become searchable here within seconds.
  const signal = createKnowledgeSignal(config, { schema, readSeq: () => store.ticketSeq(), logger });
  try {
    const knowledge =
      options.knowledge ??
      new KnowledgeBase(store, {
        generations: generations(config),
        embedder: embedder(config),
        screening: { operatorDomains: config.operatorDomains },
        signal,
        retriever: { targetPrecision: config.targetPrecision, wordVectors: wordVectors(config) },
        answerClusters: { onError: (error) => logger.warn({ err: error }, 'answer clusters: recomputation failed') },
      });
    if (!options.knowledge) await knowledge.load();
    let sampleIngest: IngestResult | undefined;
    if (config.sampleData && knowledge.size === 0) {
      sampleIngest = await knowledge.ingest(await readTicketsFile(sampleTicketsPath(), { source: 'sample' }));
      logger.info({ tickets: sampleIngest.total }, 'ingested the bundled sample tickets');
    }
    const tokens = await conversationTokens(config, store);
    const facts = new FactBook(store.facts, config.factsFile ? await readFactsFile(config.factsFile) : undefined);
    // One resolver for the answers and the LLM-as-judge scorer (one local model in memory, one client per model id).
    const chatModel = options.chatModel ? async () => options.chatModel : chatModelResolver(config, store);
    const tryOn = config.vision ? new TryOnService({ backend: config.visionBackend }) : undefined;
    if (tryOn && config.sampleData && (await store.tryon.countProducts()) === 0) {
      await store.tryon.upsertProducts(await sampleCatalogue());
    }
    // The store's own texts: configured ones, else the sample store's while its data is on, else neutral ones.
    const profile = storeProfile(config, config.sampleData ? await readStoreProfile(sampleStoreProfilePath()) : undefined);
    // Generated product photos go with try-on (same catalogue, same media storage and retention).
    const productImages = tryOn ? new AugmentService() : undefined;
    const router = createSupportBot({
      knowledge,
      profile,
      thresholds: { answer: config.answerThreshold, clarify: config.clarifyThreshold, fixed: config.fixedAnswerThreshold },
      mode: config.retrievalMode,
      handoff: config.handoff,
      csatChannels: [...config.csatChannels, 'story'],
      generation: {
        generator: new Generator({
          chatModel,
          timeoutMs: config.generation.timeoutMs,
          retries: config.generation.retries,
          operatorDomains: config.operatorDomains,
          onFallback: (reason, detail) => logger.warn({ reason, detail }, 'chat model failed; the composer answered'),
        }),
        language: new LanguageDetector(),
        prices: { ...DEFAULT_PRICES, ...config.generation.prices },
        facts: (scope) => facts.forScope(scope),
        ...(options.screenInput === false ? { screenInput: false } : {}),
      },
      ...(tryOn ? { tryOn: tryOnDialogOptions(config, tryOn, logger) } : {}),
      ...(productImages ? { productPhotos: productPhotosOptions(config, productImages, logger) } : {}),
    });
    // Several servers on one PostgreSQL database must serialize a conversation's turns between them too.
    const lock = config.databaseUrl ? new PostgresAdvisoryLock(config.databaseUrl, { timeouts: config.database, logger }) : undefined;
    // Instances sharing one database keep one order for the messages each kept during an outage (Redis).
    const order = config.databaseUrl && config.rateLimits.redisUrl ? new RedisSpoolOrder({ openRedis, url: config.rateLimits.redisUrl, prefix: `parley:spool:${storeNamespace(config, schema)}`, logger }) : undefined;
    const spool = new InboundSpool({ dir: join(config.home, 'spool'), logger, ping: () => store.ping(), ...(order ? { order } : {}) });
    const jobs = await createJobRunner({ jobs: config.jobs, redisUrl: config.rateLimits.redisUrl, store, prefix: `parley:jobs:${storeNamespace(config, schema)}`, logger });
    const metrics = new ParleyMetrics({ store, knowledge, logger, jobs });
    // Metrics, and a scoring pass seconds after each answer (a new install shows scores at once, not after idle close).
    const observer = allObservers(metrics, new ScoreSoon({ jobs, logger }));
    // A failed turn promises a person's reply only where an agent desk (Slack) can give one.
    const errorText = config.slack && config.agentDesk.escalationChannel ? undefined : NO_DESK_ERROR_TEXT;
    const bot = new Bot({ store, handler: router.handler, logger, leaseMs: config.turnLeaseMs, spool, observer, ...(lock ? { lock } : {}), ...(errorText ? { errorText } : {}) });
    const close = async () => {
      await jobs.stop();
      if (!options.knowledge) await knowledge.close();
      await signal.close();
      await tryOn?.close();
      await productImages?.close();
      await lock?.close();
      await store.close();
    };
    // The judge: the model given for it, else the chat model that answers (configured, fine-tuned or local).
    const judgeModel = options.judgeModel ?? (async () => (await chatModel())?.model);
    if (config.evalJudge === 'llm' && !options.judgeModel && !options.chatModel && !config.localModel && !config.generation.chatModel && !(await store.getSetting('generation.chatModel'))) {
      throw new ParleyError('config_invalid', 'invalid configuration: PARLEY_EVAL_JUDGE=llm needs a chat model (PARLEY_CHAT_MODEL or PARLEY_LOCAL_MODEL)');
    }
    const scorer = new ConversationScorer({
      store,
      logger,
      ticket: (id) => knowledge.get(id),
      judge: config.evalJudge === 'llm' ? judgeModel : undefined,
      scorer: {
        answerThreshold: config.answerThreshold,
        frustrationThreshold: config.handoff.frustrationThreshold,
        sensitive: { topics: config.handoff.sensitiveTopics, refundLimit: config.handoff.refundLimit },
      },
    });
    const corrections = new Corrections({ store, knowledge });
    const parley: Parley = { config, store, knowledge, bot, corrections, facts, tokens, logger, scorer, spool, signal, metrics, jobs, chatModel, profile, storeNamespace: storeNamespace(config, schema), close };
    if (sampleIngest) parley.sampleIngest = sampleIngest;
    if (tryOn) parley.tryOn = tryOn;
    return parley;
  } catch (error) {
    await signal.close();
    await store.close();
    throw error;
  }
}

/**
 * Conversation tokens: signed with `PARLEY_TOKEN_SECRET`, else with a secret generated once and kept in the store.
 * `PARLEY_TOKEN_PREVIOUS_SECRETS` are still accepted, and so is the generated secret once `PARLEY_TOKEN_SECRET` is
 * set, so that setting or rotating the secret ends no conversation (tokens move to the new secret with the next reply).
 */
async function conversationTokens(config: Config, store: Store): Promise<ConversationTokens> {
  const generated = config.tokenSecret ? await store.getSetting('token_secret') : await store.setSettingIfAbsent('token_secret', randomBytes(32).toString('base64url'));
  const secret = config.tokenSecret ?? generated!;
  const previousSecrets = [...config.tokenPreviousSecrets, ...(generated && generated !== secret && generated.length >= 32 ? [generated] : [])];
  return new ConversationTokens(secret, { previousSecrets, ttlSeconds: Math.round(config.tokenTtlHours * 3600) });
}

/** Creates `PARLEY_HOME` owner-only and tightens what an older version (or a loose umask) left readable by others. */
function preparePrivateHome(home: string, logger: Logger): void {
  ensurePrivateDir(home);
  const tightened = tightenPrivateTree(home);
  if (tightened) logger.warn({ home, entries: tightened }, 'made files under PARLEY_HOME private to the owner (0600/0700)');
}

/**
 * The chat model of a turn: a local GGUF model when `PARLEY_LOCAL_MODEL` is set (with `PARLEY_LOCAL_LORA`), else the
 * stored `generation.chatModel` setting (written when a fine-tuning job succeeds), else `PARLEY_CHAT_MODEL`, through
 * OpenAI or `OPENAI_BASE_URL`; none (the composer answers) without a model id or endpoint. Clients are kept per model id.
 */
function chatModelResolver(config: Config, store: Store): () => Promise<ChatModelHandle | undefined> {
  const clients = new Map<string, ChatModelHandle>();
  const { localModel, localLora } = config;
  if (localModel) {
    // Created by the first turn that asks for it (its module loads LangChain), then the same model for every turn.
    let local: Promise<ChatModelHandle> | undefined;
    return () =>
      (local ??= createLlamaCppChatModel({ modelPath: localModel, ...(localLora ? { loraPath: localLora } : {}) }).then((model) => ({
        model,
        name: `local:${basename(localModel)}`,
        modelId: basename(localModel),
      })));
  }
  return async () => {
    // Read on every turn: a value up to 5 s old will do (another process's switch takes effect within that time).
    const id = (await store.getSetting('generation.chatModel', { maxAgeMs: CHAT_MODEL_SETTING_MAX_AGE_MS })) ?? config.generation.chatModel;
    if (!id || (!config.openaiApiKey && !config.openaiBaseUrl)) return undefined;
    let handle = clients.get(id);
    if (!handle) {
      handle = await createChatModel({ model: id, apiKey: config.openaiApiKey, baseURL: config.openaiBaseUrl, timeoutMs: config.generation.timeoutMs });
      clients.set(id, handle);
    }
    return handle;
  };
}

/** How the try-on dialog reads photos and names result URLs on this server. */
function tryOnDialogOptions(config: Config, builtIn: TryOnService, logger: Logger): TryOnDialogOptions {
  const uploads = new UploadStore(join(config.home, 'uploads'));
  // With a model server configured it answers first; the built-in pipeline answers when it fails or times out.
  const runner = config.tryonUrl ? new RemoteTryOn({ url: config.tryonUrl, timeoutMs: config.tryonTimeoutMs, fallback: builtIn, logger }) : builtIn;
  return {
    runner,
    retentionHours: config.photoRetentionHours,
    logger,
    mediaUrl: (id) => `${config.publicUrl?.replace(/\/$/, '') ?? ''}/media/tryon/${id}`,
    productImageUrl: (id) => `${config.publicUrl?.replace(/\/$/, '') ?? ''}/media/catalogue/${encodeURIComponent(id)}`,
    async readAttachment(conversationId, attachment) {
      if (attachment.data) return attachment.data;
      const upload = attachment.url ? parseUploadPath(attachment.url) : undefined;
      // Only an upload of this very conversation; other URLs are not fetched.
      if (!upload || upload.conversationId !== conversationId) return undefined;
      const file = await uploads.find(conversationId, upload.uploadId);
      return file ? new Uint8Array(await readFile(file.path)) : undefined;
    },
  };
}

/** How the product-photos dialog names generated images' URLs (the try-on media route) and product photos. */
function productPhotosOptions(config: Config, runner: AugmentService, logger: Logger): ProductPhotosDialogOptions {
  const base = config.publicUrl?.replace(/\/$/, '') ?? '';
  return {
    runner,
    retentionHours: config.photoRetentionHours,
    logger,
    mediaUrl: (id) => `${base}/media/tryon/${id}`,
    productImageUrl: (id) => `${base}/media/catalogue/${encodeURIComponent(id)}`,
  };
}

/**
 * Where the index generations (one per knowledge model version) live: a collection per version behind the alias
 * `QDRANT_COLLECTION` when `QDRANT_URL` is set, else in-process indexes filled from the stored vectors.
 */
function generations(config: Config): IndexGenerations {
  if (!config.qdrantUrl) return memoryGenerations();
  return qdrantGenerations({ url: config.qdrantUrl, collection: config.qdrantCollection, ...(config.qdrantApiKey ? { apiKey: config.qdrantApiKey } : {}) });
}

/** The embedder the configuration selects: OpenAI (or a compatible server) with `PARLEY_EMBEDDINGS=openai`, else LSA. */
function embedder(config: Config): Embedder {
  if (config.embeddings !== 'openai' || !config.openaiApiKey) return new LsaEmbedder();
  return new OpenAIEmbedder({ apiKey: config.openaiApiKey, model: config.embeddingModel, ...(config.openaiBaseUrl ? { baseURL: config.openaiBaseUrl } : {}) });
}

/** The configured word vectors: the packaged GloVe vectors (read once per process) unless `PARLEY_WORD_VECTORS=none`. */
function wordVectors(config: Config): WordVectors | undefined {
  return config.wordVectors === 'glove' ? WordVectors.shared() : undefined;
}

/** One directory of known knowledge scopes per store (its cache is shared by every channel of a Parley). */
const scopeDirectories = new WeakMap<Store, (refresh: boolean) => Promise<ReadonlySet<string>>>();

/** What channel adapters need from a running Parley (its bot, store, tokens, API key and logger). */
export function channelHost(parley: Parley): ChannelHost {
  let known = scopeDirectories.get(parley.store);
  if (!known) scopeDirectories.set(parley.store, (known = knownScopes(parley.store, parley.config.endpointScopes)));
  return {
    bot: parley.bot,
    store: parley.store,
    tokens: parley.tokens,
    apiKey: parley.config.apiKey,
    identitySecret: parley.config.identitySecret,
    endpointScopes: parley.config.endpointScopes,
    knownScopes: known,
    logger: parley.logger,
  };
}
