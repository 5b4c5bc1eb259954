import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageFile } from '../../bot/core/index.js';
import { leakedSpecifics, readSpecificsRows, runSpecificsBench } from './specifics.js';

describe('parley bench specifics', () => {
  it("counts a past customer's specifics in a reply unless this customer wrote them", () => {
    const row = { question: 'How do I check invoice #55120?', specifics: ['12588', 'Anna', '55120'] };
    expect(leakedSpecifics('To check invoice #12588 ask Anna.', row)).toEqual(['12588', 'Anna']);
    expect(leakedSpecifics('To check invoice #55120, open Invoices.', row)).toEqual([]);
  });

  it('refuses malformed rows with the line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-specifics-rows-'));
    try {
      const file = join(dir, 'rows.jsonl');
      await writeFile(file, '{"id": "a", "question": "q?", "ticket": {"question": "q", "answer": "a"}, "specifics": ["x"]}\n{"id": "b", "question": "q?", "ticket": {}, "specifics": []}\n');
      await expect(readSpecificsRows(file)).rejects.toThrow(/line 2: "ticket"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers the bundled seeded tickets without any specifics, slots or promises', async () => {
    const rows = await readSpecificsRows(packageFile('evaluations', 'answers', 'specifics.jsonl'));
    expect(rows.length).toBeGreaterThanOrEqual(30);
    const result = await runSpecificsBench(rows, { PARLEY_LOG_LEVEL: 'error', PARLEY_FACTS_FILE: packageFile('evaluations', 'answers', 'specifics-facts.yaml') });
    expect(result).toMatchObject({ n: rows.length, leaks: 0, placeholderLeaks: 0, promises: 0 });
    expect(result.answeredRate).toBeGreaterThanOrEqual(0.8);
  }, 120_000);
});
