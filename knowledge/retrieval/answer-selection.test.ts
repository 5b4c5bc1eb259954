import type { TicketRecord } from '../../bot/core/index.js';
import { learnAnswerSelection, reselect } from './answer-selection.js';
import { evenSample, leaveOneOutOutcomes } from './held-out-outcomes.js';
import { NEVER_ANSWER } from './threshold-selection.js';

/** Tickets whose answers link one of `pages` help pages; ticket i links page i mod pages. */
const tickets = (n: number, pages: number): TicketRecord[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, question: `question ${i}`, answer: `See https://help.example/${i % pages}`, source: 's', metadata: {} }));

const page = (ticket: TicketRecord) => ticket.answer.split('/').at(-1);

describe('learnAnswerSelection without labels', () => {
  it('calibrates on leave-one-out outcomes and answers where neighbours agree', async () => {
    const corpus = tickets(200, 10);
    // Retrieval finds the right page when neighbours agree (even tickets), a wrong one otherwise.
    const selection = await learnAnswerSelection({
      target: 0.9,
      tickets: corpus,
      ask: async (ticket) => {
        const n = Number(ticket.id.slice(1));
        const right = n % 2 === 0;
        const other = corpus.find((t) => t.id !== ticket.id && page(t) === page(ticket))!;
        const wrong = corpus.find((t) => page(t) !== page(ticket))!;
        return { ranked: right ? [other, wrong] : [wrong, other], signals: { similarity: 0.5, agreement: right ? 0.9 : 0.3 } };
      },
      same: (a, b) => page(a) === page(b),
    });
    expect(selection).toBeDefined();
    expect(selection!.calibration).toHaveLength(3);
    expect(selection!.precision).toBe(1);
    expect(selection!.coverage).toBeCloseTo(0.5);
    expect(reselect(selection!, 0.4).coverage).toBe(1);
  });

  it('selects nothing when answers do not repeat', async () => {
    const corpus = tickets(100, 100);
    const selection = await learnAnswerSelection({
      target: 0.9,
      tickets: corpus,
      ask: async (ticket) => ({ ranked: corpus.filter((t) => t.id !== ticket.id).slice(0, 3), signals: { similarity: 0.4, agreement: 0.3 } }),
      same: (a, b) => page(a) === page(b),
    });
    expect(selection).toBeUndefined();
  });

  it('uses the label model’s held-out outcomes when labels name answers', async () => {
    const labelOutcomes = Array.from({ length: 50 }, (_, i) => ({ confidence: i / 50, correct: i >= 10 }));
    const selection = await learnAnswerSelection({ target: 0.9, labelOutcomes, tickets: [], ask: () => Promise.reject(new Error('not asked')), same: () => false });
    expect(selection?.threshold).toBeGreaterThan(0);
    expect(selection?.threshold).toBeLessThan(NEVER_ANSWER);
    expect(selection?.calibration).toBeUndefined();
  });
});

describe('evenSample', () => {
  it('spreads the sample over the whole list', () => {
    expect(evenSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([1, 3, 5, 7, 9]);
    expect(evenSample([1, 2], 5)).toEqual([1, 2]);
  });
});

describe('leaveOneOutOutcomes', () => {
  it('stops after the probe when answers do not repeat', async () => {
    const corpus = tickets(500, 500);
    let asked = 0;
    const { outcomes, answerable } = await leaveOneOutOutcomes(corpus, {
      ask: async (ticket) => {
        asked++;
        return { ranked: corpus.filter((t) => t.id !== ticket.id).slice(0, 2), signals: { similarity: 0.3 } };
      },
      same: (a, b) => page(a) === page(b),
      minAnswerable: 0.25,
    });
    expect(asked).toBe(50);
    expect(outcomes).toHaveLength(50);
    expect(answerable).toBe(0);
  });
});
