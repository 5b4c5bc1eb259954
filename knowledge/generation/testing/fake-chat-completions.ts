import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { z } from 'zod';
import { startFakeServer, VendorRejection, type FakeRequest } from '../../../bot/core/testing/fake-server.js';
import { complyingResponse, type ScriptMessage } from './scripted-model.js';

/** One request the fake received, with what it answered (for a stream: every chunk, in order). */
export interface FakeChatRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
  /** The JSON body answered; for a stream, undefined (see `chunks`). */
  response: unknown;
  /** The `chat.completion.chunk` objects sent as server-sent events. */
  chunks: unknown[];
}

/** A running fake of OpenAI's chat completions API (also what vLLM, llama.cpp server and Ollama serve). */
export interface FakeChatCompletions {
  /** `http://127.0.0.1:<port>/v1`. */
  url: string;
  requests: FakeChatRequest[];
  /** The next `count` requests fail with HTTP `status` and OpenAI's error body. */
  failNext(count: number, status: number): void;
  /** Answers take this long (ms) from now on; a stream waits this long between chunks. */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

/** Options of {@link startFakeChatCompletions}. */
export interface FakeChatCompletionsOptions {
  /** The only key accepted; default `sk-test-fake-openai-key`. Undefined with `requireKey: false` (local servers). */
  apiKey?: string;
  /** Whether an `Authorization: Bearer` key is checked; default true. */
  requireKey?: boolean;
  /** The answer to a conversation; default {@link complyingResponse} (answers from the first ticket, obeys attacks). */
  respond?: (messages: ScriptMessage[]) => string;
}

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
/** A text content part, or any other kind of part (images, audio, files) the fake does not read. */
const ContentPart = z.looseObject({ type: z.string() });

/**
 * `CreateChatCompletionRequest` of OpenAI's OpenAPI document (`openai/openapi.json`): `model` and a non-empty
 * `messages` list (each with a known `role`; `content` text or parts, null only for an assistant), the sampling
 * options within their documented ranges, `stream_options` only with `stream`. Other documented fields are allowed
 * as they are; an unknown one is rejected, as the API does ("Unrecognized request argument supplied").
 */
const ChatCompletionRequest = z
  .strictObject({
    model: z.string().min(1, 'you must provide a model parameter'),
    messages: z
      .array(z.looseObject({ role: z.enum(ROLES), content: z.union([z.string(), z.array(ContentPart).min(1)]).nullable().optional(), name: z.string().optional() }))
      .min(1, "Invalid 'messages': empty array. Expected an array with minimum length 1."),
    stream: nullable(z.boolean()),
    stream_options: nullable(z.strictObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() })),
    temperature: nullable(z.number().min(0).max(2)),
    top_p: nullable(z.number().min(0).max(1)),
    n: nullable(z.int().min(1).max(128)),
    max_tokens: nullable(z.int().min(1)),
    max_completion_tokens: nullable(z.int().min(1)),
    stop: nullable(z.union([z.string(), z.array(z.string()).min(1).max(4)])),
    presence_penalty: nullable(z.number().min(-2).max(2)),
    frequency_penalty: nullable(z.number().min(-2).max(2)),
    logit_bias: nullable(z.record(z.string(), z.int().min(-100).max(100))),
    logprobs: nullable(z.boolean()),
    top_logprobs: nullable(z.int().min(0).max(20)),
    user: z.string().optional(),
    seed: nullable(z.int()),
    response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
    tools: z.array(z.looseObject({ type: z.string() })).optional(),
    tool_choice: z.unknown().optional(),
    parallel_tool_calls: z.boolean().optional(),
    store: nullable(z.boolean()),
    metadata: nullable(z.record(z.string(), z.string())),
    reasoning_effort: nullable(z.enum(['minimal', 'low', 'medium', 'high'])),
    modalities: nullable(z.array(z.enum(['text', 'audio']))),
    prediction: z.unknown().optional(),
    audio: z.unknown().optional(),
    service_tier: nullable(z.enum(['auto', 'default', 'flex', 'scale', 'priority'])),
    web_search_options: z.unknown().optional(),
    verbosity: nullable(z.enum(['low', 'medium', 'high'])),
    prompt_cache_key: z.string().optional(),
    safety_identifier: z.string().optional(),
  })
  .refine((request) => request.stream_options == null || request.stream === true, { error: 'The stream_options parameter is only allowed when stream is enabled.', path: ['stream_options'] })
  .refine((request) => request.messages.every((m) => m.content != null || m.role === 'assistant'), { error: "Invalid 'messages': content is required except for an assistant's tool calls.", path: ['messages'] });

