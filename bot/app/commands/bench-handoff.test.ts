import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli.js';
import { captureIo } from '../testing/captured-io.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-bench-handoff-'));
  const written = [
    { text: 'can I talk to a person', lang: 'en', request: true },
    { text: 'quiero hablar con un agente', lang: 'es', request: true },
    { text: 'are you a real person?', lang: 'en', request: false },
    { text: 'where is my parcel', lang: 'en', request: false },
  ];
  await writeFile(join(dir, 'set.jsonl'), written.map((r) => JSON.stringify(r)).join('\n'));
  await writeFile(
    join(dir, 'bitext.csv'),
    'instruction,intent\n"help talking to an operator",contact_human_agent\n"what hours can I call customer service",contact_customer_service\n"i need to speak with customer service",contact_customer_service\n"cancel order 123",cancel_order\n',
  );
  await writeFile(join(dir, 'bad.jsonl'), '{"text":"hi","lang":"en","request":false}\n{"text":"x","lang":"en"}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parley bench handoff', () => {
  it('prints recall and false positives per source, language and fold as the last JSON line', async () => {
    const io = captureIo();
    const code = await runCli(['bench', 'handoff', '--bitext', join(dir, 'bitext.csv'), '--set', join(dir, 'set.jsonl'), '--folds', '2', '--json'], io, {});
    expect(code).toBe(0);
    const result = io.json<{ n: number; requests: number; recall: number; falsePositiveRate: number; perSource: Record<string, unknown>; perLanguage: Record<string, unknown>; folds: unknown[] }>();
    expect(result).toMatchObject({ n: 8, requests: 4, recall: 1, falsePositiveRate: 0 });
    expect(Object.keys(result.perSource).sort()).toEqual(['bitext', 'set']);
    expect(result.perLanguage.es).toEqual({ n: 1, requests: 1, recall: 1, falsePositiveRate: null });
    expect(result.folds).toHaveLength(2);
  });

  it('cross-validates the learned baseline on the same folds with --baseline', async () => {
    const io = captureIo();
    expect(await runCli(['bench', 'handoff', '--bitext', join(dir, 'bitext.csv'), '--set', join(dir, 'set.jsonl'), '--folds', '2', '--baseline', '--json'], io, {})).toBe(0);
    const { baseline } = io.json<{ baseline: { model: string; n: number; recall: number | null; falsePositiveRate: number | null } }>();
    expect(baseline).toMatchObject({ model: expect.stringMatching(/tf-idf/), n: 8 });
    expect(typeof baseline.recall).toBe('number');
  });

  it('exits 2 naming the flag on bad input', async () => {
    const bad = captureIo();
    expect(await runCli(['bench', 'handoff', '--set', join(dir, 'bad.jsonl'), '--json'], bad, {})).toBe(2);
    expect(bad.json()).toEqual({ error: { code: 'bad_request', message: expect.stringMatching(/--set: bad line 2 needs "text".*"request"/) } });
    const none = captureIo();
    expect(await runCli(['bench', 'handoff', '--json'], none, {})).toBe(2);
    expect(none.json<{ error: { message: string } }>().error.message).toMatch(/give at least one set/);
    const folds = captureIo();
    expect(await runCli(['bench', 'handoff', '--set', join(dir, 'set.jsonl'), '--folds', '1', '--json'], folds, {})).toBe(2);
    const missing = captureIo();
    expect(await runCli(['bench', 'handoff', '--bitext', join(dir, 'nope.csv'), '--json'], missing, {})).toBe(2);
    expect(missing.json<{ error: { message: string } }>().error.message).toMatch(/--bitext: cannot read/);
  });
});
