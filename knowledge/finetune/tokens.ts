/** A chat message of a fine-tuning example, in OpenAI's chat format. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Counts tokens of text. */
export interface TokenCounter {
  /** The tokenizer's name, reported in summaries (e.g. `o200k_base`). */
  readonly name: string;
  count(text: string): number;
}

/** Tokens OpenAI's chat format adds around every message, and to prime the reply (OpenAI cookbook, "Chat fine-tuning data prep"). */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_TO_PRIME_REPLY = 3;

/** Tokens of a chat example: each message's content plus the format's per-message overhead, as OpenAI's cookbook counts them. */
export function countChatTokens(counter: TokenCounter, messages: readonly ChatMessage[]): number {
  let total = TOKENS_TO_PRIME_REPLY;
  for (const message of messages) total += TOKENS_PER_MESSAGE + counter.count(message.role) + counter.count(message.content);
  return total;
}

let o200k: Promise<TokenCounter> | undefined;

/**
 * OpenAI's `o200k_base` tokenizer (the one of gpt-4o, gpt-4o-mini and gpt-4.1 models), from js-tiktoken with its
 * bundled ranks (nothing is downloaded). Loaded once, on first use (the ranks take a moment to parse).
 */
export function openAITokenCounter(): Promise<TokenCounter> {
  o200k ??= (async () => {
    const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]);
    const encoder = new Tiktoken(ranks.default);
    return { name: 'o200k_base', count: (text: string) => encoder.encode(text, [], []).length };
  })();
  return o200k;
}
