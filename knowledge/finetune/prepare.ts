import type { Store } from '../../bot/core/index.js';
import { DEFAULT_FINETUNE_MODEL, estimateCost } from './cost.js';
import { buildFineTuneDataset, type DatasetOptions } from './dataset.js';
import { writeDataset, type DatasetFormat, type DatasetSummary } from './files.js';
import { openAITokenCounter } from './tokens.js';

/** Options of {@link prepareFineTuneFiles}. */
export interface PrepareFineTuneOptions extends Omit<DatasetOptions, 'tokenCounter'> {
  /** Output folder (created if missing). Required. */
  out: string;
  /** `openai` (default): train/validation JSONL in OpenAI's chat format; `lora`: files for local LoRA trainers; `all`: both. */
  format?: DatasetFormat;
  /** Base model the cost is estimated for; default `gpt-4o-mini-2024-07-18`. */
  model?: string;
  /** Training epochs; default OpenAI's `auto` choice (see `autoEpochs`). */
  epochs?: number;
  /** US dollars per 1M training tokens; default the model's published price (see `TRAINING_PRICE_PER_MILLION`). */
  pricePerMillion?: number;
  /** Where the tokenizer comes from; default OpenAI's o200k_base. */
  tokenCounter?: DatasetOptions['tokenCounter'];
}

/**
 * `parley finetune prepare`: every stored ticket and agent correction becomes a chat fine-tuning example (see
 * `buildFineTuneDataset`), token counts and a cost estimate are added, and the files and `summary.json` are written.
 */
export async function prepareFineTuneFiles(store: Store, options: PrepareFineTuneOptions): Promise<DatasetSummary> {
  const { out, format, model, epochs, pricePerMillion, tokenCounter, ...datasetOptions } = options;
  const tickets = await store.listTickets();
  const dataset = buildFineTuneDataset(tickets, { ...datasetOptions, tokenCounter: tokenCounter ?? (await openAITokenCounter()) });
  const cost = estimateCost({
    model: model ?? DEFAULT_FINETUNE_MODEL,
    trainTokens: dataset.stats.tokens.train,
    trainExamples: dataset.stats.train,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(pricePerMillion !== undefined ? { pricePerMillion } : {}),
  });
  return writeDataset(out, dataset, format ?? 'openai', cost);
}
