/** Test utilities for local models: a GGUF writer, and tiny llama-architecture models and LoRA adapters built with it. */
export { encodeGguf, writeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';
export { tinyVocabulary, writeTinyLlama, writeTinyLora, type TinyLlamaOptions, type TinyLoraOptions } from './tiny-llama.js';
