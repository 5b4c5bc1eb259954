/** Test doubles for OpenAI's embeddings API: a local fake. */
export { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions, type FakeOpenAIRequest } from './fake-openai.js';
