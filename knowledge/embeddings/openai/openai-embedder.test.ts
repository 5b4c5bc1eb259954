import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { packageRoot, ParleyError } from '../../../bot/core/index.js';
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from './index.js';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIRequest } from './testing/index.js';

// ---- OpenAI's published OpenAPI document: every request the embedder sends and every answer of the fake must fit it.
const SPEC = join(packageRoot(), '..', 'shared', 'specs', 'openai', 'openapi.json');
const doc: object | undefined = existsSync(SPEC) ? JSON.parse(readFileSync(SPEC, 'utf8')) : undefined;
if (!doc) console.warn(`${SPEC} is missing: skipping the checks of requests and responses against OpenAI's OpenAPI document`);
// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('unixtime', true);
if (doc) ajv.addSchema({ ...doc, $id: 'openai' });
const compiled = new Map<string, ValidateFunction>();
function validate(name: string, data: unknown): string[] {
  if (!compiled.has(name)) compiled.set(name, ajv.compile({ $ref: `openai#/components/schemas/${name}` }));
  const check = compiled.get(name)!;
  return check(data) ? [] : [`${name}: ${ajv.errorsText(check.errors)}`];
}

/**
 * The document types `Embedding.embedding` as an array of floats only, while OpenAI's documentation of
 * `encoding_format: "base64"` (which the `openai` client asks for by default) returns it as a base64 string of
 * little-endian float32s. Following the documentation, such answers are decoded before being checked.
 */
function decoded(r: FakeOpenAIRequest): unknown {
  if ((r.body as { encoding_format?: string }).encoding_format !== 'base64') return r.response;
  const response = r.response as { data: { embedding: unknown }[] };
  const floats = (s: unknown): unknown => {
    if (typeof s !== 'string') return s;
    const bytes = Buffer.from(s, 'base64');
    return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  };
  return { ...response, data: response.data.map((d) => ({ ...d, embedding: floats(d.embedding) })) };
}

/** `POST /embeddings` (server `…/v1`): the body is a CreateEmbeddingRequest; answers a CreateEmbeddingResponse or,
 *  on errors (the document lists only 429's), OpenAI's ErrorResponse. */
function specErrors(r: FakeOpenAIRequest): string[] {
  if (r.method !== 'POST' || r.path !== '/v1/embeddings') return [`${r.method} ${r.path} is not POST /v1/embeddings`];
  // A 400 answers a deliberately malformed request of the fake's own tests; every other body must fit the schema.
  const errors = r.status === 400 ? [] : validate('CreateEmbeddingRequest', r.body).map((e) => `request ${e}`);
  const response = r.status === 200 ? validate('CreateEmbeddingResponse', decoded(r)) : validate('ErrorResponse', r.response);
  return [...errors, ...response.map((e) => `response ${e}`)];
}

// ---- One fake per test, checked against the document afterwards.
const KEY = 'sk-test-parley-0123456789abcdef';
let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI({ apiKey: KEY, dims: 256 });
});
afterEach(async () => {
  await fake.close();
  if (doc) expect(fake.requests.flatMap(specErrors)).toEqual([]);
});

const open = (options: Partial<OpenAIEmbedderOptions> = {}): OpenAIEmbedder => new OpenAIEmbedder({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, ...options });
const bodies = (): { model: string; input: string[]; encoding_format?: string; dimensions?: number }[] => fake.requests.map((r) => r.body as never);
const cosine = (a: number[], b: number[]): number => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);
const failure = (promise: Promise<unknown>): Promise<ParleyError> => promise.then(() => Promise.reject(new Error('expected a failure')), (e: ParleyError) => e);

