import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { startFakeServer, type FakeRequest } from '../../../bot/core/testing/fake-server.js';
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

const KNOWN_FIELDS = new Set([
  'messages', 'model', 'stream', 'stream_options', 'temperature', 'top_p', 'n', 'max_tokens', 'max_completion_tokens', 'stop', 'presence_penalty',
  'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'user', 'response_format', 'seed', 'tools', 'tool_choice', 'parallel_tool_calls',
  'store', 'metadata', 'reasoning_effort', 'modalities', 'prediction', 'audio', 'service_tier', 'web_search_options', 'verbosity', 'prompt_cache_key', 'safety_identifier',
]);
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

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

/** Checks a `CreateChatCompletionRequest` as the API does (400s with OpenAI's messages). */
function parse(body: unknown): { model: string; messages: ScriptMessage[]; stream: boolean; includeUsage: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'We could not parse the JSON body of your request.');
  const request = body as Record<string, unknown>;
  const unknown = Object.keys(request).find((k) => !KNOWN_FIELDS.has(k));
  if (unknown) throw new HttpError(400, `Unrecognized request argument supplied: ${unknown}`);
  if (typeof request.model !== 'string' || !request.model) throw new HttpError(400, 'you must provide a model parameter');
  if (!Array.isArray(request.messages) || request.messages.length === 0) throw new HttpError(400, "Invalid 'messages': empty array. Expected an array with minimum length 1.", 'invalid_request_error', 'empty_array', 'messages');
  const messages = request.messages.map((m, i) => {
    const role = (m as { role?: unknown }).role;
    if (typeof role !== 'string' || !ROLES.has(role)) throw new HttpError(400, `Invalid value for 'messages[${i}].role'.`, 'invalid_request_error', null, `messages[${i}].role`);
    const mapped: ScriptMessage['role'] = role === 'assistant' ? 'assistant' : role === 'system' || role === 'developer' ? 'system' : 'user';
    return { role: mapped, content: contentOf((m as { content?: unknown }).content) };
  });
  if (request.stream !== undefined && typeof request.stream !== 'boolean') throw new HttpError(400, "Invalid type for 'stream'.", 'invalid_request_error', null, 'stream');
  const options = request.stream_options as { include_usage?: unknown } | undefined;
  if (options !== undefined && options !== null && !request.stream) throw new HttpError(400, 'The stream_options parameter is only allowed when stream is enabled.', 'invalid_request_error', null, 'stream_options');
  return { model: request.model, messages, stream: request.stream === true, includeUsage: options?.include_usage === true };
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
      const request = parse(body);
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
      const failure = error instanceof HttpError ? error : new HttpError(500, String(error), 'server_error');
      record.status = failure.status;
      record.response = { error: { message: failure.message, type: failure.type, param: failure.param, code: failure.code } };
      if (!res.headersSent) res.writeHead(failure.status, { 'content-type': 'application/json' }).end(JSON.stringify(record.response));
    }
  };

  const server = await startFakeServer(handle);
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
