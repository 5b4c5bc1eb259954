import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ParleyError } from '../../bot/core/index.js';
import type { CostEstimate } from './cost.js';
import type { DatasetStats, FineTuneExample } from './dataset.js';

/** Dataset layouts `parley finetune prepare` writes: OpenAI's chat JSONL, files for local LoRA trainers, or both. */
export const DATASET_FORMATS = ['openai', 'lora', 'all'] as const;
/** One of {@link DATASET_FORMATS}. */
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** File names inside the output folder. */
export const DATASET_FILES = {
  train: 'train.jsonl',
  validation: 'validation.jsonl',
  summary: 'summary.json',
  alpacaTrain: 'alpaca-train.jsonl',
  alpacaValidation: 'alpaca-validation.jsonl',
  sharegptTrain: 'sharegpt-train.jsonl',
  sharegptValidation: 'sharegpt-validation.jsonl',
  text: 'train.txt',
} as const;

/** The summary JSON written next to the dataset (and printed by `prepare --json`). */
export interface DatasetSummary extends DatasetStats {
  format: DatasetFormat;
  cost: CostEstimate;
  /** Files written, relative to the output folder. */
  files: string[];
  warnings: string[];
}

const jsonl = (rows: readonly unknown[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : '');
const content = (e: FineTuneExample, role: string): string => e.messages.find((m) => m.role === role)?.content ?? '';

/** An Alpaca-style record: `instruction` (the system prompt), `input` (the customer's message), `output` (the answer). */
export function toAlpaca(e: FineTuneExample): { instruction: string; input: string; output: string } {
  return { instruction: content(e, 'system'), input: content(e, 'user'), output: content(e, 'assistant') };
}

/** A ShareGPT conversation: `{"conversations": [{"from": "system"|"human"|"gpt", "value"}]}`. */
export function toShareGpt(e: FineTuneExample): { conversations: { from: string; value: string }[] } {
  const from = { system: 'system', user: 'human', assistant: 'gpt' } as const;
  return { conversations: e.messages.map((m) => ({ from: from[m.role], value: m.content })) };
}

/** Plain text for llama.cpp's `llama-finetune --file` (which trains on raw text): one conversation per block. */
export function toPlainText(examples: readonly FineTuneExample[]): string {
  return examples.map((e) => `System: ${content(e, 'system')}\nCustomer: ${content(e, 'user')}\nAgent: ${content(e, 'assistant')}\n`).join('\n');
}

/** Writes the dataset files of `format` and `summary.json` into `dir` (created if missing); resolves to the summary. */
export async function writeDataset(
  dir: string,
  dataset: { train: readonly FineTuneExample[]; validation: readonly FineTuneExample[]; stats: DatasetStats },
  format: DatasetFormat,
  cost: CostEstimate,
): Promise<DatasetSummary> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [];
  if (format !== 'lora') {
    const openai = (e: FineTuneExample) => ({ messages: e.messages });
    files.push([DATASET_FILES.train, jsonl(dataset.train.map(openai))], [DATASET_FILES.validation, jsonl(dataset.validation.map(openai))]);
  }
  if (format !== 'openai') {
    files.push(
      [DATASET_FILES.alpacaTrain, jsonl(dataset.train.map(toAlpaca))],
      [DATASET_FILES.alpacaValidation, jsonl(dataset.validation.map(toAlpaca))],
      [DATASET_FILES.sharegptTrain, jsonl(dataset.train.map(toShareGpt))],
      [DATASET_FILES.sharegptValidation, jsonl(dataset.validation.map(toShareGpt))],
      [DATASET_FILES.text, toPlainText(dataset.train)],
    );
  }
  const warnings: string[] = [];
  if (dataset.train.length < 10) warnings.push(`only ${dataset.train.length} training examples: OpenAI needs at least 10 (50–100 well-chosen ones usually help)`);
  if (dataset.validation.length === 0) warnings.push('no validation examples: raise --validation or add tickets to measure overfitting');
  if (cost.pricePerMillion === null) warnings.push(`no known training price for ${cost.model}: pass --price-per-million for a cost estimate`);
  const summary: DatasetSummary = { ...dataset.stats, format, cost, files: [...files.map(([name]) => name), DATASET_FILES.summary], warnings };
  for (const [name, text] of files) await writeFile(join(dir, name), text);
  await writeFile(join(dir, DATASET_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The OpenAI-format files of a prepared dataset folder, checked line by line before anything is uploaded. */
export async function readPreparedDataset(dir: string): Promise<{ train: string; validation: string | undefined; trainExamples: number; validationExamples: number }> {
  const read = async (name: string, required: boolean): Promise<string | undefined> => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
      throw new ParleyError('bad_request', `--dir: cannot read ${join(dir, name)} (run \`parley finetune prepare --out ${dir}\` first)`, { cause: error });
    }
  };
  const check = (name: string, text: string): number => {
    const lines = text.split('\n').filter((line) => line.trim());
    lines.forEach((line, i) => {
      let row: { messages?: unknown };
      try {
        row = JSON.parse(line) as { messages?: unknown };
      } catch {
        throw new ParleyError('bad_request', `${name} line ${i + 1}: not JSON`);
      }
      const messages = row.messages;
      if (!Array.isArray(messages) || !messages.some((m: { role?: unknown }) => m?.role === 'assistant')) {
        throw new ParleyError('bad_request', `${name} line ${i + 1}: "messages" must be an array with an assistant message`);
      }
    });
    return lines.length;
  };
  const train = (await read(DATASET_FILES.train, true))!;
  const validation = await read(DATASET_FILES.validation, false);
  const trainExamples = check(DATASET_FILES.train, train);
  const validationExamples = validation === undefined ? 0 : check(DATASET_FILES.validation, validation);
  return { train, validation: validationExamples > 0 ? validation : undefined, trainExamples, validationExamples };
}
