import type * as OpenAIModule from 'openai';
import type OpenAI from 'openai';
import { ParleyError } from '../../bot/core/index.js';

/** The fine-tuning job fields Parley reads (OpenAI's `fine_tuning.job` object). */
export interface FineTuningJobInfo {
  id: string;
  model: string;
  status: 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  fine_tuned_model: string | null;
  training_file: string;
  validation_file: string | null;
  created_at: number;
  finished_at: number | null;
  trained_tokens: number | null;
  error: { code: string; message: string; param: string | null } | null;
  estimated_finish?: number | null;
}

/** A fine-tuning job event. */
export interface FineTuningEventInfo {
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type?: 'message' | 'metrics';
}

/** Options of {@link OpenAIFineTuningClient}. */
export interface OpenAIFineTuningClientOptions {
  apiKey: string;
  /** An OpenAI-compatible base URL including `/v1`; default OpenAI's. */
  baseURL?: string;
  /** Retries of failed requests (429, 5xx, connection errors) with back-off; default 2. */
  maxRetries?: number;
  /** Request timeout in ms; default 120,000 (uploads can be large). */
  timeoutMs?: number;
}

/** Fine-tuning hyperparameters Parley passes (each `auto` when omitted). */
export interface JobHyperparameters {
  epochs?: number;
}

/** The `openai` package's module: the client class, `APIError` and `toFile`. */
type OpenAISdk = typeof OpenAIModule;

/**
 * OpenAI's Files and Fine-tuning Jobs APIs through the `openai` SDK (the only module of Parley that imports it
 * directly; on the first request, so that processes which never fine-tune do not load it): uploads JSONL with purpose
 * `fine-tune`, creates, reads and cancels supervised jobs, and lists events. API failures become `ParleyError`s:
 * 400/404/409/422 `bad_request`/`not_found`, 401/403 `unauthorized`, others `internal`.
 */
export class OpenAIFineTuningClient {
  private readonly options: OpenAIFineTuningClientOptions;
  private loading: Promise<{ client: OpenAI; sdk: OpenAISdk }> | undefined;

  constructor(options: OpenAIFineTuningClientOptions) {
    this.options = options;
  }

  /** Uploads a JSONL file (POST /files, multipart, purpose `fine-tune`); resolves to the file id. */
  async uploadFile(name: string, text: string): Promise<string> {
    const file = await this.call('upload', async (client, sdk) => client.files.create({ file: await sdk.toFile(Buffer.from(text, 'utf8'), name, { type: 'application/jsonl' }), purpose: 'fine-tune' }));
    return file.id;
  }

  /** Creates a supervised fine-tuning job (POST /fine_tuning/jobs). */
  createJob(input: { model: string; trainingFile: string; validationFile?: string; suffix?: string; hyperparameters?: JobHyperparameters }): Promise<FineTuningJobInfo> {
    const hyperparameters = input.hyperparameters?.epochs !== undefined ? { n_epochs: input.hyperparameters.epochs } : {};
    return this.call('create job', (client) =>
      client.fineTuning.jobs.create({
        model: input.model,
        training_file: input.trainingFile,
        ...(input.validationFile ? { validation_file: input.validationFile } : {}),
        ...(input.suffix ? { suffix: input.suffix } : {}),
        method: { type: 'supervised', supervised: { hyperparameters } },
      }),
    ) as Promise<FineTuningJobInfo>;
  }

  /** Reads a job (GET /fine_tuning/jobs/{id}). */
  getJob(id: string): Promise<FineTuningJobInfo> {
    return this.call('read job', (client) => client.fineTuning.jobs.retrieve(id)) as Promise<FineTuningJobInfo>;
  }

  /** Cancels a job (POST /fine_tuning/jobs/{id}/cancel). */
  cancelJob(id: string): Promise<FineTuningJobInfo> {
    return this.call('cancel job', (client) => client.fineTuning.jobs.cancel(id)) as Promise<FineTuningJobInfo>;
  }

  /** The job's latest events, oldest first (GET /fine_tuning/jobs/{id}/events; the API lists newest first). */
  async listEvents(id: string, limit = 20): Promise<FineTuningEventInfo[]> {
    const page = await this.call('list events', (client) => client.fineTuning.jobs.listEvents(id, { limit }));
    return [...(page.data as FineTuningEventInfo[])].reverse();
  }

  /** The SDK, imported, and its client, created, on the first request. */
  private loadSdk(): Promise<{ client: OpenAI; sdk: OpenAISdk }> {
    return (this.loading ??= import('openai').then((sdk) => {
      const { apiKey, baseURL, maxRetries, timeoutMs } = this.options;
      const client = new sdk.OpenAI({ apiKey, ...(baseURL ? { baseURL } : {}), maxRetries: maxRetries ?? 2, timeout: timeoutMs ?? 120_000 });
      return { client, sdk };
    }));
  }

  private async call<T>(what: string, request: (client: OpenAI, sdk: OpenAISdk) => Promise<T>): Promise<T> {
    const { client, sdk } = await this.loadSdk();
    try {
      return await request(client, sdk);
    } catch (error) {
      if (error instanceof sdk.APIError && error.status !== undefined) {
        const status = error.status;
        const code = status === 401 || status === 403 ? 'unauthorized' : status === 404 ? 'not_found' : status === 400 || status === 409 || status === 422 ? 'bad_request' : 'internal';
        throw new ParleyError(code, `OpenAI fine-tuning (${what}): HTTP ${status}: ${error.message}`, { cause: error, details: { status, param: error.param ?? null, type: error.type ?? null } });
      }
      throw new ParleyError('internal', `OpenAI fine-tuning (${what}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}
