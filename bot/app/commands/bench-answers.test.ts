import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rougeL } from '../../../evaluations/index.js';
import { runCli } from '../cli.js';
import { captureIo } from '../testing/captured-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-bench-answers-'));
  const tickets = [
    { question: 'How long do refunds take?', answer: 'Refunds reach your card within 5 to 7 business days.', intent: 'refund' },
    { question: 'When will I get my money back?', answer: 'Refunds reach your card within 5 to 7 business days.', intent: 'refund' },
    { question: 'How much is international shipping?', answer: 'International shipping costs $15 and takes 7 to 12 days.', intent: 'shipping' },
    { question: 'Do you deliver abroad, and what does it cost?', answer: 'International shipping costs $15 and takes 7 to 12 days.', intent: 'shipping' },
    { question: 'How do I reset my password?', answer: 'Use "Forgot password" on the sign-in page; the link is valid for one hour.', intent: 'account' },
    { question: 'I forgot my password', answer: 'Use "Forgot password" on the sign-in page; the link is valid for one hour.', intent: 'account' },
  ];
  const test = [
    { question: 'how long does a refund take?', answer: 'Refunds reach your card within 5 to 7 business days.', intent: 'refund' },
    { question: 'what does international shipping cost?', answer: 'International shipping costs $15 and takes 7 to 12 days.', intent: 'shipping' },
    { question: 'i forgot my password, how do i reset it', answer: 'Use "Forgot password" on the sign-in page.', intent: 'account' },
  ];
  await writeFile(join(dir, 'tickets.jsonl'), tickets.map((r) => JSON.stringify(r)).join('\n'));
  await writeFile(join(dir, 'test.jsonl'), test.map((r) => JSON.stringify(r)).join('\n'));
  await writeFile(join(dir, 'bad.jsonl'), '{"question":"ok","answer":"fine"}\n{"question":"","answer":"x"}\n');
  // Two brands whose customers ask the same things; each answer links its brand's help page and names its topic.
  const topics = [
    ['refund', ['how long does a refund take', 'when do I get my money back', 'refund still not on my card', 'is my refund processed yet']],
    ['password', ['I forgot my password', 'how do I reset my password', 'password reset link not working', 'cannot sign in, password wrong']],
    ['shipping', ['how long does shipping take', 'when will my parcel arrive', 'my order has not arrived', 'where is my delivery']],
  ] as const;
  const branded = ['acme', 'globex'].flatMap((brand) =>
    topics.flatMap(([topic, questions]) =>
      questions.map((question, i) => ({ id: `${brand}-${topic}-${i}`, question, answer: `See https://${brand}.example/help/${topic} for ${topic} help.`, brand, doc: `${brand}-${topic}` })),
    ),
  );
  await writeFile(join(dir, 'branded.jsonl'), branded.map((r) => JSON.stringify(r)).join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parley bench answers', () => {
  it('prints the answer-quality figures as the last JSON line', async () => {
    const io = captureIo();
    const code = await runCli(['bench', 'answers', '--tickets', join(dir, 'tickets.jsonl'), '--test', join(dir, 'test.jsonl'), '--expect', 'intent', '--json'], io, { PARLEY_LOG_LEVEL: 'error' });
    expect(code).toBe(0);
    const result = JSON.parse(io.stdout.at(-1)!) as Record<string, number>;
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['n', 'coverage', 'precision', 'clarifyRate', 'clarifyHit', 'handoffRate', 'crossScope', 'placeholderLeaks', 'coverageAt', 'baseline', 'groundedRate', 'intentMatch', 'rougeL', 'p50Ms', 'p95Ms', 'decidedBy']),
    );
    expect(result.n).toBe(3);
    expect(result.groundedRate).toBeGreaterThan(0.6);
    expect(result.intentMatch).toBeGreaterThan(0.6);
    expect(result.rougeL).toBeGreaterThan(0.5);
    // Every question is counted under the stage that decided its turn.
    const stages = Object.values(result.decidedBy as unknown as Record<string, { n: number; retrievalRight: number }>);
    expect(stages.reduce((sum, stage) => sum + stage.n, 0)).toBe(3);
  }, 60_000);

  it('cross-validates over folds within each row\'s scope, scoring the expected field and leaked placeholders', async () => {
    const io = captureIo();
    const args = ['bench', 'answers', '--tickets', join(dir, 'branded.jsonl'), '--folds', '4', '--expect', 'doc', '--scope-field', 'brand', '--json'];
    const code = await runCli(args, io, { PARLEY_LOG_LEVEL: 'error', PARLEY_ANSWER_THRESHOLD: '0.05', PARLEY_CLARIFY_THRESHOLD: '0.05' });
    expect(code).toBe(0);
    const result = JSON.parse(io.stdout.at(-1)!) as { n: number; folds: number; coverage: number; precision: number; crossScope: number; placeholderLeaks: number; coverageAt: Record<string, number>; baseline: { n: number; coverage: number } };
    expect(result).toMatchObject({ n: 24, folds: 4, crossScope: 0 });
    expect(result.coverage).toBeGreaterThan(0.5);
    expect(result.precision).toBeGreaterThan(0.5);
    expect(result.placeholderLeaks).toBe(0);
    expect(Object.keys(result.coverageAt)).toEqual(['0.8', '0.9', '0.95']);
    expect(result.baseline.n).toBe(24);
  }, 120_000);

  it('exits 2 on --folds with --test, or a test row without an expected value', async () => {
    const both = captureIo();
    expect(await runCli(['bench', 'answers', '--tickets', join(dir, 'tickets.jsonl'), '--test', join(dir, 'test.jsonl'), '--folds', '3', '--json'], both, {})).toBe(2);
    const missing = captureIo();
    expect(await runCli(['bench', 'answers', '--tickets', join(dir, 'tickets.jsonl'), '--test', join(dir, 'test.jsonl'), '--json'], missing, {})).toBe(2);
    expect(JSON.parse(missing.stdout.at(-1)!)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/--test: row 1 has no expected value/) } });
  });

  it('exits 2 naming the file, line and field of a bad row', async () => {
    const io = captureIo();
    const code = await runCli(['bench', 'answers', '--tickets', join(dir, 'bad.jsonl'), '--test', join(dir, 'test.jsonl'), '--json'], io, {});
    expect(code).toBe(2);
    expect(JSON.parse(io.stdout.at(-1)!)).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/--tickets: .*bad\.jsonl line 2: missing field "question"/) } });
    const missing = captureIo();
    expect(await runCli(['bench', 'answers', '--tickets', join(dir, 'nope.jsonl'), '--test', join(dir, 'test.jsonl'), '--json'], missing, {})).toBe(2);
  });

  it('scores ROUGE-L as the F1 of the longest common word subsequence', () => {
    expect(rougeL('refunds take five days', 'refunds take five days')).toBe(1);
    expect(rougeL('', 'x')).toBe(0);
    expect(rougeL('the refund takes five days', 'refunds take five days')).toBeCloseTo((2 * (2 / 5) * (2 / 4)) / (2 / 5 + 2 / 4));
  });
});
