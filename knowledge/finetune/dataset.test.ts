import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParleyError, type TicketRecord } from '../../bot/core/index.js';
import { openStore } from '../../bot/storage/index.js';
import {
  autoEpochs,
  buildFineTuneDataset,
  countChatTokens,
  DEFAULT_FINETUNE_SYSTEM_PROMPT,
  estimateCost,
  openAITokenCounter,
  prepareFineTuneFiles,
  qualityProblem,
  trainingPricePerMillion,
  type TokenCounter,
} from './index.js';

let counter: TokenCounter;
beforeAll(async () => {
  counter = await openAITokenCounter();
});

const ticket = (id: string, question: string, answer: string, extra: Partial<TicketRecord> = {}): TicketRecord => ({ id, question, answer, source: 'helpdesk', metadata: {}, ...extra });
/** Distinct, good tickets (different products and policies, so none are near-duplicates). */
const good = (n: number, prefix = 't'): TicketRecord[] =>
  Array.from({ length: n }, (_, i) =>
    ticket(`${prefix}${i}`, `How do I return item number ${i} of style ${i * 7}?`, `You can return style ${i * 7} within ${30 + i} days: print the label from your account page and drop the parcel at any post office number ${i}.`),
  );

describe('token counts and cost', () => {
  it('counts with o200k_base and adds the chat format overhead', () => {
    expect(counter.name).toBe('o200k_base');
    expect(counter.count('hello world')).toBe(2);
    const messages = [{ role: 'user' as const, content: 'hello world' }];
    // 3 to prime the reply + 3 per message + the role + the content.
    expect(countChatTokens(counter, messages)).toBe(3 + 3 + counter.count('user') + 2);
  });

  it("estimates epochs as OpenAI's auto does, and prices tokens × epochs", () => {
    expect(autoEpochs(10)).toBe(10);
    expect(autoEpochs(20)).toBe(5);
    expect(autoEpochs(1000)).toBe(3);
    expect(autoEpochs(20_000)).toBe(1);
    expect(autoEpochs(0)).toBe(0);
    expect(trainingPricePerMillion('gpt-4o-mini')).toBe(3);
    expect(trainingPricePerMillion('gpt-4o-mini-2024-07-18')).toBe(3);
    expect(trainingPricePerMillion('my-model')).toBeUndefined();
    expect(estimateCost({ model: 'gpt-4o-mini-2024-07-18', trainTokens: 500_000, trainExamples: 1000 })).toEqual({
      model: 'gpt-4o-mini-2024-07-18', epochs: 3, epochsFrom: 'auto', pricePerMillion: 3, trainingTokens: 1_500_000, usd: 4.5,
    });
    expect(estimateCost({ model: 'x', trainTokens: 1_000_000, trainExamples: 50, epochs: 2, pricePerMillion: 10 })).toMatchObject({ epochs: 2, epochsFrom: 'given', usd: 20 });
    expect(estimateCost({ model: 'x', trainTokens: 10, trainExamples: 50 }).usd).toBeNull();
  });
});

describe('qualityProblem', () => {
  it.each([
    ['', 'You can return it within 30 days.', 'empty'],
    ['Where is my order?', '   ', 'empty'],
    ['Where is my order?', 'Shipped.', 'too_short'],
    ['Where is my order?', 'Let me check on that for you.', 'non_answer'],
    ['Where is my order?', 'Hi there! Can you DM us your order number?', 'non_answer'],
    ['Where is my order?', "I've escalated this to our shipping team, they will be in touch soon.", 'non_answer'],
    ['Where is my order?', 'This ticket has been closed due to inactivity on the request.', 'non_answer'],
  ])('%j → %j is %s', (question, answer, problem) => {
    expect(qualityProblem(question, answer, 50)).toBe(problem);
  });

  it('accepts real answers and enforces the token limit', () => {
    const answer = 'Orders ship within 2 business days; you get a tracking link by e-mail as soon as the parcel leaves.';
    expect(qualityProblem('Where is my order?', answer, 50)).toBeUndefined();
    expect(qualityProblem('Where is my order?', answer, 5000)).toBe('too_long');
    expect(qualityProblem('Where is my order?', answer, 5000, { maxExampleTokens: 8000 })).toBeUndefined();
    // Passing a request on after answering it is still an answer.
    const sizes = 'Our range goes from XS to XXL; XXL fits a chest of 117–122 cm. We know many customers want extended sizes and we\'ve passed your request on to our design team.';
    expect(qualityProblem('Do you have sizes above XXL?', sizes, 80)).toBeUndefined();
    expect(qualityProblem('Where is my refund?', "Sorry about that! I've forwarded this to our billing team. They will contact you within 24 hours.", 80)).toBe('non_answer');
  });
});

