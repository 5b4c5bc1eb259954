import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ParleyError} from '../../bot/core/index.js';
import { packageRoot, type Store } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import { cancelFineTune, CHAT_MODEL_SETTING, FINETUNE_JOB_SETTING, fineTuneStatus, OpenAIFineTuningClient, startFineTuneJob, watchFineTune, type FineTuneJobState } from './index.js';
import { startFakeOpenAIFineTune, validateChatJsonl, type FakeFineTuneRequest, type FakeOpenAIFineTune } from './testing/index.js';

// ---- OpenAI's published OpenAPI document: every request the client sends and every answer of the fake must fit it.
const SPEC = join(packageRoot(), '..', 'shared', 'specs', 'openai', 'openapi.json');
const doc: object | undefined = existsSync(SPEC) ? JSON.parse(readFileSync(SPEC, 'utf8')) : undefined;
if (!doc) console.warn(`${SPEC} is missing: skipping the checks of requests and responses against OpenAI's OpenAPI document`);
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('unixtime', true);
ajv.addFormat('binary', true);
/**
 * The document is OpenAPI 3.1 (JSON Schema 2020-12) but a few schemas (e.g. `learning_rate_multiplier`) still use
 * OpenAPI 3.0's boolean `exclusiveMinimum: true` next to `minimum`, which 2020-12 spells `exclusiveMinimum: <number>`;
 * those are rewritten to the 2020-12 form (same meaning) before compiling.
 */
function to202012(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(to202012);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = to202012(value);
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  return out;
}
if (doc) ajv.addSchema({ ...(to202012(doc) as object), $id: 'openai' });
const compiled = new Map<string, ValidateFunction>();
function validate(name: string, data: unknown): string[] {
  if (!compiled.has(name)) compiled.set(name, ajv.compile({ $ref: `openai#/components/schemas/${name}` }));
  const check = compiled.get(name)!;
  return check(data) ? [] : [`${name}: ${ajv.errorsText(check.errors)}`];
}

/** Each endpoint's request and response schemas, as the document's paths name them. */
function specErrors(r: FakeFineTuneRequest): string[] {
  const errors: string[] = [];
  let responseSchema: string;
  if (r.method === 'POST' && r.path === '/v1/files') {
    // multipart/form-data with CreateFileRequest's fields; the file part is the binary string.
    const body = r.body as { purpose?: unknown; file?: unknown };
    errors.push(...validate('CreateFileRequest', { purpose: body.purpose, file: body.file === undefined ? undefined : 'binary' }).map((e) => `request ${e}`));
    responseSchema = 'OpenAIFile';
  } else if (r.method === 'POST' && r.path === '/v1/fine_tuning/jobs') {
    if (r.status !== 400) errors.push(...validate('CreateFineTuningJobRequest', r.body).map((e) => `request ${e}`));
    responseSchema = 'FineTuningJob';
  } else if (r.method === 'GET' && /^\/v1\/fine_tuning\/jobs\/[^/]+\/events$/.test(r.path)) {
    responseSchema = 'ListFineTuningJobEventsResponse';
  } else if (/^\/v1\/fine_tuning\/jobs\/[^/]+(\/cancel)?$/.test(r.path)) {
    responseSchema = 'FineTuningJob';
  } else {
    return [`${r.method} ${r.path} is not an endpoint the client should call`];
  }
  const response = r.status === 200 ? validate(responseSchema, r.response) : validate('ErrorResponse', r.response);
  return [...errors, ...response.map((e) => `response ${r.method} ${r.path} ${e}`)];
}

const KEY = 'sk-test-parley-finetune-0123456789';
let fake: FakeOpenAIFineTune;
let home: string;
let store: Store;
let client: OpenAIFineTuningClient;

