/**
 * Test doubles for chat models: a local fake of OpenAI's Chat Completions API (plain and streamed answers, failures,
 * delays), and a scripted LangChain chat model that complies with attacks (loads `@langchain/core`, so it is kept out
 * of the knowledge folder's public entry).
 */
export { startFakeChatCompletions, type FakeChatCompletions, type FakeChatCompletionsOptions, type FakeChatRequest } from './fake-chat-completions.js';
export { complyingResponse, ScriptedChatModel, type ScriptedChatModelOptions, type ScriptMessage } from './scripted-model.js';
