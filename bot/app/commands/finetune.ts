import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  cancelFineTune,
  DATASET_FORMATS,
  DEFAULT_FINETUNE_MODEL,
  fineTuneStatus,
  OpenAIFineTuningClient,
  prepareFineTuneFiles,
  startFineTuneJob,
  watchFineTune,
  type DatasetFormat,
  type FineTuneStatus,
  type PrepareFineTuneOptions,
} from '../../../knowledge/index.js';
import { loadConfig, type Config } from '../../config/index.js';
import { ParleyError, type Store } from '../../core/index.js';
import { openStore } from '../../storage/index.js';
import { print, type CliIo } from './io.js';

/** Store setting with the folder `finetune prepare` wrote last (the default `--dir` of `finetune start`). */
const LAST_DATASET_SETTING = 'finetune.dataset';

interface PrepareFlags {
  out: string;
  validation: string;
  seed: string;
  format: string;
  model: string;
  epochs?: string;
  pricePerMillion?: string;
  system?: string;
  maxExampleTokens?: string;
  json?: boolean;
}

/** A number from a flag, or a `bad_request` naming the flag. */
function numberFlag(flag: string, value: string, check: (n: number) => boolean, expected: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new ParleyError('bad_request', `${flag}: "${value}" is not ${expected}`);
  return n;
}

function prepareOptions(flags: PrepareFlags, format: DatasetFormat): PrepareFineTuneOptions {
  if (!flags.out.trim()) throw new ParleyError('bad_request', '--out: must not be empty');
  if (!flags.model.trim()) throw new ParleyError('bad_request', '--model: must not be empty');
  const options: PrepareFineTuneOptions = {
    out: resolve(flags.out),
    format,
    model: flags.model,
    validation: numberFlag('--validation', flags.validation, (n) => n >= 0 && n <= 0.5, 'a fraction from 0 to 0.5'),
    seed: numberFlag('--seed', flags.seed, (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0'),
  };
  if (flags.epochs !== undefined) options.epochs = numberFlag('--epochs', flags.epochs, (n) => Number.isInteger(n) && n >= 1 && n <= 50, 'a whole number from 1 to 50');
  if (flags.pricePerMillion !== undefined) options.pricePerMillion = numberFlag('--price-per-million', flags.pricePerMillion, (n) => n >= 0, 'a price ≥ 0 (US dollars per 1M training tokens)');
  if (flags.system !== undefined) {
    if (!flags.system.trim()) throw new ParleyError('bad_request', '--system: must not be empty');
    options.systemPrompt = flags.system;
  }
  if (flags.maxExampleTokens !== undefined) {
    options.quality = { maxExampleTokens: numberFlag('--max-example-tokens', flags.maxExampleTokens, (n) => Number.isInteger(n) && n >= 16, 'a whole number ≥ 16') };
  }
  return options;
}

/** A job id argument (`ftjob-…`), or a `bad_request` naming JOB. */
function jobId(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[\w.:-]{1,128}$/.test(value)) throw new ParleyError('bad_request', `JOB: ${JSON.stringify(value.slice(0, 40))} is not a fine-tuning job id (ftjob-…)`);
  return value;
}

function openAIClient(config: Config): OpenAIFineTuningClient {
  if (!config.openaiApiKey) throw new ParleyError('config_invalid', 'fine-tuning jobs need OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server)');
  return new OpenAIFineTuningClient({ apiKey: config.openaiApiKey, ...(config.openaiBaseUrl ? { baseURL: config.openaiBaseUrl } : {}) });
}

async function withStore<T>(config: Config, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ home: config.home, databaseUrl: config.databaseUrl });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function statusText(status: FineTuneStatus): string {
  const { job } = status;
  const lines = [`job ${job.id} (${job.model}): ${job.status}${job.fine_tuned_model ? ` → ${job.fine_tuned_model}` : ''}`];
  if (job.error) lines.push(`  error ${job.error.code}: ${job.error.message}`);
  for (const event of status.events.slice(-5)) lines.push(`  ${new Date(event.created_at * 1000).toISOString()} ${event.level} ${event.message}`);
  if (status.activated) lines.push(`the chat model is now ${status.chatModel} (store setting generation.chatModel)`);
  return lines.join('\n');
}

/**
 * `parley finetune prepare|export-lora|start|status|cancel`: datasets from the stored tickets and agent corrections,
 * and OpenAI fine-tuning jobs that switch the configured chat model when they succeed.
 */