const example = (i: number) => JSON.stringify({ messages: [{ role: 'system', content: 'You help.' }, { role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer number ${i}.` }] });
async function dataset(name: string, train: number, validation: number, extra = ''): Promise<string> {
  const dir = join(home, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'train.jsonl'), Array.from({ length: train }, (_, i) => example(i)).join('\n') + '\n' + extra);
  await writeFile(join(dir, 'validation.jsonl'), Array.from({ length: validation }, (_, i) => example(100 + i)).join('\n'));
  return dir;
}
const failure = (promise: Promise<unknown>): Promise<ParleyError> => promise.then(() => Promise.reject(new Error('expected a failure')), (e: ParleyError) => e);

beforeEach(async () => {
  fake = await startFakeOpenAIFineTune({ apiKey: KEY });
  home = await mkdtemp(join(tmpdir(), 'parley-ftjobs-'));
  store = await openStore({ home });
  client = new OpenAIFineTuningClient({ apiKey: KEY, baseURL: fake.url, maxRetries: 0 });
});
afterEach(async () => {
  await store.close();
  await fake.close();
  await rm(home, { recursive: true, force: true });
  if (doc) expect(fake.requests.flatMap(specErrors)).toEqual([]);
});

describe('fine-tuning jobs against a fake OpenAI', () => {
  it('uploads the dataset, creates a job, follows it to success and switches the chat model once', async () => {
    const dir = await dataset('ok', 12, 3);
    await store.setSetting(CHAT_MODEL_SETTING, 'gpt-4o-mini');
    const started = await startFineTuneJob(store, client, { dir, model: 'gpt-4o-mini-2024-07-18', suffix: 'support', hyperparameters: { epochs: 2 } });
    expect(started).toMatchObject({ trainExamples: 12, validationExamples: 3, job: { status: 'validating_files', model: 'gpt-4o-mini-2024-07-18' } });

    const uploads = fake.requests.filter((r) => r.path === '/v1/files').map((r) => r.body as { purpose: string; file: { name: string; text: string } });
    expect(uploads.map((u) => [u.purpose, u.file.name])).toEqual([['fine-tune', 'train.jsonl'], ['fine-tune', 'validation.jsonl']]);
    expect(validateChatJsonl(uploads[0]!.file.text)).toEqual({ examples: 12 });
    const create = fake.requests.find((r) => r.path === '/v1/fine_tuning/jobs')!.body as Record<string, unknown>;
    expect(create).toEqual({
      model: 'gpt-4o-mini-2024-07-18', training_file: [...fake.files.values()][0]!.id, validation_file: [...fake.files.values()][1]!.id,
      suffix: 'support', method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } },
    });
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    // Each read moves the fake job on: queued, running, then succeeded.
    expect((await fineTuneStatus(store, client)).job.status).toBe('queued');
    const running = await fineTuneStatus(store, client, started.job.id);
    expect(running).toMatchObject({ job: { status: 'running' }, activated: false, chatModel: 'gpt-4o-mini' });
    expect(running.events.map((e) => e.message)).toContain('Fine-tuning job started');
    const done = await fineTuneStatus(store, client);
    expect(done.job.status).toBe('succeeded');
    expect(done.job.fine_tuned_model).toMatch(/^ft:gpt-4o-mini-2024-07-18:parley-test:support:\w+$/);
    expect(done).toMatchObject({ activated: true, chatModel: done.job.fine_tuned_model });
    expect(done.events[done.events.length - 1]!.message).toBe('The job has successfully completed');
    expect(await store.getSetting(CHAT_MODEL_SETTING)).toBe(done.job.fine_tuned_model);
    const state = JSON.parse((await store.getSetting(FINETUNE_JOB_SETTING))!) as FineTuneJobState;
    expect(state).toMatchObject({ id: started.job.id, status: 'succeeded', fineTunedModel: done.job.fine_tuned_model, previousChatModel: 'gpt-4o-mini', activatedAt: expect.any(String) });

    // A model switched back by hand is not switched again by later status calls.
    await store.setSetting(CHAT_MODEL_SETTING, 'gpt-4o-mini');
    expect(await fineTuneStatus(store, client)).toMatchObject({ activated: false, chatModel: 'gpt-4o-mini' });
  });

  it('watches a job until it ends, reporting each event once', async () => {
    const dir = await dataset('watch', 10, 0);
    const { job } = await startFineTuneJob(store, client, { dir, model: 'gpt-4o-mini-2024-07-18' });
    expect(fake.requests.filter((r) => r.path === '/v1/files')).toHaveLength(1);
    expect((fake.requests.find((r) => r.path === '/v1/fine_tuning/jobs')!.body as Record<string, unknown>).validation_file).toBeUndefined();
    const seen: string[] = [];
    const final = await watchFineTune(store, client, undefined, { intervalMs: 1, onEvent: (e) => seen.push(e.id) });
    expect(final.job).toMatchObject({ id: job.id, status: 'succeeded' });
    expect(final.activated).toBe(true);
    // Every event of the job, each once, oldest first.
    expect(seen).toEqual((await client.listEvents(job.id, 100)).map((e) => e.id));
    expect(seen.length).toBeGreaterThan(5);
  });

  it('reports a job that fails validation without switching the model', async () => {
    // Passes the local check (an assistant message on every line) but has an empty message, which OpenAI rejects.
    const dir = await dataset('bad', 10, 0, JSON.stringify({ messages: [{ role: 'user', content: '' }, { role: 'assistant', content: 'x' }] }) + '\n');
    await startFineTuneJob(store, client, { dir, model: 'gpt-4o-mini-2024-07-18' });
    const final = await watchFineTune(store, client, undefined, { intervalMs: 1 });
    expect(final.job).toMatchObject({ status: 'failed', fine_tuned_model: null, error: { code: 'invalid_training_file', param: 'training_file' } });
    expect(final).toMatchObject({ activated: false, chatModel: null });
  });

  it('cancels a running job, and refuses to cancel it twice', async () => {
    const dir = await dataset('cancel', 10, 2);
    const { job } = await startFineTuneJob(store, client, { dir, model: 'gpt-4o-mini-2024-07-18' });
    expect((await cancelFineTune(store, client)).status).toBe('cancelled');
    expect(JSON.parse((await store.getSetting(FINETUNE_JOB_SETTING))!)).toMatchObject({ id: job.id, status: 'cancelled' });
    expect(await failure(cancelFineTune(store, client, job.id))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('HTTP 400') });
    expect(await fineTuneStatus(store, client)).toMatchObject({ job: { status: 'cancelled' }, activated: false });
  });

  it('turns bad input and API failures into coded errors', async () => {
    expect(await failure(fineTuneStatus(store, client))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('JOB') });
    expect(await failure(startFineTuneJob(store, client, { dir: join(home, 'missing'), model: 'gpt-4o-mini-2024-07-18' }))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('finetune prepare') });
    expect(await failure(startFineTuneJob(store, client, { dir: await dataset('few', 3, 0), model: 'gpt-4o-mini-2024-07-18' }))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('at least 10') });
    await writeFile(join(home, 'few', 'train.jsonl'), '{"messages": [{"role": "user", "content": "hi"}]}\n');
    expect((await failure(startFineTuneJob(store, client, { dir: join(home, 'few'), model: 'gpt-4o-mini-2024-07-18' }))).message).toBe('train.jsonl line 1: "messages" must be an array with an assistant message');
    expect(fake.requests).toHaveLength(0);

    const dir = await dataset('api', 10, 0);
    expect(await failure(startFineTuneJob(store, client, { dir, model: 'gpt-2' }))).toMatchObject({ code: 'bad_request', details: { status: 400, param: 'model' } });
    expect(await failure(fineTuneStatus(store, client, 'ftjob-unknown'))).toMatchObject({ code: 'not_found' });
    const wrongKey = new OpenAIFineTuningClient({ apiKey: 'sk-wrong-key-000000', baseURL: fake.url, maxRetries: 0 });
    expect(await failure(startFineTuneJob(store, wrongKey, { dir, model: 'gpt-4o-mini-2024-07-18' }))).toMatchObject({ code: 'unauthorized' });
    fake.failNext(1, 500);
    expect(await failure(startFineTuneJob(store, client, { dir, model: 'gpt-4o-mini-2024-07-18' }))).toMatchObject({ code: 'internal', details: { status: 500 } });
    // With retries a transient 500 is retried.
    fake.failNext(1, 500);
    const retrying = new OpenAIFineTuningClient({ apiKey: KEY, baseURL: fake.url, maxRetries: 1 });
    expect((await startFineTuneJob(store, retrying, { dir, model: 'gpt-4o-mini-2024-07-18' })).job.status).toBe('validating_files');
  });
});
