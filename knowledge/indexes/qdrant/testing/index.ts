/** Test doubles for Qdrant: an in-memory fake of its REST API. */
export { startFakeQdrant, type FakeQdrant, type FakeQdrantOptions, type FakeQdrantRequest } from './fake-qdrant.js';
