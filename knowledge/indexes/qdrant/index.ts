/** Qdrant implementation of `VectorIndex` and `IndexGenerations` (the only modules importing `@qdrant/js-client-rest`) and its test double. */
export { DEFAULT_COLLECTION, QdrantIndex, type QdrantIndexOptions } from './qdrant-index.js';
export { qdrantReady } from './connection.js';
export { pointIdFor } from './mapping.js';
export { startFakeQdrant, type FakeQdrant, type FakeQdrantOptions, type FakeQdrantRequest } from './fake-qdrant.js';
export { generationCollection, qdrantGenerations, type QdrantGenerationsOptions } from './qdrant-generations.js';