describe('buildFineTuneDataset', () => {
  it('builds chat examples, drops bad and unresolved tickets and near-duplicates, and redacts personal data', () => {
    const tickets = [
      ...good(20),
      ticket('pii', 'My email is jane.doe@example.com, where is order 5?', 'Hi Jane, order 5 left our warehouse today; tracking is on its way to jane.doe@example.com right now.'),
      ticket('dup', 'How do I return item number 3 of style 21?', 'You can return style 21 within 33 days: print the label from your account page and drop the parcel at any post office number 3.'),
      ticket('hold', 'Do you ship to Iceland?', 'Let me check with the warehouse and get back to you.'),
      ticket('short', 'Do you ship to Norway?', 'Yes.'),
      ticket('open', 'Is the blue coat back in stock next week?', 'It should be back in stock on Monday in every size.', { metadata: { status: 'Open' } }),
    ];
    const { train, validation, stats } = buildFineTuneDataset(tickets, { tokenCounter: counter, validation: 0.1, seed: 7 });
    expect(stats).toMatchObject({ tickets: 25, corrections: 0, examples: 21, train: 19, validation: 2, seed: 7, validationFraction: 0.1 });
    expect(stats.dropped).toEqual({ unresolved: 1, corrected: 0, empty: 0, too_short: 1, too_long: 0, non_answer: 1, duplicate: 1 });
    const all = [...train, ...validation];
    const pii = all.find((e) => e.id === 'pii')!;
    expect(pii.messages).toEqual([
      { role: 'system', content: DEFAULT_FINETUNE_SYSTEM_PROMPT },
      { role: 'user', content: 'My email is [EMAIL], where is order 5?' },
      { role: 'assistant', content: expect.stringMatching(/^Hi \[NAME\], order 5 left .* to \[EMAIL\] right now\.$/) },
    ]);
    expect(stats.redacted.examples).toBe(1);
    expect(stats.redacted.findings).toMatchObject({ email: 2, name: 1 });
    expect(pii.tokens).toBe(countChatTokens(counter, pii.messages));
    expect(stats.tokens).toEqual({
      tokenizer: 'o200k_base',
      train: train.reduce((s, e) => s + e.tokens, 0),
      validation: validation.reduce((s, e) => s + e.tokens, 0),
      maxExample: Math.max(...all.map((e) => e.tokens)),
      meanExample: Math.round(all.reduce((s, e) => s + e.tokens, 0) / all.length),
    });
  });

  it('replaces a corrected ticket by its correction, keeps every correction, and follows correction chains', () => {
    const tickets = [
      ...good(12),
      ticket('c1', 'How do I return item number 3 of style 21?', 'Returns are free: use the prepaid label in the box, or start a return on the account page within 45 days.', { source: 'corrections', metadata: { corrects: 't3' } }),
      // A correction without a question takes the corrected ticket's; a short one is still kept.
      ticket('c2', '', 'Yes, within 60 days.', { source: 'corrections', metadata: { corrects: 't4' } }),
      // A later correction of a correction replaces it.
      ticket('c3', 'How do I return item number 3 of style 21?', 'Returns are free within 45 days: start one on the account page and use the prepaid label.', { source: 'corrections', metadata: { corrects: 'c1' } }),
      // A ticket duplicating a correction is the one dropped.
      ticket('dup-of-c3', 'How do I return item number 3 of style 21?', 'Returns are free within 45 days: start one on the account page and use the prepaid label.'),
    ];
    const { train, validation, stats } = buildFineTuneDataset(tickets, { tokenCounter: counter, validation: 0 });
    const ids = [...train, ...validation].map((e) => e.id).sort();
    expect(ids).toEqual(['c2', 'c3', 't0', 't1', 't10', 't11', 't2', 't5', 't6', 't7', 't8', 't9']);
    expect(stats).toMatchObject({ corrections: 3, dropped: { corrected: 3, duplicate: 1 } });
    const c2 = train.find((e) => e.id === 'c2')!;
    expect(c2.correction).toBe(true);
    expect(c2.messages[1]!.content).toBe('How do I return item number 4 of style 28?');
    expect(validation).toEqual([]);
  });

  it('splits deterministically: the same seed gives the same split, and an example keeps its side as tickets are added', () => {
    const ids = (d: ReturnType<typeof buildFineTuneDataset>) => ({ train: d.train.map((e) => e.id), validation: d.validation.map((e) => e.id) });
    const a = ids(buildFineTuneDataset(good(40), { tokenCounter: counter, validation: 0.25, seed: 3 }));
    const b = ids(buildFineTuneDataset(good(40), { tokenCounter: counter, validation: 0.25, seed: 3 }));
    const c = ids(buildFineTuneDataset(good(40), { tokenCounter: counter, validation: 0.25, seed: 4 }));
    expect(a).toEqual(b);
    expect(a.validation).toHaveLength(10);
    expect(c.validation).not.toEqual(a.validation);
    expect(new Set([...a.train, ...a.validation]).size).toBe(40);
    // With more tickets most held-out examples stay held out (the split key is per example).
    const d = ids(buildFineTuneDataset([...good(40), ...good(10, 'n')], { tokenCounter: counter, validation: 0.25, seed: 3 }));
    expect(a.train.filter((id) => d.validation.includes(id)).length).toBeLessThanOrEqual(3);
    expect(() => buildFineTuneDataset(good(3), { tokenCounter: counter, validation: 0.8 })).toThrow(ParleyError);
  });
});

