import type { TicketRecord } from '../../bot/core/index.js';
import { TicketIndex } from './ticket-index.js';
import { charFeatures, stem, wordFeatures } from './text.js';

const ticket = (id: string, question: string, metadata: Record<string, unknown> = {}): TicketRecord => ({
  id,
  question,
  answer: `answer ${id}`,
  source: 'test',
  metadata,
});

const tickets = [
  ticket('refund', 'How long does a refund take after I return an item?', { category: 'returns' }),
  ticket('wool', 'Can I machine wash my wool sweater?', { category: 'care' }),
  ticket('track', 'Where is my order? I want to track my parcel', { category: 'shipping' }),
  ticket('password', 'I forgot my password and cannot log in', { category: 'account' }),
];

describe('TicketIndex', () => {
  const index = new TicketIndex(tickets);

  it('ranks the matching ticket first with a score in (0, 1]', () => {
    const [best, second] = index.search('how many days until I get my refund');
    expect(best?.ticket.id).toBe('refund');
    expect(best?.score).toBeGreaterThan(0);
    expect(best?.score).toBeLessThanOrEqual(1);
    if (second) expect(second.score).toBeLessThanOrEqual(best?.score ?? 0);
  });

  it('tolerates typos through character n-grams', () => {
    expect(index.search('can i wash my wooll sweatr in the machine')[0]?.ticket.id).toBe('wool');
    expect(index.search('forgotten passwrd')[0]?.ticket.id).toBe('password');
  });

  it('gives an exact question a score near 1 and an unrelated one a low score', () => {
    expect(index.search('Can I machine wash my wool sweater?')[0]?.score).toBeGreaterThan(0.8);
    expect(index.search('what is the capital of France')[0]?.score ?? 0).toBeLessThan(0.3);
  });

  it('filters on metadata and limits the number of hits', () => {
    const hits = index.search('my order refund password wool', { k: 10, filter: { category: 'account' } });
    expect(hits.map((h) => h.ticket.id)).toEqual(['password']);
    expect(index.search('my order refund password wool', { k: 2 })).toHaveLength(2);
  });

  it('finds tickets by id and handles an empty index', () => {
    expect(index.get('track')?.question).toMatch(/track/);
    expect(new TicketIndex([]).search('anything')).toEqual([]);
  });
});

describe('text features', () => {
  it('stems common inflections', () => {
    expect(['returns', 'returned', 'returning'].map(stem)).toEqual(['return', 'return', 'return']);
    expect(stem('dress')).toBe('dress');
    expect(stem('deliveries')).toBe('delivery');
  });

  it('drops stopwords from unigrams but keeps bigrams and accents-insensitive words', () => {
    const features = wordFeatures('Where is my Café order');
    expect(features).toContain('w:cafe');
    expect(features).not.toContain('w:is');
    expect(features).toContain('b:where_is');
    expect(charFeatures('ab')).toEqual(['c: ab', 'c:ab ', 'c: ab ']);
  });
});
