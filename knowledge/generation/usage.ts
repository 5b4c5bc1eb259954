import type { TokenUsage } from './types.js';

/** Price of a model in US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Prices by model id (`gpt-4o-mini`) or fine-tuned base (`ft:gpt-4o-mini`); USD per million tokens. */
export type PriceTable = Record<string, ModelPrice>;

/** OpenAI's list prices (USD / 1M tokens) for common chat models; override with `PARLEY_CHAT_PRICES`. */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'ft:gpt-4o-mini': { input: 0.3, output: 1.2 },
  'gpt-4o': { input: 2.5, output: 10 },
  'ft:gpt-4o': { input: 3.75, output: 15 },
  'gpt-4.1': { input: 2, output: 8 },
  'ft:gpt-4.1': { input: 3, output: 12 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'ft:gpt-4.1-mini': { input: 0.8, output: 3.2 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'ft:gpt-3.5-turbo': { input: 3, output: 6 },
};

/**
 * The price of a model: its exact id, else a fine-tuned id's `ft:<base>` entry (then the base's), else the longest
 * table key the id starts with (dated snapshots: `gpt-4o-mini-2024-07-18`); zero for unknown (local) models.
 */
export function priceFor(modelId: string, table: PriceTable = DEFAULT_PRICES): ModelPrice {
  if (table[modelId]) return table[modelId];
  const fineTuned = /^ft:([^:]+)/.exec(modelId)?.[1];
  const candidates = fineTuned ? [`ft:${fineTuned}`, fineTuned] : [modelId];
  for (const id of candidates) {
    const key = Object.keys(table).filter((k) => id.startsWith(k) && (!fineTuned || k.startsWith('ft:') === id.startsWith('ft:'))).sort((a, b) => b.length - a.length)[0];
    if (key) return table[key] as ModelPrice;
  }
  return { input: 0, output: 0 };
}

/** Cost in US dollars of one call. */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

/** Token and cost totals of one conversation (kept in its metadata under `usage`). */
export interface ConversationUsage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** The same totals per model name. */
  byModel: Record<string, { calls: number; promptTokens: number; completionTokens: number; costUsd: number }>;
}

/** Adds one call to a conversation's totals (`previous` as stored, possibly missing or malformed). Pure. */
export function addUsage(previous: unknown, model: string, usage: TokenUsage, costUsd: number): ConversationUsage {
  const base = (typeof previous === 'object' && previous !== null ? previous : {}) as Partial<ConversationUsage>;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const byModel = { ...(typeof base.byModel === 'object' && base.byModel !== null ? base.byModel : {}) };
  const one = byModel[model] ?? { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  byModel[model] = {
    calls: num(one.calls) + 1,
    promptTokens: num(one.promptTokens) + usage.promptTokens,
    completionTokens: num(one.completionTokens) + usage.completionTokens,
    costUsd: Number((num(one.costUsd) + costUsd).toFixed(8)),
  };
  return {
    calls: num(base.calls) + 1,
    promptTokens: num(base.promptTokens) + usage.promptTokens,
    completionTokens: num(base.completionTokens) + usage.completionTokens,
    costUsd: Number((num(base.costUsd) + costUsd).toFixed(8)),
    byModel,
  };
}
