import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { z } from 'zod';
import { startFakeServer, VendorRejection, type FakeRequest } from '../../../bot/core/testing/fake-server.js';

/** One request the fake received, with what it answered. */
export interface FakeFineTuneRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/files`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** JSON body; for multipart uploads `{purpose, file: {name, type, size, text}}`; `undefined` when empty. */
  body: unknown;
  status: number;
  response: unknown;
}

/** A stored upload. */
export interface FakeFile {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  text: string;
  created_at: number;
}

/** A running fake of OpenAI's Files and Fine-tuning Jobs APIs. */
export interface FakeOpenAIFineTune {
  /** Base URL including `/v1`. */
  url: string;
  requests: FakeFineTuneRequest[];
  files: Map<string, FakeFile>;
  /** Jobs as the API returns them (`fine_tuning.job` objects). */
  jobs: Map<string, Record<string, unknown>>;
  /** Moves a job one step on: validating_files → queued → running → succeeded (or failed on invalid data). */
  advance(jobId: string): void;
  /** Makes the next `count` requests fail with HTTP `status` and OpenAI's error body. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/** Options of {@link startFakeOpenAIFineTune}. */
export interface FakeOpenAIFineTuneOptions {
  /** The only key accepted; default `sk-test-fake-openai-key`. */
  apiKey?: string;
  /** Advance a job one step each time it is read (GET); default true. */
  advanceOnRead?: boolean;
  /** Organization in job objects and `ft:` names; default `parley-test`. */
  organization?: string;
}

const auto = <T extends z.ZodType>(value: T) => z.union([z.literal('auto'), value]).optional();
/** Hyperparameters of a supervised job (`SupervisedHyperparameters` in OpenAI's document). */
const Hyperparameters = z.strictObject({ batch_size: auto(z.int().min(1).max(256)), learning_rate_multiplier: auto(z.number().positive()), n_epochs: auto(z.int().min(1).max(50)) });

/**
 * `CreateFineTuningJobRequest` of OpenAI's OpenAPI document: `model` and `training_file` required, `suffix` up to 64
 * characters, `seed` a 32-bit integer, hyperparameters (deprecated top-level or under `method.supervised`) within their
 * ranges. An unknown field is rejected, as the API does.
 */
const CreateFineTuningJob = z.strictObject({
  model: z.string().min(1, 'Missing required parameter: model.'),
  training_file: z.string().min(1, 'Missing required parameter: training_file.'),
  validation_file: z.string().nullable().optional(),
  suffix: z.string().min(1).max(64).nullable().optional(),
  seed: z.int().min(0).max(2_147_483_647).nullable().optional(),
  hyperparameters: Hyperparameters.optional(),
  method: z.looseObject({ type: z.enum(['supervised', 'dpo', 'reinforcement']), supervised: z.looseObject({ hyperparameters: Hyperparameters.optional() }).optional() }).optional(),
  integrations: z.array(z.unknown()).nullable().optional(),
  metadata: z.record(z.string(), z.string().max(512)).nullable().optional(),
});

/** `CreateFileRequest`: a multipart `file` part and its `purpose`. */
const CreateFile = z.object({
  file: z.object({ filename: z.string(), data: z.instanceof(Buffer) }, { error: "Missing required parameter: 'file'." }),
  purpose: z.enum(['fine-tune', 'assistants', 'batch', 'vision', 'user_data', 'evals']),
});

/** OpenAI's error body for a request it rejects (`invalid_request_error`, the first field at fault as `param`). */
function rejection(rejected: VendorRejection): { status: number; body: unknown } {
  const issue = rejected.issues[0];
  const message = issue?.code === 'unrecognized_keys' ? `Unrecognized request argument supplied: ${issue.keys.join(', ')}` : rejected.message;
  return { status: 400, body: new ApiError(400, message, issue?.path.length ? issue.path.map(String).join('.') : null).body() };
}

class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null = null, readonly code: string | null = null, readonly type = 'invalid_request_error') {
    super(message);
  }

  body(): unknown {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Base models OpenAI documents as fine-tunable (plus earlier fine-tunes, `ft:…`). */
const FINE_TUNABLE = /^(gpt-4o-mini-2024-07-18|gpt-4o-mini|gpt-4o-2024-08-06|gpt-4\.1(-mini|-nano)?-2025-04-14|gpt-3\.5-turbo(-0125|-1106)?|babbage-002|davinci-002|ft:.+)$/;
const MIN_EXAMPLES = 10;
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const now = () => Math.floor(Date.now() / 1000);

/** Checks a chat fine-tuning JSONL file as OpenAI's validation step does; returns the problem, or the example count. */
export function validateChatJsonl(text: string): { examples: number; problem?: string } {
  const lines = text.split('\n').filter((line) => line.trim());
  for (const [i, line] of lines.entries()) {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      return { examples: lines.length, problem: `Invalid file format. Line ${i + 1} is not valid JSON.` };
    }
    const messages = (row as { messages?: unknown }).messages;
    if (!Array.isArray(messages) || messages.length === 0) return { examples: lines.length, problem: `Invalid file format. Line ${i + 1}, key "messages": must be a non-empty array.` };
    for (const m of messages as { role?: unknown; content?: unknown }[]) {
      if (!ROLES.has(String(m?.role))) return { examples: lines.length, problem: `Invalid file format. Line ${i + 1}: unrecognized role "${String(m?.role)}".` };
      if (typeof m.content !== 'string' || !m.content) return { examples: lines.length, problem: `Invalid file format. Line ${i + 1}: every message needs non-empty string content.` };
    }
    if (!messages.some((m: { role?: unknown }) => m.role === 'assistant')) return { examples: lines.length, problem: `Invalid file format. Line ${i + 1}: no assistant message.` };
  }
  if (lines.length < MIN_EXAMPLES) return { examples: lines.length, problem: `Training file has ${lines.length} example(s), but must have at least ${MIN_EXAMPLES} examples.` };
  return { examples: lines.length };
}


/**
 * Starts a fake of OpenAI's Files and Fine-tuning Jobs APIs on 127.0.0.1 (random port), following the OpenAPI
 * document: `POST /v1/files` (multipart `file` + `purpose`), `GET /v1/files/{id}`, `POST /v1/fine_tuning/jobs`
 * (checks the model and that the files exist with purpose `fine-tune`), `GET /v1/fine_tuning/jobs/{id}`,
 * `GET /v1/fine_tuning/jobs/{id}/events` (newest first, `limit`), `POST /v1/fine_tuning/jobs/{id}/cancel`; Bearer
 * auth, OpenAI's error bodies, failure injection. Jobs move through validating_files → queued → running →
 * succeeded (with an `ft:` model) one step per read, and fail at validation when the training file is not valid chat
 * JSONL with at least 10 examples, as OpenAI's do.
 */
export async function startFakeOpenAIFineTune(options: FakeOpenAIFineTuneOptions = {}): Promise<FakeOpenAIFineTune> {
  const apiKey = options.apiKey ?? 'sk-test-fake-openai-key';
  const org = options.organization ?? 'parley-test';
  const requests: FakeFineTuneRequest[] = [];
  const files = new Map<string, FakeFile>();
  const jobs = new Map<string, Record<string, unknown>>();
  const events = new Map<string, Record<string, unknown>[]>();
  const failures: number[] = [];
  const id = (prefix: string) => `${prefix}-${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

  const event = (jobId: string, message: string, level: 'info' | 'warn' | 'error' = 'info', data: Record<string, unknown> = {}, type: 'message' | 'metrics' = 'message') => {
    events.get(jobId)!.push({ object: 'fine_tuning.job.event', id: id('ftevent'), created_at: now(), level, message, data, type });
  };
  const fileObject = (f: FakeFile) => ({ id: f.id, object: 'file', bytes: f.bytes, created_at: f.created_at, filename: f.filename, purpose: f.purpose, status: 'processed' });

  const advance = (jobId: string): void => {
    const job = jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    const status = job.status as string;
    if (status === 'validating_files') {
      const check = validateChatJsonl(files.get(job.training_file as string)?.text ?? '');
      if (check.problem) {
        Object.assign(job, { status: 'failed', finished_at: now(), error: { code: 'invalid_training_file', message: check.problem, param: 'training_file' } });
        event(jobId, `Training file validation failed: ${check.problem}`, 'error');
        return;
      }
      job.status = 'queued';
      event(jobId, 'Validating training file: done');
      event(jobId, 'Files validated, moving job to queued state');
    } else if (status === 'queued') {
      Object.assign(job, { status: 'running', estimated_finish: now() + 600 });
      event(jobId, 'Fine-tuning job started');
      event(jobId, 'Step 1/10: training loss=1.92', 'info', { step: 1, train_loss: 1.92, total_steps: 10 }, 'metrics');
    } else if (status === 'running') {
      const examples = validateChatJsonl(files.get(job.training_file as string)?.text ?? '').examples;
      const suffix = (job.user_provided_suffix as string | null) ?? '';
      const model = `ft:${job.model as string}:${org}:${suffix}:${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`;
      Object.assign(job, { status: 'succeeded', finished_at: now(), fine_tuned_model: model, trained_tokens: examples * 120, result_files: [id('file')], estimated_finish: null });
      event(jobId, 'Step 10/10: training loss=0.41', 'info', { step: 10, train_loss: 0.41, total_steps: 10 }, 'metrics');
      event(jobId, `New fine-tuned model created: ${model}`);
      event(jobId, 'The job has successfully completed');
    }
  };

  const createJob = (request: z.infer<typeof CreateFineTuningJob>): Record<string, unknown> => {
    if (!FINE_TUNABLE.test(request.model)) throw new ApiError(400, `Model ${request.model} is not available for fine-tuning or does not exist.`, 'model', 'model_not_available');
    for (const param of ['training_file', 'validation_file'] as const) {
      const fileId = request[param];
      if (fileId === undefined || (param === 'validation_file' && fileId === null)) {
        if (param === 'training_file') throw new ApiError(400, 'Missing required parameter: training_file.', param, 'missing_required_parameter');
        continue;
      }
      const file = files.get(String(fileId));
      if (!file) throw new ApiError(400, `invalid ${param}: ${String(fileId)}`, param, 'invalid_file');
      if (file.purpose !== 'fine-tune') throw new ApiError(400, `File ${file.id} has purpose ${file.purpose}, not fine-tune.`, param, 'invalid_file_purpose');
    }
    const method = (request.method ?? { type: 'supervised', supervised: { hyperparameters: request.hyperparameters ?? {} } }) as { type: string; supervised?: { hyperparameters?: Record<string, unknown> } };
    const hyper = method.supervised?.hyperparameters ?? {};
    const hyperparameters = { batch_size: hyper.batch_size ?? 'auto', learning_rate_multiplier: hyper.learning_rate_multiplier ?? 'auto', n_epochs: hyper.n_epochs ?? 'auto' };
    const job: Record<string, unknown> = {
      object: 'fine_tuning.job', id: id('ftjob'), model: request.model, created_at: now(), finished_at: null, fine_tuned_model: null,
      organization_id: `org-${org}`, result_files: [], status: 'validating_files', validation_file: request.validation_file ?? null,
      training_file: request.training_file, hyperparameters, trained_tokens: null, error: null, integrations: [], seed: (request.seed as number | undefined) ?? 42,
      estimated_finish: null, method: { type: 'supervised', supervised: { hyperparameters } }, metadata: request.metadata ?? null,
      user_provided_suffix: (request.suffix as string | undefined) ?? null,
    };
    jobs.set(job.id as string, job);
    events.set(job.id as string, []);
    event(job.id as string, `Created fine-tuning job: ${job.id as string}`);
    event(job.id as string, `Validating training file: ${request.training_file as string}`);
    return job;
  };

  const route = async (record: FakeFineTuneRequest, req: FakeRequest): Promise<unknown> => {
    const { method, path } = record;
    if (method === 'POST' && path === '/v1/files') {
      const { file, purpose } = req.valid(CreateFile, 'parts');
      if (purpose === 'fine-tune' && !file.filename.endsWith('.jsonl')) throw new ApiError(400, `Invalid file format for Fine-Tuning API. Must be .jsonl`, 'file');
      const stored: FakeFile = { id: id('file'), filename: file.filename, purpose, bytes: file.data.length, text: file.data.toString('utf8'), created_at: now() };
      files.set(stored.id, stored);
      return fileObject(stored);
    }
    const fileMatch = /^\/v1\/files\/([^/]+)$/.exec(path);
    if (method === 'GET' && fileMatch) {
      const file = files.get(fileMatch[1]!);
      if (!file) throw new ApiError(404, `No such File object: ${fileMatch[1]!}`, 'id');
      return fileObject(file);
    }
    if (method === 'POST' && path === '/v1/fine_tuning/jobs') return createJob(req.valid(CreateFineTuningJob));
    const jobMatch = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    if (jobMatch) {
      const job = jobs.get(jobMatch[1]!);
      if (!job) throw new ApiError(404, `Could not find fine tune job: ${jobMatch[1]!}`, 'fine_tune_id', 'fine_tune_not_found');
      if (method === 'GET' && !jobMatch[2]) {
        if (options.advanceOnRead !== false) advance(job.id as string);
        return job;
      }
      if (method === 'GET' && jobMatch[2] === '/events') {
        const limit = Math.min(100, Math.max(1, Number(record.query.limit ?? 20) || 20));
        const list = [...events.get(job.id as string)!].reverse();
        return { object: 'list', data: list.slice(0, limit), has_more: list.length > limit };
      }
      if (method === 'POST' && jobMatch[2] === '/cancel') {
        if (['succeeded', 'failed', 'cancelled'].includes(job.status as string)) throw new ApiError(400, `Job has already completed: ${job.id as string}`, null, 'invalid_request');
        Object.assign(job, { status: 'cancelled', finished_at: now(), estimated_finish: null });
        event(job.id as string, 'Fine-tuning job cancelled');
        return job;
      }
    }
    throw new ApiError(404, `Invalid URL (${method} ${path})`);
  };

  const handle = async (req: FakeRequest, res: ServerResponse): Promise<void> => {
    const { url } = req;
    // A JSON body that does not parse is kept as text (a 400 below).
    const body: unknown = req.text && req.contentType.includes('json') ? (req.json ?? req.text) : undefined;
    const record: FakeFineTuneRequest = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body, status: 0, response: undefined };
    requests.push(record);
    try {
      // What a multipart upload sent is recorded even on failures.
      if (req.parts) {
        const file = req.parts.find((part) => part.name === 'file');
        const purpose = req.parts.find((part) => part.name === 'purpose' && part.filename === undefined);
        record.body = { purpose: purpose?.data.toString('utf8') ?? null, file: file && file.filename !== undefined ? { name: file.filename, type: file.contentType ?? '', size: file.data.length, text: file.data.toString('utf8') } : (file?.data.toString('utf8') ?? null) };
      }
      const failure = failures.shift();
      if (failure !== undefined) throw new ApiError(failure, failure >= 500 ? 'The server had an error while processing your request. Sorry about that!' : `Injected failure (HTTP ${failure}).`, null, null, failure >= 500 ? 'server_error' : 'invalid_request_error');
      const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!match) throw new ApiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
      if (match[1] !== apiKey) throw new ApiError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
      record.response = await route(record, req);
      record.status = 200;
    } catch (error) {
      if (error instanceof VendorRejection) {
        Object.assign(record, { status: 400, response: rejection(error).body });
        throw error;
      }
      const failure = error instanceof ApiError ? error : new ApiError(500, String(error), null, null, 'server_error');
      record.status = failure.status;
      record.response = failure.body();
    }
    res.writeHead(record.status, { 'content-type': 'application/json', 'x-request-id': `req_${requests.length}` }).end(JSON.stringify(record.response));
  };

  const server = await startFakeServer(handle, { vendor: 'OpenAI', rejection });
  return {
    url: `${server.url}/v1`,
    requests,
    files,
    jobs,
    advance,
    failNext(count: number, status: number): void {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    close: () => server.close(),
  };
}
