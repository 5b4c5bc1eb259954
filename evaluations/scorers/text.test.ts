import { contentWords, cosine, support } from './text.js';

/** The similarity as computed before word counts were remembered: the figures must not move by a bit. */
function cosineAsBefore(a: string, b: string): number {
  const count = (text: string) => {
    const counts = new Map<string, number>();
    for (const w of contentWords(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    return counts;
  };
  const x = count(a);
  const y = count(b);
  let dot = 0;
  for (const [w, n] of x) dot += n * (y.get(w) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  const denominator = norm(x) * norm(y);
  return denominator === 0 ? 0 : dot / denominator;
}

const TEXTS = [
  'How long do refunds take to reach my card?',
  'Refunds are processed within 5-7 business days after we receive the returned item.',
  'Refunds, refunds and more refunds: returned items are refunded within 7 days.',
  'Do you ship to Canada?',
  'ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ café naïve — résumé',
  'the and of',
  '',
];

describe('scorer text similarity', () => {
  it('gives the same cosine as counting the words afresh, on the first call and on later ones', () => {
    for (let round = 0; round < 2; round++) {
      for (const a of TEXTS) for (const b of TEXTS) expect(cosine(a, b)).toBe(cosineAsBefore(a, b));
    }
  });

  it('reads evidence in parts as the parts joined by line breaks (a ticket question ending in Σ, accents, figures)', () => {
    const parts = ['ΟΔΟΣ', 'Σοφοκλέους shipping takes 5 days', 'café naïve', 'Returns within 30 days; refunds in 7.', ''];
    const claims = ['Shipping takes 5 days and returns 30 days.', 'οδος σοφοκλεους cafe', 'Refunds take 9 days.', 'the and of', 'naive cafés ship in 7'];
    for (const claim of claims) {
      expect(support(claim, parts)).toBe(support(claim, parts.join('\n')));
      expect(support(claim, parts.slice(1, 3))).toBe(support(claim, parts.slice(1, 3).join('\n')));
    }
    expect(support('Refunds take 9 days.', parts)).toBeLessThan(1);
    expect(support('the and of', parts)).toBe(1);
    expect(support('Shipping takes 5 days.', [])).toBe(0);
  });
});