/** OpenAI's error body for a request it rejects (`invalid_request_error`, the first field at fault as `param`). */
function rejection(rejected: VendorRejection): { status: number; body: unknown } {
  const issue = rejected.issues[0];
  const param = issue?.path.length ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${String(p)}` : String(p))).join('') : null;
  return { status: 400, body: { error: { message: issue?.code === 'unrecognized_keys' ? `Unrecognized request argument supplied: ${issue.keys.join(', ')}` : rejected.message, type: 'invalid_request_error', param, code: null } } };
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly type = 'invalid_request_error', readonly code: string | null = null, readonly param: string | null = null) {
    super(message);
  }
}

const tokenCount = (text: string): number => (text.match(/\w+|[^\s\w]/g) ?? []).length;

function contentOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'object' && part !== null && 'text' in part ? String((part as { text: unknown }).text) : '')).join('');
  return '';
}

/** What the fake reads of a valid `CreateChatCompletionRequest`. */
function readRequest(request: z.infer<typeof ChatCompletionRequest>): { model: string; messages: ScriptMessage[]; stream: boolean; includeUsage: boolean } {
  const messages = request.messages.map((m) => {
    const mapped: ScriptMessage['role'] = m.role === 'assistant' ? 'assistant' : m.role === 'system' || m.role === 'developer' ? 'system' : 'user';
    return { role: mapped, content: contentOf(m.content) };
  });
  return { model: request.model, messages, stream: request.stream === true, includeUsage: request.stream_options?.include_usage === true };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a fake of `POST /v1/chat/completions` on 127.0.0.1 (random port), following OpenAI's OpenAPI document:
 * `CreateChatCompletionRequest` checked (400s), `CreateChatCompletionResponse` with `usage`, or with `stream: true`
 * server-sent `chat.completion.chunk` events (role, content deltas, a finish chunk, a usage chunk when
 * `stream_options.include_usage`) ended by `data: [DONE]`. Bearer authentication, failure injection and delays.
 */
export async function startFakeChatCompletions(options: FakeChatCompletionsOptions = {}): Promise<FakeChatCompletions> {
  const apiKey = options.apiKey ?? 'sk-test-fake-openai-key';
  const respond = options.respond ?? ((messages: ScriptMessage[]) => complyingResponse(messages));
  const requests: FakeChatRequest[] = [];
  const failures: number[] = [];
  let delay = 0;
  let counter = 0;

  const handle = async (req: FakeRequest, res: ServerResponse): Promise<void> => {
    const { path } = req;
    // A body that is not JSON is kept as text: a 400 below.
    const body: unknown = req.json ?? (req.text || undefined);
    const record: FakeChatRequest = { path, headers: req.headers, body, status: 0, response: undefined, chunks: [] };
    requests.push(record);
    try {
      if (req.method !== 'POST' || path !== '/v1/chat/completions') throw new HttpError(404, `Invalid URL (${req.method} ${path})`);
      const failure = failures.shift();
      if (failure !== undefined) throw new HttpError(failure, failure === 429 ? 'Rate limit reached for requests.' : 'The server had an error while processing your request.', failure === 429 ? 'requests' : 'server_error', failure === 429 ? 'rate_limit_exceeded' : null);
      if (options.requireKey !== false && req.headers.authorization !== `Bearer ${apiKey}`) throw new HttpError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      const request = readRequest(req.valid(ChatCompletionRequest));
      const text = respond(request.messages);
      const id = `chatcmpl-fake${++counter}`;
      const created = Math.floor(Date.now() / 1000);
      const usage = { prompt_tokens: request.messages.reduce((s, m) => s + tokenCount(m.content), 0), completion_tokens: tokenCount(text), total_tokens: 0 };
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      record.status = 200;
      if (!request.stream) {
        if (delay) await sleep(delay);
        record.response = { id, object: 'chat.completion', created, model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }], usage };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record.response));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const event = (chunk: object) => {
        record.chunks.push(chunk);
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      };
      const base = { id, object: 'chat.completion.chunk', created, model: request.model };
      event({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] });
      for (const piece of text.match(/\S+\s*/g) ?? []) {
        if (delay) await sleep(delay);
        if (res.destroyed) return;
        event({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null, logprobs: null }] });
      }
      event({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }] });
      if (request.includeUsage) event({ ...base, choices: [], usage });
      res.end('data: [DONE]\n\n');
    } catch (error) {
      if (error instanceof VendorRejection) {
        Object.assign(record, { status: 400, response: rejection(error).body });
        throw error;
      }
      const failure = error instanceof HttpError ? error : new HttpError(500, String(error), 'server_error');
      record.status = failure.status;
      record.response = { error: { message: failure.message, type: failure.type, param: failure.param, code: failure.code } };
      if (!res.headersSent) res.writeHead(failure.status, { 'content-type': 'application/json' }).end(JSON.stringify(record.response));
    }
  };

  const server = await startFakeServer(handle, { vendor: 'OpenAI', rejection });
  return {
    url: `${server.url}/v1`,
    requests,
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    setDelay(ms) {
      delay = ms;
    },
    close: () => server.close(),
  };
}
