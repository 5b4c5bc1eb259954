import type { OpenAIEmbeddings } from '@langchain/openai';
import { ParleyError } from '../../../bot/core/index.js';
import type { Embedder } from '../embedder.js';

/** Options of {@link OpenAIEmbedder}. */
export interface OpenAIEmbedderOptions {
  /** OpenAI API key (sent as `Authorization: Bearer …`; never put in error messages). */
  apiKey: string;
  /** Embedding model; default `text-embedding-3-small`. */
  model?: string;
  /** Base URL of an OpenAI-compatible server, including the version, e.g. `http://127.0.0.1:8080/v1`. */
  baseURL?: string;
  /** Ask the API for vectors of this length (`text-embedding-3` models and later). */
  dimensions?: number;
  /** Texts per request; default 256 (the API accepts at most 2048). */
  batchSize?: number;
  /** Timeout of each HTTP request, in milliseconds; default 60,000. */
  timeoutMs?: number;
  /**
   * Retries of a failed request after the first attempt; default 3. Retried: 5xx, connection errors, timeouts and
   * 429s carrying a `Retry-After` of at most a minute, with exponential backoff from about a second. Not retried:
   * 400/401/403/404 and 429s without `Retry-After` or about an exhausted quota.
   */
  maxRetries?: number;
}

const MAX_BATCH = 2048;

/** Redacts the key itself and anything shaped like an OpenAI key (the API echoes keys masked, but still partly). */
function redact(text: string, apiKey: string): string {
  const withoutKey = apiKey ? text.split(apiKey).join('[redacted]') : text;
  return withoutKey.replace(/\bsk-[\w*-]{4,}/g, 'sk-[redacted]');
}

/** The HTTP status of an error of the `openai` client (`undefined` when no response arrived). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The API's own message (`error.message` of its error body) when there is one, else the error's message. */
function upstreamMessage(error: unknown): string {
  const body = (error as { error?: { message?: unknown } } | null)?.error;
  if (typeof body?.message === 'string') return body.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Hosted embeddings through OpenAI's `POST /embeddings` (or any OpenAI-compatible server), via `OpenAIEmbeddings` of
 * `@langchain/openai`. Pre-trained, so {@link OpenAIEmbedder.fit} does nothing; {@link OpenAIEmbedder.dims} is known
 * from `dimensions` or after the first {@link OpenAIEmbedder.embed}. Blank texts are not sent (the API rejects empty
 * strings) and embed as zero vectors. Failures surface as `ParleyError('storage_failed')` naming the model and the HTTP
 * status, never the key.
 */
export class OpenAIEmbedder implements Embedder {
  /** `openai:<model>`. */
  readonly name: string;
  readonly #model: string;
  readonly #apiKey: string;
  /** LangChain's client, imported on first use (a process without OpenAI embeddings never loads the SDK). */
  readonly #client: () => Promise<OpenAIEmbeddings>;
  #dims: number;

  constructor(options: OpenAIEmbedderOptions) {
    if (!options.apiKey) throw new ParleyError('config_invalid', 'OpenAI embeddings: apiKey is required');
    const batchSize = options.batchSize ?? 256;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
      throw new ParleyError('config_invalid', `OpenAI embeddings: batchSize must be an integer from 1 to ${MAX_BATCH}, got ${batchSize}`);
    }
    if (options.dimensions !== undefined && (!Number.isInteger(options.dimensions) || options.dimensions < 1)) {
      throw new ParleyError('config_invalid', `OpenAI embeddings: dimensions must be a positive integer, got ${options.dimensions}`);
    }
    this.#model = options.model ?? 'text-embedding-3-small';
    this.#apiKey = options.apiKey;
    this.#dims = options.dimensions ?? 0;
    this.name = `openai:${this.#model}`;
    let client: Promise<OpenAIEmbeddings> | undefined;
    this.#client = () =>
      (client ??= import('@langchain/openai').then(
        ({ OpenAIEmbeddings }) =>
          new OpenAIEmbeddings({
            apiKey: options.apiKey,
            model: this.#model,
            batchSize,
            ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
            timeout: options.timeoutMs ?? 60_000,
            maxRetries: options.maxRetries ?? 3,
            ...(options.baseURL !== undefined ? { configuration: { baseURL: options.baseURL } } : {}),
          }),
      ));
  }

  /** Vector length: `dimensions` when given, else learnt from the first answer (0 until then). */
  get dims(): number {
    return this.#dims;
  }

  /** Nothing to learn: the model is pre-trained. */
  async fit(_texts: readonly string[]): Promise<void> {}

  /** Embeds the texts in order, `batchSize` per request (two requests in flight at a time). */
  async embed(texts: readonly string[]): Promise<number[][]> {
    const sent = texts.flatMap((text, i) => (text.trim() ? [i] : []));
    const out: number[][] = texts.map(() => []);
    if (sent.length > 0) {
      let vectors: number[][];
      try {
        vectors = await (await this.#client()).embedDocuments(sent.map((i) => texts[i] as string));
      } catch (error) {
        throw this.#failure(error);
      }
      const size = this.#dims || vectors[0]?.length || 0;
      if (vectors.length !== sent.length || vectors.some((v) => !Array.isArray(v) || v.length !== size || size === 0)) {
        throw new ParleyError('storage_failed', `OpenAI embeddings (model ${this.#model}) returned ${vectors.length} vectors for ${sent.length} texts, not all of length ${size || 'n>0'}`, {
          details: { model: this.#model },
        });
      }
      this.#dims = size;
      sent.forEach((textIndex, i) => (out[textIndex] = vectors[i] as number[]));
    }
    return out.map((v) => (v.length ? v : new Array<number>(this.#dims).fill(0)));
  }

  #failure(error: unknown): ParleyError {
    const status = statusOf(error);
    const what = status === undefined ? 'no HTTP response' : `HTTP ${status}`;
    const message = redact(`OpenAI embeddings (model ${this.#model}) failed: ${what}: ${upstreamMessage(error)}`, this.#apiKey);
    return new ParleyError('storage_failed', message, { cause: error, details: { model: this.#model, ...(status !== undefined ? { status } : {}) } });
  }
}
