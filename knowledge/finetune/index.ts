/**
 * Fine-tuning: datasets from resolved tickets and agent corrections (OpenAI chat JSONL and files for local LoRA
 * trainers), and OpenAI fine-tuning jobs that switch the configured chat model when they succeed.
 */
export { autoEpochs, DEFAULT_FINETUNE_MODEL, estimateCost, TRAINING_PRICE_PER_MILLION, trainingPricePerMillion, type CostEstimate } from './cost.js';
export { buildFineTuneDataset, CORRECTIONS_SOURCE, DEFAULT_FINETUNE_SYSTEM_PROMPT, type DatasetOptions, type DatasetStats, type FineTuneDataset, type FineTuneExample } from './dataset.js';
export { DATASET_FILES, DATASET_FORMATS, readPreparedDataset, toAlpaca, toPlainText, toShareGpt, writeDataset, type DatasetFormat, type DatasetSummary } from './files.js';
export { cancelFineTune, CHAT_MODEL_SETTING, FINETUNE_JOB_SETTING, fineTuneStatus, startFineTuneJob, watchFineTune, type FineTuneJobState, type FineTuneStatus } from './jobs.js';
export { OpenAIFineTuningClient, type FineTuningEventInfo, type FineTuningJobInfo, type JobHyperparameters, type OpenAIFineTuningClientOptions } from './openai-finetune-client.js';
export { prepareFineTuneFiles, type PrepareFineTuneOptions } from './prepare.js';
export { qualityProblem, type QualityLimits, type QualityProblem } from './quality.js';
export { countChatTokens, openAITokenCounter, type ChatMessage, type TokenCounter } from './tokens.js';
