import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageFile } from '../../bot/core/index.js';
import { withStoryTarget } from './isolated.js';
import { toJUnit } from './junit.js';
import { formatFailure, runStories, summarize, type StoryResult } from './runner.js';
import { loadStories, parseStories } from './story.js';

const SAMPLES = packageFile('evaluations/stories/samples');

describe('conversation stories', () => {
  let results: StoryResult[] = [];
  let failing: StoryResult[] = [];

  beforeAll(async () => {
    const stories = await loadStories([SAMPLES]);
    const broken = parseStories(
      `name: expects what the bot does not do
steps:
  - customer: how long do refunds take?
  - bot:
      handoff: customer_request
      cites: { category: shipping }
  - bot: anything`,
      'broken.yaml',
    );
    await withStoryTarget({ env: {} }, async (target) => {
      results = await runStories(stories, target);
      failing = await runStories(broken, target);
    });
  }, 120_000);

  it('passes every sample story on the bundled sample store', () => {
    const failed = results.filter((r) => !r.passed);
    expect(failed.map(formatFailure)).toEqual([]);
    expect(summarize(results)).toEqual({ stories: 8, passed: 8, failed: 0 });
  });

  it('scores each story conversation: grounded answers score high, handoffs are appropriate', () => {
    const refunds = results.find((r) => r.name.startsWith('refund timing'));
    expect(refunds?.score).toMatchObject({ flags: [], metrics: { csat: 5, resolvedWithoutHuman: true } });
    // The composer words the ticket's answer for the question: nearly all of it comes from the cited ticket.
    expect(refunds?.score?.metrics.groundedness).toBeGreaterThanOrEqual(0.9);
    expect(refunds?.score?.score).toBeGreaterThan(0.9);
    for (const r of results.filter((x) => x.file.endsWith('handoff.yaml'))) expect(r.score?.metrics).toMatchObject({ handedOff: true, handoffAppropriate: true });
  });

  it('reports failures with expected and got and the transcript', () => {
    const [result] = failing;
    expect(result?.passed).toBe(false);
    expect(result?.failures).toEqual([
      { step: 2, expected: 'hand off (customer_request)', got: 'action answer' },
      { step: 2, expected: 'cites a ticket of category shipping', got: expect.stringMatching(/^cites NWT-\d+ \(returns\)/) },
      { step: 3, expected: 'a reply', got: 'no more replies' },
    ]);
    const text = formatFailure(result as StoryResult);
    expect(text).toContain('step 2: expected hand off (customer_request)');
    expect(text).toContain('customer: how long do refunds take?');
    expect(text).toMatch(/bot \[answer; cites NWT-\d+\]: .*5–7 business days/);
  });

  it('writes JUnit XML that names each story and carries the failure details', async () => {
    const xml = toJUnit([...results, ...failing]);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="parley stories" tests="9" failures="1"/);
    expect(xml).toContain('<testcase name="asking for a person hands off at once"');
    expect(xml).toContain('<failure message="step 2: expected hand off (customer_request), got action answer;');
    expect(xml).toContain('customer: how long do refunds take?');
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(5);
  });

  it('rejects malformed story files with the file, story and step named', async () => {
    const bad = (yaml: string) => {
      try {
        parseStories(yaml, 'bad.yaml');
      } catch (error) {
        return (error as Error).message;
      }
      return 'parsed';
    };
    expect(bad('name: x\nsteps: []')).toBe('bad.yaml (x): steps: must be a non-empty list');
    expect(bad('name: x\nsteps:\n  - bot: hi')).toBe('bad.yaml (x): the first step must be the customer speaking');
    expect(bad('name: x\nsteps:\n  - customer: hi\n  - bot: { handoff: 3 }')).toBe('bad.yaml (x) step 2 bot.handoff: must be true or a handoff reason');
    expect(bad('name: x\nsteps:\n  - customer: hi\n  - bot: { colour: red }')).toMatch(/^bad.yaml \(x\) step 2 bot.colour: unknown check/);
    expect(bad('name: x\nsteps:\n  - agent: hi')).toBe('bad.yaml (x) step 1: unknown step "agent" (customer or bot)');
    expect(bad('steps: [1')).toMatch(/^bad.yaml: not valid YAML/);
    expect(bad('stories:\n  - steps: []')).toBe('bad.yaml story 1: name: is required');

    const dir = await mkdtemp(join(tmpdir(), 'parley-stories-bad-'));
    try {
      await expect(loadStories([dir])).rejects.toThrow(/no .yaml or .yml story files/);
      await expect(loadStories([join(dir, 'missing')])).rejects.toThrow(/no such file or folder/);
      await writeFile(join(dir, 'one.yml'), 'name: one\nsteps:\n  - customer: hi\n');
      expect((await loadStories([dir])).map((s) => [s.name, s.channel])).toEqual([['one', 'story']]);
      expect(await readFile(join(dir, 'one.yml'), 'utf8')).toContain('customer: hi');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
