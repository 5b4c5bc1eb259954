/** Hosted embeddings through OpenAI's API (or an OpenAI-compatible server), and a local fake of that API for tests. */
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';
