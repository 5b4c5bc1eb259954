import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { z } from 'zod';
import { startFakeServer, VendorRejection, type FakeRequest } from '../../../../bot/core/testing/fake-server.js';

/** One request the fake received, with what it answered. */
export interface FakeOpenAIRequest {
  method: string;
  /** URL path without the query string, e.g. `/v1/embeddings`. */
  path: string;
  /** Request headers as Node reports them (lower-cased names). */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown;
  /** HTTP status answered. */
  status: number;
  /** JSON body answered. */
  response: unknown;
}

/** A running fake OpenAI API. */
export interface FakeOpenAI {
  /** Base URL including the API version, `http://127.0.0.1:<port>/v1` (what OpenAI clients take as `baseURL`). */
  url: string;
  /** Every request received, in order. */
  requests: FakeOpenAIRequest[];
  /**
   * Makes the next `count` embedding requests fail with HTTP `status` and OpenAI's error body (a 429 also carries
   * `Retry-After: 1`, as the API sends when it has computed a delay).
   */
  failNext(count: number, status: number): void;
  /** The requests OpenAI would reject so far, forgotten (for a test that sends them on purpose); `close()` fails on any left. */
  takeViolations(): string[];
  close(): Promise<void>;
}

/** Options of {@link startFakeOpenAI}. */
export interface FakeOpenAIOptions {
  /** The only key accepted as `Authorization: Bearer <key>`; default `sk-test-fake-openai-key`. */
  apiKey?: string;
  /** Length of the vectors returned when the request names no `dimensions`; default 1536 (text-embedding-3-small). */
  dims?: number;
}

/** OpenAI's error body (`ErrorResponse` in the OpenAPI document). */
interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

