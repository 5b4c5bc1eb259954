import { ParleyError, type Store } from '../../bot/core/index.js';
import { DATASET_FILES, readPreparedDataset } from './files.js';
import type { FineTuningEventInfo, FineTuningJobInfo, JobHyperparameters, OpenAIFineTuningClient } from './openai-finetune-client.js';

/** Store setting holding the chat model the generation layer uses (it wins over `PARLEY_CHAT_MODEL`). */
export const CHAT_MODEL_SETTING = 'generation.chatModel';
/** Store setting holding the last fine-tuning job Parley started ({@link FineTuneJobState} as JSON). */
export const FINETUNE_JOB_SETTING = 'finetune.job';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** What Parley remembers of the last job it started. */
export interface FineTuneJobState {
  id: string;
  baseModel: string;
  trainingFile: string;
  validationFile: string | null;
  /** The dataset folder uploaded. */
  dir: string;
  startedAt: string;
  status: string;
  fineTunedModel: string | null;
  /** When the fine-tuned model became the configured chat model; null until then. */
  activatedAt: string | null;
  /** The chat model setting before activation (to switch back by hand); null when there was none. */
  previousChatModel: string | null;
}

/** A job's status as `parley finetune status` reports it. */
export interface FineTuneStatus {
  job: FineTuningJobInfo;
  events: FineTuningEventInfo[];
  /** True when this call switched the configured chat model to the fine-tuned one. */
  activated: boolean;
  /** The configured chat model (`generation.chatModel` setting) after the call; null when unset. */
  chatModel: string | null;
}

async function readState(store: Store): Promise<FineTuneJobState | undefined> {
  const raw = await store.getSetting(FINETUNE_JOB_SETTING);
  return raw ? (JSON.parse(raw) as FineTuneJobState) : undefined;
}

async function jobIdOr(store: Store, jobId: string | undefined): Promise<string> {
  if (jobId) return jobId;
  const state = await readState(store);
  if (!state) throw new ParleyError('bad_request', 'JOB: no fine-tuning job was started from this Parley; give the job id (ftjob-…)');
  return state.id;
}

/**
 * Uploads a prepared dataset (`train.jsonl`, and `validation.jsonl` when it has rows) with purpose `fine-tune`,
 * creates a supervised fine-tuning job of `model`, and remembers it in the store.
 * @throws ParleyError `bad_request` when the folder has no valid dataset or fewer than 10 training examples.
 */
export async function startFineTuneJob(
  store: Store,
  client: OpenAIFineTuningClient,
  input: { dir: string; model: string; suffix?: string; hyperparameters?: JobHyperparameters },
): Promise<{ job: FineTuningJobInfo; trainExamples: number; validationExamples: number }> {
  const dataset = await readPreparedDataset(input.dir);
  if (dataset.trainExamples < 10) {
    throw new ParleyError('bad_request', `--dir: ${DATASET_FILES.train} has ${dataset.trainExamples} examples; OpenAI needs at least 10`);
  }
  const trainingFile = await client.uploadFile(DATASET_FILES.train, dataset.train);
  const validationFile = dataset.validation === undefined ? undefined : await client.uploadFile(DATASET_FILES.validation, dataset.validation);
  const job = await client.createJob({
    model: input.model,
    trainingFile,
    ...(validationFile ? { validationFile } : {}),
    ...(input.suffix ? { suffix: input.suffix } : {}),
    ...(input.hyperparameters ? { hyperparameters: input.hyperparameters } : {}),
  });
  const state: FineTuneJobState = {
    id: job.id, baseModel: input.model, trainingFile, validationFile: validationFile ?? null, dir: input.dir, startedAt: new Date().toISOString(),
    status: job.status, fineTunedModel: job.fine_tuned_model, activatedAt: null, previousChatModel: null,
  };
  await store.setSetting(FINETUNE_JOB_SETTING, JSON.stringify(state));
  return { job, trainExamples: dataset.trainExamples, validationExamples: dataset.validationExamples };
}

/**
 * Reads a job (default: the last one started) and its latest events. When the job Parley started has succeeded,
 * its `ft:` model becomes the configured chat model (store setting `generation.chatModel`), once; jobs started
 * elsewhere are only reported.
 */
export async function fineTuneStatus(store: Store, client: OpenAIFineTuningClient, jobId?: string): Promise<FineTuneStatus> {
  const id = await jobIdOr(store, jobId);
  const job = await client.getJob(id);
  const events = await client.listEvents(id);
  let activated = false;
  const state = await readState(store);
  if (state?.id === id) {
    state.status = job.status;
    state.fineTunedModel = job.fine_tuned_model;
    if (job.status === 'succeeded' && job.fine_tuned_model && !state.activatedAt) {
      state.previousChatModel = (await store.getSetting(CHAT_MODEL_SETTING)) ?? null;
      await store.setSetting(CHAT_MODEL_SETTING, job.fine_tuned_model);
      state.activatedAt = new Date().toISOString();
      activated = true;
    }
    await store.setSetting(FINETUNE_JOB_SETTING, JSON.stringify(state));
  }
  return { job, events, activated, chatModel: (await store.getSetting(CHAT_MODEL_SETTING)) ?? null };
}

/**
 * Polls {@link fineTuneStatus} every `intervalMs` (default 30 s) until the job succeeds, fails or is cancelled,
 * calling `onEvent` once for each new event; resolves to the final status.
 */
export async function watchFineTune(
  store: Store,
  client: OpenAIFineTuningClient,
  jobId: string | undefined,
  options: { intervalMs?: number; onEvent?: (event: FineTuningEventInfo) => void; signal?: AbortSignal } = {},
): Promise<FineTuneStatus> {
  const id = await jobIdOr(store, jobId);
  const seen = new Set<string>();
  for (;;) {
    const status = await fineTuneStatus(store, client, id);
    for (const event of status.events) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      options.onEvent?.(event);
    }
    if (TERMINAL.has(status.job.status)) return status;
    options.signal?.throwIfAborted();
    await new Promise<void>((resolve) => setTimeout(resolve, options.intervalMs ?? 30_000));
  }
}

/** Cancels a job (default: the last one started). */
export async function cancelFineTune(store: Store, client: OpenAIFineTuningClient, jobId?: string): Promise<FineTuningJobInfo> {
  const id = await jobIdOr(store, jobId);
  const job = await client.cancelJob(id);
  const state = await readState(store);
  if (state?.id === id) await store.setSetting(FINETUNE_JOB_SETTING, JSON.stringify({ ...state, status: job.status }));
  return job;
}
