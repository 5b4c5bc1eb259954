/** Public interface of the knowledge layer: ticket ingestion, embeddings, indexes and hybrid retrieval. */
export type { Embedder } from './embeddings/embedder.js';
export { LsaEmbedder, type LsaOptions } from './embeddings/lsa.js';
export { WordVectors } from './embeddings/word-vectors.js';
export { MemoryIndex } from './indexes/memory-index.js';
export { matchesFilter, reciprocalRankFusion, RRF_K, type IndexPoint, type IndexQuery, type PayloadFilter, type PayloadValue, type ScoredPoint, type SparseVec, type VectorIndex } from './indexes/vector-index.js';
export { memoryGenerations, type IndexGeneration, type IndexGenerations } from './indexes/generations.js';
export { removeNearDuplicates, type DedupeOptions, type DedupeResult } from './ingest/dedupe.js';
export { DEFAULT_MAPPING, detectJsonFormat, formatOf, parseTickets, readTicketsFile, TICKET_FORMATS, toTicket, type FieldMapping, type ParseOptions, type ReadOptions, type TicketFormat } from './ingest/parse.js';
export { prepareTickets, type PrepareOptions, type PrepareResult } from './ingest/prepare.js';
export { createProgress, type Progress, type ProgressOptions } from './ingest/progress.js';
export { parseConversations, threadToPairs } from './ingest/conversations.js';
export { convertZendeskPage, parseZendeskExport, parseZendeskExportWithStats, zendeskTicketId, type ZendeskParseResult, type ZendeskSkipped, type ZendeskSkipReason } from './ingest/zendesk.js';
export { checkScope, MAX_SCOPE_CHARS, SCOPE_KEY, scopeFilter, scopeKey, scopesOf, SHARED_SCOPE, visibleInScope } from './scopes.js';
export { KnowledgeBase, type IngestResult, type KnowledgeBaseOptions, type KnowledgeStatus } from './knowledge-base.js';
export { KnowledgeModel } from './model/knowledge-model.js';
export { AnswerClusters, answerTextOf, type AnswerClustersOptions, type CanonicalAnswer, type ClusterDetail, type RecomputeSummary } from './clusters/answer-clusters.js';
export { answerPrint, centralMember, groupAnswers, groupPrints, hashJaccard, printAll, type AnswerGroup, type AnswerPrint, type GroupOptions } from './clusters/group.js';
export { clusterName, reconcileClusters, type ReconcileInput } from './clusters/reconcile.js';
export { gaussian, seededRandom } from './embeddings/linalg.js';
export { LabelModel, type LabelModelOptions } from './retrieval/label-model.js';
export { TicketEncoder } from './retrieval/ticket-encoder.js';
export { Calibrator, expectedCalibrationError, type CalibrationRecord } from './retrieval/calibration.js';
export { coverageAtPrecision, NEVER_ANSWER, riskCoverageCurve, selectAnswerThreshold, wilsonLowerBound, type RiskCoveragePoint, type ScoredOutcome, type SelectionOptions, type ThresholdSelection } from './retrieval/threshold-selection.js';
export { linksOf, sameAnswer, SAME_ANSWER_COSINE } from './retrieval/answer-agreement.js';
export { evenSample, leaveOneOutOutcomes, type HeldOutAnswer, type LeaveOneOutOptions } from './retrieval/held-out-outcomes.js';
export { learnAnswerSelection, MIN_ANSWERABLE_SHARE, MIN_SELECTION_OUTCOMES, reselect, type AnswerSelection, type AnswerSelectionStatus, type SelectionSource } from './retrieval/answer-selection.js';
export { AGREEMENT_DEPTH, agreementOf, SignalCalibration, type AnswerSignals, type SignalRecord } from './retrieval/agreement.js';
export { DEFAULT_TARGET_PRECISION, Retriever, type Hit, type Retrieval, type RetrievalMode, type RetrieverOptions, type SearchOptions } from './retrieval/retriever.js';
export { agreementFactor, compareEntities, entityAgreement, findEntities, rerankByEntities, ticketEntities, type EntityAgreement, type EntityComparison, type EntityKind, type EntityMentions } from './retrieval/entity-agreement.js';
export { charFeatures, isStopword, stem, wordFeatures, words } from './retrieval/text.js';
export { sparseDot } from './retrieval/vocabulary.js';
export { PII_KINDS, redact, type PiiFinding, type PiiKind, type RedactOptions, type RedactResult } from './redaction/index.js';
export { sampleDataDir, sampleStoreProfilePath, sampleTicketsPath } from './sample-data/path.js';
export { greetingOf, NEUTRAL_PROFILE, readStoreProfile, storeProfile, type StoreProfile } from './store-profile.js';
export {
  buildFineTuneDataset, cancelFineTune, CHAT_MODEL_SETTING, CORRECTIONS_SOURCE, DATASET_FORMATS, DEFAULT_FINETUNE_MODEL, estimateCost, fineTuneStatus,
  OpenAIFineTuningClient, prepareFineTuneFiles, startFineTuneJob, watchFineTune,
  type DatasetFormat, type DatasetSummary, type FineTuneExample, type FineTuneJobState, type FineTuneStatus, type PrepareFineTuneOptions,
} from './finetune/index.js';
export { createLlamaCppChatModel, NODE_LLAMA_CPP_VERSION, type LlamaCppCallOptions, type LlamaCppChatModel, type LlamaCppChatModelOptions } from './generation/local/index.js';
export * from './generation/index.js';
export { Listeners, type KnowledgeListener, type KnowledgeSignal } from './live/signal.js';
export { pollingSignal, type PollingSignalOptions } from './live/polling-signal.js';
export { combinedSignal, type CombinedSignalOptions } from './live/combined-signal.js';
export { FactBook, factName, factValue, parseFactsFile, readFactsFile, type FileFacts, type ListedFact } from './facts.js';