class FakeOpenAIError extends Error {
  constructor(readonly status: number, message: string, readonly type = 'invalid_request_error', readonly param: string | null = null, readonly code: string | null = null) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const REFERENCE = 'Please check the API reference: https://platform.openai.com/docs/api-reference.';
const MAX_INPUTS = 2048;

/** Fails with the status's usual error body (type and code as OpenAI answers them). */
function injected(status: number): FakeOpenAIError {
  if (status === 429) return new FakeOpenAIError(429, 'Rate limit reached for requests. Please try again in 1s.', 'requests', null, 'rate_limit_exceeded');
  if (status >= 500) return new FakeOpenAIError(status, 'The server had an error while processing your request. Sorry about that!', 'server_error');
  return new FakeOpenAIError(status, `Injected failure (HTTP ${status}).`);
}

/** OpenAI's 401s: the key is echoed only masked (first 3 and last 4 characters), as the real API does. */
function authenticate(header: string | undefined, apiKey: string): void {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) {
    throw new FakeOpenAIError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
  }
  const key = match[1] as string;
  if (key !== apiKey) {
    const masked = `${key.slice(0, 3)}${'*'.repeat(Math.max(0, key.length - 7))}${key.slice(-4)}`;
    throw new FakeOpenAIError(401, `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key');
  }
}

type Input = string | number[];

/**
 * `CreateEmbeddingRequest` of OpenAI's OpenAPI document: `input` a non-empty string, up to 2,048 non-empty strings, a
 * token array or up to 2,048 token arrays; `model`; `encoding_format` `float` or `base64`; `dimensions` ≥ 1 (not for
 * `text-embedding-ada-002`); `user`. An unknown field is rejected, as the API does.
 */
const EmbeddingRequest = z
  .strictObject({
    input: z.union([
      z.string().min(1),
      z.array(z.string().min(1)).min(1).max(MAX_INPUTS),
      z.array(z.int()).min(1).max(MAX_INPUTS),
      z.array(z.array(z.int()).min(1)).min(1).max(MAX_INPUTS),
    ]),
    model: z.string().min(1, 'you must provide a model parameter'),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.int().min(1).optional(),
    user: z.string().optional(),
  })
  .refine((request) => request.dimensions === undefined || request.model !== 'text-embedding-ada-002', { error: 'This model does not support specifying dimensions.', path: ['dimensions'] });

/** OpenAI's error body for a request it rejects (`invalid_request_error`, the first field at fault as `param`). */
function rejection(rejected: VendorRejection): { status: number; body: unknown } {
  const issue = rejected.issues[0];
  const message = issue?.code === 'unrecognized_keys' ? `Unrecognized request argument supplied: ${issue.keys.join(', ')}` : `${rejected.message} ${REFERENCE}`;
  return { status: 400, body: new FakeOpenAIError(400, message, 'invalid_request_error', issue?.path.length ? issue.path.map(String).join('.') : null).toBody() };
}

/** The inputs of a valid request, one per embedding (a single string or token array is one input). */
function inputsOf(input: z.infer<typeof EmbeddingRequest>['input']): Input[] {
  if (typeof input === 'string') return [input];
  if (input.every((x) => typeof x === 'string')) return input as string[];
  if (input.every((x) => typeof x === 'number')) return [input as number[]];
  return input as number[][];
}

/** Words of a text (lower-cased letters and digits), or `#<id>` features for token arrays. */
function featuresOf(input: Input): string[] {
  return typeof input === 'string' ? (input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) : input.map((t) => `#${t}`);
}

/**
 * A deterministic, unit-length hashed bag of words: each feature adds ±1 at a hashed position, so texts sharing words
 * are close. A text with no features gets a fixed unit vector.
 */
function fakeEmbedding(input: Input, dims: number): number[] {
  const vector = new Array<number>(dims).fill(0);
  const features = featuresOf(input);
  for (const feature of features.length ? features : ['\u0000']) {
    const digest = createHash('sha256').update(feature).digest();
    const slot = digest.readUInt32LE(0) % dims;
    vector[slot] = (vector[slot] as number) + (digest.readUInt8(4) & 1 ? 1 : -1);
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((v) => Math.fround(v / norm));
}

/** Little-endian float32 bytes in base64, as the API encodes embeddings for `encoding_format: "base64"`. */
function toBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}

function embeddingsResponse(request: z.infer<typeof EmbeddingRequest>, defaultDims: number): unknown {
  const { model } = request;
  const inputs = inputsOf(request.input);
  const base64 = request.encoding_format === 'base64';
  const dims = request.dimensions ?? defaultDims;
  const tokens = inputs.reduce((sum, input) => sum + Math.max(1, featuresOf(input).length), 0);
  return {
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = fakeEmbedding(input, dims);
      return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/**
 * Starts a fake of OpenAI's embeddings API on 127.0.0.1 (random port): `POST /v1/embeddings` as the OpenAPI document
 * describes `CreateEmbeddingRequest` / `CreateEmbeddingResponse` (string, string-array and token inputs; `float` or
 * `base64` encoding; `dimensions`; `usage`), Bearer authentication (401 with OpenAI's error body for a missing or wrong
 * key), 400 for malformed bodies, 404 for other paths, and failure injection. Embeddings are deterministic hashed bags
 * of words ({@link fakeEmbedding}).
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? 'sk-test-fake-openai-key';
  const defaultDims = options.dims ?? 1536;
  const requests: FakeOpenAIRequest[] = [];
  const failures: number[] = [];

  const handle = (req: FakeRequest, res: ServerResponse): void => {
    const { path } = req;
    // A body that is not JSON is kept as text (a 400 below).
    const body: unknown = req.json ?? (req.text || undefined);
    const record: FakeOpenAIRequest = { method: req.method, path, headers: req.headers, body, status: 0, response: undefined };
    requests.push(record);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': `req_${requests.length}` };
    try {
      if (record.method !== 'POST' || path !== '/v1/embeddings') {
        throw new FakeOpenAIError(404, `Invalid URL (${record.method} ${path})`);
      }
      const failure = failures.shift();
      if (failure !== undefined) {
        if (failure === 429) headers['retry-after'] = '1';
        throw injected(failure);
      }
      authenticate(req.headers.authorization, apiKey);
      record.response = embeddingsResponse(req.valid(EmbeddingRequest), defaultDims);
      record.status = 200;
      headers['openai-model'] = (body as { model: string }).model;
    } catch (error) {
      if (error instanceof VendorRejection) {
        Object.assign(record, { status: 400, response: rejection(error).body });
        throw error;
      }
      const failure = error instanceof FakeOpenAIError ? error : new FakeOpenAIError(500, String(error), 'server_error');
      record.status = failure.status;
      record.response = failure.toBody();
    }
    res.writeHead(record.status, headers).end(JSON.stringify(record.response));
  };

  const server = await startFakeServer(handle, { vendor: 'OpenAI', rejection });
  return {
    url: `${server.url}/v1`,
    requests,
    failNext(count: number, status: number): void {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    takeViolations: () => server.takeViolations(),
    close: () => server.close(),
  };
}
