/** Public interface of the knowledge layer: ticket ingestion, embeddings, indexes and hybrid retrieval. */
export type { Embedder } from './embeddings/embedder.js';
export { LsaEmbedder, type LsaOptions } from './embeddings/lsa.js';
export { MemoryIndex } from './indexes/memory-index.js';
export { reciprocalRankFusion, RRF_K, type IndexPoint, type IndexQuery, type PayloadFilter, type ScoredPoint, type SparseVec, type VectorIndex } from './indexes/vector-index.js';
export { DEFAULT_MAPPING, formatOf, parseTickets, readTicketsFile, type FieldMapping, type ParseOptions, type TicketFormat } from './ingest/parse.js';
export { KnowledgeBase, type IngestResult, type KnowledgeBaseOptions } from './knowledge-base.js';
export { gaussian, seededRandom } from './embeddings/linalg.js';
export { LabelModel, type LabelModelOptions } from './retrieval/label-model.js';
export { TicketEncoder } from './retrieval/ticket-encoder.js';
export { Calibrator, expectedCalibrationError, type CalibrationRecord } from './retrieval/calibration.js';
export { Retriever, type Hit, type Retrieval, type RetrievalMode, type RetrieverOptions, type SearchOptions } from './retrieval/retriever.js';
export { charFeatures, stem, wordFeatures, words } from './retrieval/text.js';
export { PII_KINDS, redact, type PiiFinding, type PiiKind, type RedactOptions, type RedactResult } from './redaction/index.js';
export { sampleDataDir, sampleTicketsPath } from './sample-data/path.js';