describe('prepareFineTuneFiles', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'parley-ft-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('writes OpenAI chat JSONL, LoRA trainer files and a summary from the store', async () => {
    const store = await openStore({ home });
    try {
      await store.upsertTickets([...good(30), ticket('c1', '', 'Returns are free within 45 days: start one on the account page.', { source: 'corrections', metadata: { corrects: 't1' } })]);
      const out = join(home, 'dataset');
      const summary = await prepareFineTuneFiles(store, { out, format: 'all', validation: 0.1, seed: 1, pricePerMillion: 4 });
      expect(summary).toMatchObject({ format: 'all', tickets: 31, corrections: 1, examples: 30, train: 27, validation: 3, cost: { model: 'gpt-4o-mini-2024-07-18', epochs: 3, pricePerMillion: 4 } });
      expect(summary.cost.trainingTokens).toBe(summary.tokens.train * 3);
      expect(summary.cost.usd).toBe(Math.round(summary.tokens.train * 3 * 4 / 1e4) / 100);
      expect(summary.files).toEqual(['train.jsonl', 'validation.jsonl', 'alpaca-train.jsonl', 'alpaca-validation.jsonl', 'sharegpt-train.jsonl', 'sharegpt-validation.jsonl', 'train.txt', 'summary.json']);
      expect(summary.warnings).toEqual([]);
      const lines = async (name: string) => (await readFile(join(out, name), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const train = await lines('train.jsonl');
      expect(train).toHaveLength(27);
      expect(Object.keys(train[0]!)).toEqual(['messages']);
      expect((train[0]!.messages as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(await lines('validation.jsonl')).toHaveLength(3);
      const alpaca = await lines('alpaca-train.jsonl');
      expect(alpaca[0]).toEqual({ instruction: DEFAULT_FINETUNE_SYSTEM_PROMPT, input: expect.any(String), output: expect.any(String) });
      const sharegpt = await lines('sharegpt-train.jsonl');
      expect((sharegpt[0]!.conversations as { from: string }[]).map((c) => c.from)).toEqual(['system', 'human', 'gpt']);
      expect(await readFile(join(out, 'train.txt'), 'utf8')).toMatch(/^System: .*\nCustomer: .*\nAgent: .*\n\nSystem: /);
      expect(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))).toEqual(summary);

      const small = await prepareFineTuneFiles(store, { out: join(home, 'small'), model: 'my-model', validation: 0 });
      expect(small.files).toEqual(['train.jsonl', 'validation.jsonl', 'summary.json']);
      expect(small.warnings).toEqual([expect.stringContaining('no validation examples'), expect.stringContaining('no known training price for my-model')]);
    } finally {
      await store.close();
    }
  });
});
