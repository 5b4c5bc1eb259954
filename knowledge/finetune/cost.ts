/** The base model `parley finetune start` fine-tunes by default. */
export const DEFAULT_FINETUNE_MODEL = 'gpt-4o-mini-2024-07-18';

/**
 * OpenAI's published prices of supervised fine-tuning, in US dollars per 1M training tokens (openai.com/api/pricing,
 * as of 2025). Prices change: pass `--price-per-million` for the current one or for another model.
 */
export const TRAINING_PRICE_PER_MILLION: Readonly<Record<string, number>> = {
  'gpt-4o-mini-2024-07-18': 3,
  'gpt-4o-2024-08-06': 25,
  'gpt-4.1-2025-04-14': 25,
  'gpt-4.1-mini-2025-04-14': 5,
  'gpt-4.1-nano-2025-04-14': 1.5,
  'gpt-3.5-turbo-0125': 8,
};

/** The training price per 1M tokens of `model` (a dated name or its alias, e.g. `gpt-4o-mini`), or undefined when unknown. */
export function trainingPricePerMillion(model: string): number | undefined {
  if (TRAINING_PRICE_PER_MILLION[model] !== undefined) return TRAINING_PRICE_PER_MILLION[model];
  const dated = Object.keys(TRAINING_PRICE_PER_MILLION).find((name) => name.replace(/-\d{4}-\d{2}-\d{2}$|-\d{4}$/, '') === model);
  return dated === undefined ? undefined : TRAINING_PRICE_PER_MILLION[dated];
}

/**
 * The epochs OpenAI picks when `n_epochs` is `auto` (its cookbook's estimate): 3, raised for small datasets so that
 * training sees at least 100 examples (at most 25 epochs), lowered for large ones to about 25,000 examples (at least 1).
 */
export function autoEpochs(trainExamples: number): number {
  if (trainExamples <= 0) return 0;
  if (trainExamples * 3 < 100) return Math.min(25, Math.floor(100 / trainExamples));
  if (trainExamples * 3 > 25_000) return Math.max(1, Math.floor(25_000 / trainExamples));
  return 3;
}

/** A fine-tuning cost estimate. */
export interface CostEstimate {
  model: string;
  epochs: number;
  /** `auto` when {@link autoEpochs} chose them, `given` when set. */
  epochsFrom: 'auto' | 'given';
  /** US dollars per 1M training tokens; null when the model's price is unknown and none was given. */
  pricePerMillion: number | null;
  /** Billed tokens: training-file tokens × epochs. */
  trainingTokens: number;
  /** US dollars, rounded to cents; null without a price. */
  usd: number | null;
}

/** Estimates what fine-tuning on `trainTokens` costs: tokens × epochs × price. */
export function estimateCost(input: { model: string; trainTokens: number; trainExamples: number; epochs?: number; pricePerMillion?: number }): CostEstimate {
  const epochs = input.epochs ?? autoEpochs(input.trainExamples);
  const price = input.pricePerMillion ?? trainingPricePerMillion(input.model) ?? null;
  const trainingTokens = input.trainTokens * epochs;
  return {
    model: input.model,
    epochs,
    epochsFrom: input.epochs === undefined ? 'auto' : 'given',
    pricePerMillion: price,
    trainingTokens,
    usd: price === null ? null : Math.round((trainingTokens / 1e6) * price * 100) / 100,
  };
}
