import { figuresOf, leaksPlaceholder, type QuestionOutcome } from './scoring.js';

const outcome = (action: QuestionOutcome['action'], right: boolean, confidence: number, extra: Partial<QuestionOutcome> = {}): QuestionOutcome => ({
  action,
  right: action === 'answer' && right,
  clarifyHit: false,
  crossScope: false,
  placeholderLeak: false,
  confidence,
  topRight: right,
  ...extra,
});

describe('leaksPlaceholder', () => {
  it('finds unfilled slots and redaction tokens, not citations or ordinary brackets', () => {
    expect(leaksPlaceholder('Your order {{Order Number}} ships today')).toBe(true);
    expect(leaksPlaceholder('Hi [NAME], your invoice')).toBe(true);
    expect(leaksPlaceholder('Write to [EMAIL] or [ORDER NUMBER]')).toBe(true);
    expect(leaksPlaceholder('Refunds take 5 days [1]')).toBe(false);
    expect(leaksPlaceholder('See the [help page] for details')).toBe(false);
  });
});

describe('figuresOf', () => {
  it('computes the contract figures from outcomes', () => {
    const figures = figuresOf([
      outcome('answer', true, 0.9),
      outcome('answer', false, 0.8, { crossScope: true, placeholderLeak: true }),
      outcome('clarify', true, 0.5, { clarifyHit: true }),
      outcome('clarify', false, 0.4),
      outcome('handoff', false, 0.1),
    ]);
    expect(figures).toEqual({
      n: 5,
      coverage: 0.4,
      precision: 0.5,
      clarifyRate: 0.4,
      clarifyHit: 0.5,
      handoffRate: 0.2,
      crossScope: 1,
      placeholderLeaks: 1,
      coverageAt: { '0.8': 0.2, '0.9': 0.2, '0.95': 0.2 },
    });
  });

  it('reports clarifyHit as null without clarifying replies and zero precision without answers', () => {
    const figures = figuresOf([outcome('handoff', false, 0)]);
    expect(figures.clarifyHit).toBeNull();
    expect(figures.precision).toBe(0);
    expect(figures.coverageAt['0.8']).toBe(0);
  });
});
