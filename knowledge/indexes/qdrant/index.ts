/** Qdrant implementation of `VectorIndex` (the only module importing `@qdrant/js-client-rest`) and its test double. */
export { DEFAULT_COLLECTION, QdrantIndex, type QdrantIndexOptions } from './qdrant-index.js';
export { pointIdFor } from './mapping.js';
export { startFakeQdrant, type FakeQdrant, type FakeQdrantOptions, type FakeQdrantRequest } from './fake-qdrant.js';