export function registerFinetuneCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv | undefined): void {
  const finetune = program.command('finetune').description('fine-tune a chat model on your resolved tickets and agent corrections');
  const addPrepareFlags = (command: Command, defaultFormat: DatasetFormat) =>
    command
      .requiredOption('--out <dir>', 'output folder (created if missing)')
      .option('--validation <fraction>', 'share of examples held out for validation (0–0.5)', '0.1')
      .option('--seed <n>', 'seed of the train/validation split', '0')
      .option('--format <format>', `${DATASET_FORMATS.join(', ')}: OpenAI chat JSONL, files for local LoRA trainers, or both`, defaultFormat)
      .option('--model <model>', 'base model the cost is estimated for', DEFAULT_FINETUNE_MODEL)
      .option('--epochs <n>', "training epochs for the estimate (default: OpenAI's auto choice)")
      .option('--price-per-million <usd>', "US dollars per 1M training tokens (default: the model's published price)")
      .option('--system <text>', 'system message of every example (default: a support-assistant prompt)')
      .option('--max-example-tokens <n>', 'drop examples longer than this (default 4096)')
      .option('--json', 'print the summary as JSON');
  const prepare = async (flags: PrepareFlags) => {
    if (!DATASET_FORMATS.includes(flags.format as DatasetFormat)) throw new ParleyError('bad_request', `--format: "${flags.format}" is not one of ${DATASET_FORMATS.join(', ')}`);
    const options = prepareOptions(flags, flags.format as DatasetFormat);
    const config = loadConfig(env);
    const summary = await withStore(config, async (store) => {
      const result = await prepareFineTuneFiles(store, options);
      // Only folders with OpenAI-format files can be uploaded by `finetune start`.
      if (options.format !== 'lora') await store.setSetting(LAST_DATASET_SETTING, options.out);
      return result;
    });
    for (const warning of summary.warnings) io.err(`warning: ${warning}`);
    const cost = summary.cost.usd === null ? 'unknown cost (pass --price-per-million)' : `about $${summary.cost.usd.toFixed(2)}`;
    print(io, Boolean(flags.json), { out: options.out, ...summary },
      `wrote ${summary.train} training and ${summary.validation} validation examples to ${options.out} (${summary.tokens.train} training tokens, ${summary.tokens.tokenizer}); ` +
        `${summary.corrections} corrections; dropped ${Object.entries(summary.dropped).filter(([, n]) => n).map(([why, n]) => `${n} ${why}`).join(', ') || 'none'}; ` +
        `fine-tuning ${summary.cost.model} for ${summary.cost.epochs} epochs: ${summary.cost.trainingTokens} billed tokens, ${cost}`);
  };
  addPrepareFlags(finetune.command('prepare').description('write train/validation JSONL (OpenAI chat format), a summary with token counts and a cost estimate'), 'openai').action(prepare);
  addPrepareFlags(finetune.command('export-lora').description('write datasets for local LoRA trainers (Alpaca and ShareGPT JSONL, plain text); same as prepare --format lora'), 'lora').action(prepare);

  finetune
    .command('start')
    .description('upload a prepared dataset to OpenAI and start a fine-tuning job (OPENAI_API_KEY)')
    .option('--dir <dir>', 'the folder `finetune prepare` wrote (default: the last one prepared)')
    .option('--model <model>', 'base model to fine-tune', DEFAULT_FINETUNE_MODEL)
    .option('--suffix <suffix>', 'up to 64 characters added to the fine-tuned model name')
    .option('--epochs <n>', "training epochs (default: OpenAI's auto choice)")
    .option('--json', 'print the job as JSON')
    .action(async (flags: { dir?: string; model: string; suffix?: string; epochs?: string; json?: boolean }) => {
      if (!flags.model.trim()) throw new ParleyError('bad_request', '--model: must not be empty');
      if (flags.suffix !== undefined && !/^[\w.-]{1,64}$/.test(flags.suffix)) throw new ParleyError('bad_request', '--suffix: 1–64 letters, digits, ".", "_" or "-"');
      const epochs = flags.epochs === undefined ? undefined : numberFlag('--epochs', flags.epochs, (n) => Number.isInteger(n) && n >= 1 && n <= 50, 'a whole number from 1 to 50');
      const config = loadConfig(env);
      const client = openAIClient(config);
      const result = await withStore(config, async (store) => {
        const dir = flags.dir ? resolve(flags.dir) : await store.getSetting(LAST_DATASET_SETTING);
        if (!dir) throw new ParleyError('bad_request', '--dir: no dataset prepared yet; run `parley finetune prepare --out DIR` first or pass --dir');
        return startFineTuneJob(store, client, { dir, model: flags.model, ...(flags.suffix ? { suffix: flags.suffix } : {}), ...(epochs !== undefined ? { hyperparameters: { epochs } } : {}) });
      });
      print(io, Boolean(flags.json), result, `started fine-tuning job ${result.job.id} (${result.job.model}, ${result.trainExamples} training and ${result.validationExamples} validation examples): ${result.job.status}; follow it with \`parley finetune status --watch\``);
    });

  finetune
    .command('status [job]')
    .description('show a fine-tuning job (default: the last one started) and its latest events; on success the fine-tuned model becomes the chat model')
    .option('--watch', 'poll until the job succeeds, fails or is cancelled (events on stderr)')
    .option('--interval <seconds>', 'polling interval of --watch', '30')
    .option('--json', 'print the status as JSON')
    .action(async (job: string | undefined, flags: { watch?: boolean; interval: string; json?: boolean }) => {
      const id = jobId(job);
      const intervalMs = numberFlag('--interval', flags.interval, (n) => n > 0 && n <= 3600, 'a number of seconds from 0 to 3600') * 1000;
      const config = loadConfig(env);
      const client = openAIClient(config);
      const status = await withStore(config, (store) =>
        flags.watch
          ? watchFineTune(store, client, id, { intervalMs, onEvent: (e) => io.err(`${new Date(e.created_at * 1000).toISOString()} ${e.level} ${e.message}`) })
          : fineTuneStatus(store, client, id),
      );
      print(io, Boolean(flags.json), status, statusText(status));
    });

  finetune
    .command('cancel [job]')
    .description('cancel a fine-tuning job (default: the last one started)')
    .option('--json', 'print the job as JSON')
    .action(async (job: string | undefined, flags: { json?: boolean }) => {
      const id = jobId(job);
      const config = loadConfig(env);
      const client = openAIClient(config);
      const cancelled = await withStore(config, (store) => cancelFineTune(store, client, id));
      print(io, Boolean(flags.json), { job: cancelled }, `job ${cancelled.id}: ${cancelled.status}`);
    });
}
