/** Test doubles for chat models: a local fake of OpenAI's Chat Completions API (plain and streamed answers, failures, delays). */
export { startFakeChatCompletions, type FakeChatCompletions, type FakeChatCompletionsOptions, type FakeChatRequest } from './fake-chat-completions.js';
