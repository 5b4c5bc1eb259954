import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { packageRoot } from '../../../bot/core/index.js';
import type { Hit } from '../../retrieval/retriever.js';
import { Generator } from '../generator.js';
import { startFakeChatCompletions, type FakeChatCompletions } from '../testing/fake-chat-completions.js';
import { createChatModel } from './index.js';

// Requests Parley sends and answers the fake gives are checked against OpenAI's published OpenAPI document.
const SPEC = join(packageRoot(), '..', 'shared', 'specs', 'openai', 'openapi.json');
/** OpenAPI 3.0's `nullable: true` (left in places of this 3.1 document) as JSON Schema: `null` joins the type and enum. */
function nullableToJsonSchema(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('nullable' in value)) return value;
  const { nullable, ...schema } = value as { nullable: unknown; type?: unknown; enum?: unknown[] };
  if (nullable !== true || schema.type === undefined) return schema;
  return { ...schema, type: [...(Array.isArray(schema.type) ? schema.type : [schema.type]), 'null'], ...(schema.enum ? { enum: [...schema.enum, null] } : {}) };
}
const doc: object | undefined = existsSync(SPEC) ? (JSON.parse(readFileSync(SPEC, 'utf8'), nullableToJsonSchema) as object) : undefined;
if (!doc) console.warn(`${SPEC} is missing: skipping the checks against OpenAI's OpenAPI document`);
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('unixtime', true);
if (doc) ajv.addSchema({ ...doc, $id: 'openai' });
const compiled = new Map<string, ValidateFunction>();
function validate(name: string, data: unknown): string[] {
  if (!doc) return [];
  if (!compiled.has(name)) compiled.set(name, ajv.compile({ $ref: `openai#/components/schemas/${name}` }));
  const check = compiled.get(name)!;
  return check(data) ? [] : [`${name}: ${ajv.errorsText(check.errors)}`];
}

const KEY = 'sk-test-fake-openai-key';
const hit = (id: string, question: string, answer: string, score = 0.8): Hit => ({ ticket: { id, question, answer, source: 'test', metadata: {} }, score });
const HITS = [hit('T-1', 'How long do refunds take?', 'Refunds reach your card within 5 to 7 business days after we scan your return.')];
const request = { question: 'how long will my refund take?', history: [], hits: HITS };

let fake: FakeChatCompletions;
beforeEach(async () => {
  fake = await startFakeChatCompletions({ apiKey: KEY });
});
afterEach(async () => {
  await fake.close();
});

