import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ParleyError } from '../../../bot/core/index.js';

/** How to reach a chat model (see README "Generation"). */
export interface ChatModelConfig {
  /** Model id (`gpt-4o-mini`, a fine-tuned `ft:gpt-4o-mini-2024-07-18:org::abc123`, or a local server's model name). */
  model: string;
  /** `OPENAI_API_KEY`; optional with `baseURL` (local servers ignore it). */
  apiKey?: string | undefined;
  /** An OpenAI-compatible server (vLLM, llama.cpp server, Ollama): `OPENAI_BASE_URL`, e.g. `http://127.0.0.1:8080/v1`. */
  baseURL?: string | undefined;
  /** Timeout of one call in milliseconds; default 15,000. */
  timeoutMs?: number;
  /** Sampling temperature; default 0.2. */
  temperature?: number;
  /** Most tokens of an answer; default 400. */
  maxTokens?: number;
}

/** A chat model with the name Parley records usage and replies under (`openai:<model>`). */
export interface ChatModelHandle {
  model: BaseChatModel;
  /** `<provider>:<model id>`. */
  name: string;
  /** Model id, for the price table. */
  modelId: string;
}

/** A fetch that closes each connection after its response (local servers and tests keep no idle sockets around). */
const fetchWithoutKeepAlive: typeof fetch = (input, init) => fetch(input, { ...init, keepalive: false });

/**
 * Creates the configured chat model (LangChain's OpenAI package is imported on the first call, not at start): OpenAI (an API key and a model id, fine-tuned `ft:` ids included) or any
 * OpenAI-compatible server (`baseURL`), through LangChain's `ChatOpenAI`. Retries are the generator's job, so the
 * client makes none itself. Throws `config_invalid` without a model id, or without a key for api.openai.com.
 */
export async function createChatModel(config: ChatModelConfig): Promise<ChatModelHandle> {
  if (!config.model.trim()) throw new ParleyError('config_invalid', 'chat model: PARLEY_CHAT_MODEL (or the generation.chatModel setting) is empty');
  if (!config.apiKey && !config.baseURL) throw new ParleyError('config_invalid', 'chat model: OPENAI_API_KEY is required unless OPENAI_BASE_URL names an OpenAI-compatible server');
  const { ChatOpenAI } = await import('@langchain/openai');
  const model = new ChatOpenAI({
    model: config.model,
    apiKey: config.apiKey ?? 'not-needed',
    temperature: config.temperature ?? 0.2,
    maxTokens: config.maxTokens ?? 400,
    timeout: config.timeoutMs ?? 15_000,
    maxRetries: 0,
    streamUsage: true,
    configuration: { ...(config.baseURL ? { baseURL: config.baseURL } : {}), fetch: fetchWithoutKeepAlive },
  });
  const provider = config.baseURL ? 'openai-compatible' : 'openai';
  return { model, name: `${provider}:${config.model}`, modelId: config.model };
}
