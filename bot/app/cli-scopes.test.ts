import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../storage/index.js';
import { runCli } from './cli.js';
import { captureIo } from './testing/captured-io.js';

interface ErrorBody {
  error: { code: string; message: string };
}

let home: string;
let dir: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'parley-cli-scopes-'));
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-scopes-in-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; last: string }> {
  const io = captureIo();
  const code = await runCli(argv, io, { PARLEY_HOME: home, PARLEY_LOG_LEVEL: 'warn', PARLEY_SAMPLE_DATA: 'false', PARLEY_VISION: 'false' });
  return { code, last: io.stdout.at(-1) ?? '' };
}

describe('parley ingest --scope', () => {
  it('files tickets without a scope field under --scope; a ticket’s own "scope" field wins; --scope-field maps another column', async () => {
    const file = join(dir, 'brand.jsonl');
    await writeFile(
      file,
      [
        { id: 'S-1', question: 'How do I reset my password?', answer: 'Use Forgot password on the sign-in page of brand A.' },
        { id: 'S-2', question: 'How do I reset my password?', answer: 'Use Forgot password in the launcher of brand B.', scope: 'brand-b' },
      ].map((t) => JSON.stringify(t)).join('\n'),
    );
    expect((await run(['ingest', file, '--scope', 'brand-a', '--json'])).code).toBe(0);
    const csv = join(dir, 'shared.csv');
    await writeFile(csv, 'id,question,answer,brand\nS-3,How long does a refund take?,Seven business days.,\nS-4,Can I pay with PayPal?,Yes at checkout.,brand-c\n');
    expect((await run(['ingest', csv, '--scope-field', 'brand', '--json'])).code).toBe(0);

    const store = await openStore({ home, databaseUrl: undefined });
    try {
      const scopes = Object.fromEntries((await store.listTickets()).map((t) => [t.id, t.scope ?? '*']));
      expect(scopes).toEqual({ 'S-1': 'brand-a', 'S-2': 'brand-b', 'S-3': '*', 'S-4': 'brand-c' });
      expect(await store.countTicketsByScope()).toEqual({ 'brand-a': 1, 'brand-b': 1, 'brand-c': 1, '*': 1 });
    } finally {
      await store.close();
    }
  });

  it.each([
    [['--scope', '*'], /^--scope must not be "\*"/],
    [['--scope', 'brand a'], /^--scope may only hold/],
    [['--scope', ''], /^--scope must not be empty/],
  ])('exits 2 for %p naming the flag', async (flags, message) => {
    const file = join(dir, 'one.jsonl');
    await writeFile(file, JSON.stringify({ question: 'q?', answer: 'a.' }));
    const { code, last } = await run(['ingest', file, ...flags, '--json']);
    expect(code).toBe(2);
    expect((JSON.parse(last) as ErrorBody).error.message).toMatch(message);
  });

  it('exits 2 for a bad scope field, naming the line and the field', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, `${JSON.stringify({ question: 'q?', answer: 'a.' })}\n${JSON.stringify({ question: 'q2?', answer: 'a2.', scope: '*' })}\n`);
    const { code, last } = await run(['ingest', file, '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(last) as ErrorBody).toEqual({ error: { code: 'ingest_invalid', message: expect.stringMatching(/^bad\.jsonl line 2: field "scope" must not be "\*"/) } });
  });
});

describe('parley ask --scope', () => {
  it("answers from the scope's tickets and shared ones only", async () => {
    // The tickets ingested above: S-1 (brand-a) and S-2 (brand-b) ask the same question.
    for (const [scope, own, other] of [['brand-a', 'S-1', 'S-2'], ['brand-b', 'S-2', 'S-1']] as const) {
      const { code, last } = await run(['ask', 'How do I reset my password?', '--scope', scope, '--json']);
      expect(code).toBe(0);
      const sources = (JSON.parse(last) as { replies: { sources: { id: string }[] }[] }).replies.flatMap((r) => r.sources.map((s) => s.id));
      expect(sources).toContain(own);
      expect(sources).not.toContain(other);
    }
    const { code, last } = await run(['ask', 'hello', '--scope', '*', '--json']);
    expect(code).toBe(2);
    expect((JSON.parse(last) as ErrorBody).error.message).toMatch(/^--scope must not be "\*"/);
  });
});
