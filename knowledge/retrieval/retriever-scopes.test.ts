import type { TicketRecord } from '../../bot/core/index.js';
import { LsaEmbedder } from '../embeddings/lsa.js';
import { MemoryIndex } from '../indexes/memory-index.js';
import { SHARED_SCOPE, scopeFilter } from '../scopes.js';
import { Retriever } from './retriever.js';

/** Two brands with look-alike questions and different answers, and shared tickets both may use. */
const GROUPS: { intent: string; scope?: string; answer: string; questions: string[] }[] = [
  {
    intent: 'password_a',
    scope: 'brand-a',
    answer: 'Brand A: open a.example/forgot and follow the e-mailed link.',
    questions: ['I forgot my password', 'how do I reset my password', 'reset my password please', 'password reset link', 'I cannot remember my password'],
  },
  {
    intent: 'password_b',
    scope: 'brand-b',
    answer: 'Brand B: in the game launcher choose Account > Recover and enter your gamer tag.',
    questions: ['I forgot my password', 'how can I reset my password', 'reset the password of my account', 'password recovery', 'lost my password'],
  },
  {
    intent: 'hacked_b',
    scope: 'brand-b',
    answer: 'Brand B: lock your world from the launcher and contact B security.',
    questions: ['my account was hacked', 'someone stole my account', 'hacker took over my account', 'account compromised', 'my account got hacked yesterday'],
  },
  {
    intent: 'shipping',
    answer: 'Shared: standard shipping takes 3 to 5 business days.',
    questions: ['how long does shipping take', 'when will my order arrive', 'shipping time', 'delivery takes how long', 'how fast do you ship'],
  },
  {
    intent: 'refund',
    answer: 'Shared: refunds reach your bank within 7 days.',
    questions: ['when do I get my refund', 'refund status', 'how long do refunds take', 'I want my money back', 'refund not received'],
  },
];

function tickets(): TicketRecord[] {
  return GROUPS.flatMap(({ intent, scope, answer, questions }) =>
    questions.map((question, i) => ({ id: `${intent}-${i}`, question, answer, source: 'test', metadata: { intent }, ...(scope ? { scope } : {}) })),
  );
}

const scopeOf = (ticket: TicketRecord): string => ticket.scope ?? SHARED_SCOPE;

describe('Retriever in knowledge scopes', () => {
  let retriever: Retriever;
  let index: MemoryIndex;
  beforeAll(async () => {
    index = new MemoryIndex();
    retriever = await Retriever.build(tickets(), { index, embedder: new LsaEmbedder() });
  });

  it('never returns a ticket of another scope, in any retrieval mode', async () => {
    for (const mode of ['hybrid', 'keyword', 'dense'] as const) {
      for (const question of ['I forgot my password', 'my account was hacked', 'how long does shipping take', 'password']) {
        const { hits } = await retriever.retrieve(question, { k: 30, mode, filter: scopeFilter('brand-a') });
        expect(hits.length).toBeGreaterThan(0);
        expect(hits.map((h) => scopeOf(h.ticket)).filter((s) => s !== 'brand-a' && s !== SHARED_SCOPE)).toEqual([]);
        expect(hits.every((h) => !h.ticket.answer.startsWith('Brand B'))).toBe(true);
      }
    }
  });

  it("answers each brand's look-alike question with its own answer", async () => {
    const a = await retriever.retrieve('I forgot my password', { filter: scopeFilter('brand-a') });
    const b = await retriever.retrieve('I forgot my password', { filter: scopeFilter('brand-b') });
    expect(a.hits[0]?.ticket.scope).toBe('brand-a');
    expect(a.label).toBe('password_a');
    expect(b.hits[0]?.ticket.scope).toBe('brand-b');
    expect(b.label).toBe('password_b');
  });

  it('keeps another brand out of the label probabilities (its labels neither win nor split the confidence)', async () => {
    const everything = await retriever.retrieve('I forgot my password');
    const scoped = await retriever.retrieve('I forgot my password', { filter: scopeFilter('brand-a') });
    // Unscoped, the two brands' password labels split the probability; in brand A only one of them exists.
    expect(scoped.confidence).toBeGreaterThan(everything.confidence + 0.05);
    const hacked = await retriever.retrieve('my account was hacked', { filter: scopeFilter('brand-a') });
    expect(hacked.label).not.toBe('hacked_b');
    expect(hacked.hits.every((h) => h.ticket.scope !== 'brand-b')).toBe(true);
  });

  it('shows shared tickets in every scope, and every ticket without a scope filter', async () => {
    for (const scope of ['brand-a', 'brand-b', 'brand-c']) {
      const { hits } = await retriever.retrieve('how long does shipping take', { filter: scopeFilter(scope) });
      expect(hits[0]?.ticket.answer).toMatch(/^Shared: standard shipping/);
    }
    const all = await retriever.retrieve('I forgot my password', { k: 30 });
    expect(all.hits.some((h) => h.ticket.scope === 'brand-a')).toBe(true);
    expect(all.hits.some((h) => h.ticket.scope === 'brand-b')).toBe(true);
  });

  it('gives a scope without tickets of its own only shared tickets', async () => {
    const { hits } = await retriever.retrieve('I forgot my password', { k: 30, filter: scopeFilter('brand-c') });
    expect(hits.every((h) => h.ticket.scope === undefined)).toBe(true);
  });

  it("puts every ticket's scope in its index payload ('*' when shared)", async () => {
    const found = await index.query({ sparse: { indices: [], values: [] }, dense: new Array(new LsaEmbedder().dims).fill(0), limit: 100, mode: 'dense', filter: { scope: SHARED_SCOPE } });
    expect(found.length).toBe(10);
    expect(found.every((p) => p.id.startsWith('shipping') || p.id.startsWith('refund'))).toBe(true);
  });
});