describe('OpenAIEmbedder', () => {
  test('batches 600 texts into requests of at most 256, keeping their order', async () => {
    const embedder = open();
    expect(embedder.name).toBe('openai:text-embedding-3-small');
    expect(embedder.dims).toBe(0);
    const texts = Array.from({ length: 600 }, (_, i) => `ticket ${i}: where is order ${i % 7}?`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(600);
    expect(embedder.dims).toBe(256);
    expect(vectors.every((v) => v.length === 256)).toBe(true);
    expect(bodies().map((b) => b.input.length).sort((a, b) => a - b)).toEqual([88, 256, 256]);
    expect(bodies().flatMap((b) => b.input).sort()).toEqual([...texts].sort());
    // The `openai` client asks for base64 unless told otherwise, and decodes it to plain numbers.
    expect(bodies().every((b) => b.model === 'text-embedding-3-small' && b.encoding_format === 'base64' && b.dimensions === undefined)).toBe(true);
    const [again] = await embedder.embed([texts[123] as string]);
    expect(vectors[123]).toEqual(again);
  });

  test('sends the key as a Bearer token, and only to the configured base URL', async () => {
    const other = await startFakeOpenAI({ apiKey: KEY });
    try {
      await open({ batchSize: 1 }).embed(['hello', 'world']);
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
    expect(fake.requests).toHaveLength(2);
    for (const { headers } of fake.requests) {
      expect(headers.authorization).toBe(`Bearer ${KEY}`);
      expect(headers['content-type']).toBe('application/json');
      expect(headers['user-agent']).toMatch(/^langchainjs-openai\//);
    }
  });

  test('dimensions: known up front and asked of the API; the model is configurable', async () => {
    const embedder = open({ dimensions: 32, model: 'text-embedding-3-large' });
    expect(embedder.name).toBe('openai:text-embedding-3-large');
    expect(embedder.dims).toBe(32);
    const [vector] = await embedder.embed(['refund please']);
    expect(vector).toHaveLength(32);
    expect(bodies()[0]).toMatchObject({ model: 'text-embedding-3-large', dimensions: 32, input: ['refund please'] });
  });

  test('similar texts are closer than unrelated ones', async () => {
    const [a, b, c] = (await open().embed(['my parcel has not arrived yet', 'the parcel I ordered has not arrived', 'how do I reset my password'])) as number[][];
    expect(cosine(a!, a!)).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.2);
  });

  test('fit is a no-op; blank texts are not sent and embed as zeros; nothing to embed sends nothing', async () => {
    const embedder = open();
    await embedder.fit(['anything']);
    expect(await embedder.embed([])).toEqual([]);
    expect(fake.requests).toEqual([]);
    const [hello, blank, empty] = await embedder.embed(['hello', '  \n', '']);
    expect(bodies().map((b) => b.input)).toEqual([['hello']]);
    expect(hello).toHaveLength(256);
    expect(blank).toEqual(new Array(256).fill(0));
    expect(empty).toEqual(new Array(256).fill(0));
  });

  test('a wrong key fails at once as storage_failed naming the model and status, never the key', async () => {
    const secret = 'sk-wrong-secret-key-987654321';
    const embedder = open({ apiKey: secret, maxRetries: 3 });
    const error = await failure(embedder.embed(['hello']));
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'storage_failed', details: { model: 'text-embedding-3-small', status: 401 } });
    expect(error.message).toMatch(/text-embedding-3-small.*HTTP 401/);
    for (const text of [error.message, inspect(error, { depth: 20 }), JSON.stringify(error), inspect(embedder, { depth: 20 })]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('9876');
    }
    expect(fake.requests.map((r) => r.status)).toEqual([401]);
  });

  test('retries a 500 and succeeds', async () => {
    fake.failNext(1, 500);
    await expect(open({ maxRetries: 1 }).embed(['hello'])).resolves.toHaveLength(1);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  test('retries a 429 that carries Retry-After', async () => {
    fake.failNext(1, 429);
    await expect(open({ maxRetries: 1 }).embed(['hello'])).resolves.toHaveLength(1);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  test('gives up after maxRetries with the last status', async () => {
    fake.failNext(2, 503);
    const error = await failure(open({ maxRetries: 1 }).embed(['hello']));
    expect(error).toMatchObject({ code: 'storage_failed', details: { status: 503 } });
    expect(error.message).toMatch(/model text-embedding-3-small.*HTTP 503/);
    expect(fake.requests.map((r) => r.status)).toEqual([503, 503]);
  });

  test('a server that is not there fails as storage_failed without an HTTP status', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const error = await failure(open({ baseURL: gone.url }).embed(['hello']));
    expect(error).toMatchObject({ code: 'storage_failed' });
    expect(error.message).toMatch(/text-embedding-3-small.*no HTTP response/);
  });

  test('rejects bad options', () => {
    for (const options of [{ apiKey: '' }, { batchSize: 0 }, { batchSize: 4096 }, { dimensions: 0 }]) {
      expect(() => open(options)).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    }
  });
});

describe('startFakeOpenAI', () => {
  /** An embeddings answer, or an error one. */
  type Answer = { data: { index: number; embedding: number[] | string }[]; usage: { prompt_tokens: number }; error: { type: string } };
  const post = async (body: unknown, key: string | null = KEY): Promise<{ status: number; json: Answer }> => {
    const response = await fetch(`${fake.url}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Answer };
  };

  test('embeds a string, strings, tokens and token arrays; base64 is the float32 encoding of the floats', async () => {
    const model = 'text-embedding-3-small';
    const one = (await post({ model, input: 'Hello, world', encoding_format: 'float' })).json;
    expect(one.data).toHaveLength(1);
    expect(one.data[0]!.embedding).toHaveLength(256);
    expect(one.usage.prompt_tokens).toBe(2);
    const many = (await post({ model, input: ['Hello, world', 'bye'] })).json;
    expect(many.data.map((d) => d.index)).toEqual([0, 1]);
    expect(many.data[0]!.embedding).toEqual(one.data[0]!.embedding);
    expect(((await post({ model, input: [1, 2, 3] })).json).data).toHaveLength(1);
    expect(((await post({ model, input: [[1, 2], [3]] })).json).data).toHaveLength(2);
    const base64 = (await post({ model, input: 'Hello, world', encoding_format: 'base64' })).json;
    const bytes = Buffer.from(base64.data[0]!.embedding as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(one.data[0]!.embedding);
  });

  test('answers 400 for malformed bodies and 401 for a missing or wrong key, in OpenAI\'s error shape', async () => {
    const model = 'text-embedding-3-small';
    const bad = ['not json', { input: 'x' }, { model }, { model, input: '' }, { model, input: [] }, { model, input: ['a', 1] },
      { model, input: 'x', encoding_format: 'hex' }, { model, input: 'x', dimensions: 0 }, { model, input: 'x', temperature: 1 },
      { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }];
    for (const body of bad) {
      const { status, json } = await post(body);
      expect([body, status, json.error.type]).toEqual([body, 400, 'invalid_request_error']);
    }
    // Each is a request OpenAI would reject: the fake keeps them, and its close() would fail on them.
    expect(fake.takeViolations()).toHaveLength(bad.length);
    expect(await post({ model, input: 'x' }, null)).toMatchObject({ status: 401, json: { error: { code: null } } });
    const wrong = await post({ model, input: 'x' }, 'sk-some-other-key-5555');
    expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'invalid_api_key', type: 'invalid_request_error' } } });
    expect(JSON.stringify(wrong.json)).not.toContain('sk-some-other-key-5555');
  });
});
