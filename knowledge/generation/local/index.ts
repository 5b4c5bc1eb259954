/** Local GGUF chat models through the optional node-llama-cpp package (the only folder that imports it). */
export { createLlamaCppChatModel } from './create.js';
// Types only: the class extends LangChain's BaseChatModel, and its module is imported by createLlamaCppChatModel.
export type { LlamaCppCallOptions, LlamaCppChatModel, LlamaCppChatModelOptions } from './llama-cpp-chat-model.js';
export { toLlamaHistory } from './messages.js';
export { loadNodeLlamaCpp, NODE_LLAMA_CPP_VERSION, type NodeLlamaCppModule } from './node-llama-cpp.js';
