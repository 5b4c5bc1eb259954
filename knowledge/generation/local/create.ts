import type { LlamaCppChatModel, LlamaCppChatModelOptions } from './llama-cpp-chat-model.js';

/**
 * A {@link LlamaCppChatModel} for `options` (the model loads on first use; call `load()` to load it eagerly). The class
 * extends LangChain's `BaseChatModel`, so its module, and `@langchain/core` with it, is imported by this call rather
 * than by whatever imports the knowledge folder. Rejects with `config_invalid` without `modelPath`.
 */
export async function createLlamaCppChatModel(options: LlamaCppChatModelOptions): Promise<LlamaCppChatModel> {
  const { LlamaCppChatModel } = await import('./llama-cpp-chat-model.js');
  return new LlamaCppChatModel(options);
}