function everyExchangeFitsTheSpec(): void {
  for (const r of fake.requests.filter((x) => x.status === 200)) {
    expect(validate('CreateChatCompletionRequest', r.body)).toEqual([]);
    if (r.response) expect(validate('CreateChatCompletionResponse', r.response)).toEqual([]);
    for (const chunk of r.chunks) expect(validate('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
  }
}

describe('createChatModel against a local OpenAI chat completions server', () => {
  it('answers a prompt with usage, through OPENAI_BASE_URL, with a fine-tuned model id', async () => {
    const { model, name } = await createChatModel({ model: 'ft:gpt-4o-mini-2024-07-18:acme::abc123', apiKey: KEY, baseURL: fake.url });
    expect(name).toBe('openai-compatible:ft:gpt-4o-mini-2024-07-18:acme::abc123');
    const message = await model.invoke([['system', '<tickets>\n<ticket n="1">\nAgent answered: Refunds take 5 days.\n</ticket>\n</tickets>'], ['human', 'refund time?']]);
    expect(message.content).toBe('Refunds take 5 days. [1]');
    expect(message.usage_metadata?.output_tokens).toBeGreaterThan(0);
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect((fake.requests[0]!.body as { model: string }).model).toBe('ft:gpt-4o-mini-2024-07-18:acme::abc123');
    everyExchangeFitsTheSpec();
  });

  it('streams server-sent chunks and reports usage from the last chunk', async () => {
    const { model } = await createChatModel({ model: 'gpt-4o-mini', apiKey: KEY, baseURL: fake.url });
    const pieces: string[] = [];
    let usage: number | undefined;
    for await (const chunk of await model.stream([['system', '<tickets>\n<ticket n="1">\nAgent answered: Refunds take five business days.\n</ticket>\n</tickets>'], ['human', 'refund?']])) {
      if (typeof chunk.content === 'string' && chunk.content) pieces.push(chunk.content);
      usage = chunk.usage_metadata?.total_tokens ?? usage;
    }
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join('')).toBe('Refunds take five business days. [1]');
    expect(usage).toBeGreaterThan(0);
    const body = fake.requests[0]!.body as { stream: boolean; stream_options?: { include_usage: boolean } };
    expect(body.stream).toBe(true);
    expect(body.stream_options?.include_usage).toBe(true);
    everyExchangeFitsTheSpec();
  });

  it('works with a keyless OpenAI-compatible server (llama.cpp server, Ollama, vLLM)', async () => {
    const open = await startFakeChatCompletions({ requireKey: false, respond: () => 'Hello from a local model.' });
    try {
      const { model, name } = await createChatModel({ model: 'llama-3.2-1b-instruct', baseURL: open.url });
      expect(name).toBe('openai-compatible:llama-3.2-1b-instruct');
      expect((await model.invoke('hi')).content).toBe('Hello from a local model.');
    } finally {
      await open.close();
    }
  });

  it('fails clearly with a wrong key, and refuses to start without a model or an endpoint', async () => {
    const { model } = await createChatModel({ model: 'gpt-4o-mini', apiKey: 'sk-wrong', baseURL: fake.url });
    await expect(model.invoke('hi')).rejects.toThrow(/401|Incorrect API key/);
    await expect(createChatModel({ model: ' ' , apiKey: KEY })).rejects.toThrow(/PARLEY_CHAT_MODEL/);
    await expect(createChatModel({ model: 'gpt-4o-mini' })).rejects.toThrow(/OPENAI_API_KEY/);
  });

  it('answers with the model, grounded and cited, and records its usage', async () => {
    const generator = new Generator({ chatModel: async () => createChatModel({ model: 'gpt-4o-mini', apiKey: KEY, baseURL: fake.url }) });
    const answer = await generator.generate(request);
    expect(answer).toMatchObject({ verdict: 'answer', generator: 'openai-compatible:gpt-4o-mini', text: `${HITS[0]!.ticket.answer} [1]` });
    expect(answer.sources.map((s) => s.ticket.id)).toEqual(['T-1']);
    expect(answer.usage?.promptTokens).toBeGreaterThan(0);
    everyExchangeFitsTheSpec();
  });

  it('streams checked sentences to the caller', async () => {
    fake.setDelay(1);
    const generator = new Generator({ chatModel: async () => createChatModel({ model: 'gpt-4o-mini', apiKey: KEY, baseURL: fake.url }) });
    const deltas: string[] = [];
    const answer = await generator.generate(request, { onDelta: async (d) => void deltas.push(d) });
    expect(answer.streamed).toBe(true);
    expect(deltas.join('').trim()).toBe(answer.text);
    everyExchangeFitsTheSpec();
  });

  it('retries a failed call once, then falls back to the composer; a slow model is not waited for', async () => {
    const generator = new Generator({ retries: 1, timeoutMs: 300, chatModel: async () => createChatModel({ model: 'gpt-4o-mini', apiKey: KEY, baseURL: fake.url }) });
    fake.failNext(1, 500);
    expect(await generator.generate(request)).toMatchObject({ verdict: 'answer', generator: 'openai-compatible:gpt-4o-mini' });
    fake.failNext(2, 503);
    const down = await generator.generate(request);
    expect(down).toMatchObject({ verdict: 'answer', generator: 'composer', fallback: 'model_error' });
    expect(down.text).toContain('5 to 7 business days');
    fake.setDelay(1000);
    const slow = await generator.generate(request);
    expect(slow).toMatchObject({ verdict: 'answer', generator: 'composer', fallback: 'timeout' });
  });
});
