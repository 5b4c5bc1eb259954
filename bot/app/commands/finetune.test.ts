import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTicketsFile, sampleTicketsPath } from '../../../knowledge/index.js';
import { startFakeOpenAIFineTune, type FakeOpenAIFineTune } from '../../../knowledge/finetune/testing/index.js';
import { openStore } from '../../storage/index.js';
import { runCli } from '../cli.js';
import { captureIo } from '../testing/captured-io.js';

const KEY = 'sk-test-parley-cli-finetune-000';
let home: string;
let fake: FakeOpenAIFineTune;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-cli-ft-'));
  fake = await startFakeOpenAIFineTune({ apiKey: KEY });
  env = { PARLEY_HOME: home, PARLEY_SAMPLE_DATA: 'false', OPENAI_API_KEY: KEY, OPENAI_BASE_URL: fake.url, PARLEY_LOG_LEVEL: 'error' };
  const store = await openStore({ home });
  try {
    const tickets = await readTicketsFile(sampleTicketsPath(), { source: 'sample' });
    const first = tickets[0]!;
    await store.upsertTickets([
      ...tickets,
      { id: 'corr-1', question: '', answer: 'We ship to every EU country in 3–5 business days, free above €50; tracking comes by e-mail.', source: 'corrections', metadata: { corrects: first.id } },
    ]);
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

describe('parley finetune', () => {
  it('prepares a dataset from the store, starts a job, follows it to success and switches the chat model', async () => {
    const out = join(home, 'dataset');
    const prepare = captureIo();
    expect(await runCli(['finetune', 'prepare', '--out', out, '--seed', '3', '--json'], prepare, env)).toBe(0);
    const summary = prepare.json<{ train: number; validation: number; corrections: number; tokens: { tokenizer: string; train: number }; cost: { usd: number; epochs: number }; files: string[] }>();
    expect(summary.corrections).toBe(1);
    expect(summary.train).toBeGreaterThan(100);
    expect(summary.validation).toBe(Math.round((summary.train + summary.validation) * 0.1));
    expect(summary.tokens.tokenizer).toBe('o200k_base');
    expect(summary.cost.usd).toBeCloseTo((summary.tokens.train * summary.cost.epochs * 3) / 1e6, 2);
    expect((await readFile(join(out, 'train.jsonl'), 'utf8')).trimEnd().split('\n')).toHaveLength(summary.train);

    const lora = captureIo();
    expect(await runCli(['finetune', 'export-lora', '--out', join(home, 'lora'), '--seed', '3'], lora, env)).toBe(0);
    expect(lora.stdout.at(-1)).toMatch(/^wrote \d+ training and \d+ validation examples/);
    expect((await readFile(join(home, 'lora', 'alpaca-train.jsonl'), 'utf8')).split('\n')[0]).toMatch(/^\{"instruction":/);

    // `start` uploads the OpenAI-format dataset prepared last (not the LoRA export) unless --dir names another.
    const missing = captureIo();
    expect(await runCli(['finetune', 'start', '--dir', join(home, 'lora'), '--json'], missing, env)).toBe(2);
    expect(missing.json()).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('train.jsonl') } });
    const start = captureIo();
    expect(await runCli(['finetune', 'start', '--suffix', 'apparel', '--json'], start, env)).toBe(0);
    const job = start.json<{ job: { id: string; status: string } }>().job;
    expect(job.status).toBe('validating_files');

    const watch = captureIo();
    expect(await runCli(['finetune', 'status', '--watch', '--interval', '0.01', '--json'], watch, env)).toBe(0);
    const status = watch.json<{ job: { id: string; status: string; fine_tuned_model: string }; activated: boolean; chatModel: string }>();
    expect(status).toMatchObject({ job: { id: job.id, status: 'succeeded' }, activated: true });
    expect(status.chatModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:parley-test:apparel:/);
    expect(watch.stderr.some((line) => line.includes('The job has successfully completed'))).toBe(true);
    const store = await openStore({ home });
    try {
      expect(await store.getSetting('generation.chatModel')).toBe(status.chatModel);
    } finally {
      await store.close();
    }

    const text = captureIo();
    expect(await runCli(['finetune', 'status', job.id], text, env)).toBe(0);
    expect(text.stdout.join('\n')).toContain(`job ${job.id} (gpt-4o-mini-2024-07-18): succeeded → ${status.chatModel}`);

    const cancel = captureIo();
    expect(await runCli(['finetune', 'cancel', '--json'], cancel, env)).toBe(2);
    expect(cancel.json()).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('Job has already completed') } });
  });

  it.each([
    [['finetune', 'prepare', '--json'], 'bad_request', '--out'],
    [['finetune', 'prepare', '--out', 'x', '--validation', '0.9', '--json'], 'bad_request', '--validation'],
    [['finetune', 'prepare', '--out', 'x', '--seed', '-1', '--json'], 'bad_request', '--seed'],
    [['finetune', 'prepare', '--out', 'x', '--format', 'csv', '--json'], 'bad_request', '--format'],
    [['finetune', 'prepare', '--out', 'x', '--epochs', '0', '--json'], 'bad_request', '--epochs'],
    [['finetune', 'prepare', '--out', 'x', '--price-per-million', 'cheap', '--json'], 'bad_request', '--price-per-million'],
    [['finetune', 'start', '--suffix', 'has spaces', '--json'], 'bad_request', '--suffix'],
    [['finetune', 'status', 'ftjob-1', '--interval', '0', '--json'], 'bad_request', '--interval'],
    [['finetune', 'status', 'not a job', '--json'], 'bad_request', 'JOB'],
    [['finetune', 'cancel', 'ftjob-missing', '--json'], 'not_found', 'ftjob-missing'],
  ])('%j exits 2 with %s naming %s', async (argv, code, named) => {
    const io = captureIo();
    expect(await runCli(argv, io, env)).toBe(2);
    expect(io.json()).toEqual({ error: { code, message: expect.stringContaining(named) } });
  });

  it('needs OPENAI_API_KEY for jobs', async () => {
    const io = captureIo();
    expect(await runCli(['finetune', 'status', '--json'], io, { PARLEY_HOME: home })).toBe(2);
    expect(io.json()).toEqual({ error: { code: 'config_invalid', message: expect.stringContaining('OPENAI_API_KEY') } });
  });
});
