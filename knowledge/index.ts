/** Public interface of the knowledge layer: ticket ingestion and retrieval. */
export { DEFAULT_MAPPING, formatOf, parseTickets, readTicketsFile, type FieldMapping, type ParseOptions, type TicketFormat } from './ingest/parse.js';
export { KnowledgeBase, type IngestResult } from './knowledge-base.js';
export { charFeatures, stem, wordFeatures, words } from './retrieval/text.js';
export { TicketIndex, type Hit, type SearchOptions } from './retrieval/ticket-index.js';
export { sampleDataDir, sampleTicketsPath } from './sample-data/path.js';
