/** Qdrant implementation of `VectorIndex` and `IndexGenerations` (the only modules importing `@qdrant/js-client-rest`) and its test double. */
export { DEFAULT_COLLECTION, QdrantIndex, type QdrantIndexOptions } from './qdrant-index.js';
export { qdrantReady } from './connection.js';
export { pointIdFor } from './mapping.js';
export { generationCollection, qdrantGenerations, type QdrantGenerationsOptions } from './qdrant-generations.js';
