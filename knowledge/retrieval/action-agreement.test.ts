import type { TicketRecord } from '../../bot/core/index.js';
import { actionsOf, asksOtherAction, learnActionPenalty, rerankByAction, type ActionCandidate } from './action-agreement.js';

const ticket = (id: string, question: string): TicketRecord => ({ id, question, answer: 'See the steps.', source: 'test', metadata: {} });

describe('action agreement', () => {
  it('reads what a question asks to do', () => {
    expect(actionsOf('I want to edit purchase 00123842')).toEqual(['change']);
    expect(actionsOf('how to check the ETA of the purchase 00123842?')).toEqual(['track', 'view']);
    expect(actionsOf('download invoice #00108')).toEqual(['get']);
    expect(actionsOf('look for invoice #00108')).toEqual(['view']);
    expect(actionsOf('change to pro account')).toEqual(['switch']);
    expect(actionsOf('modify the details on my Gold account')).toEqual(['change']);
    expect(actionsOf('how long does shipping to Canada take?')).toEqual([]);
  });

  it('sees a conflict only when both name actions and share none', () => {
    expect(asksOtherAction(['change'], ['track'])).toBe(true);
    expect(asksOtherAction(['change', 'view'], ['view'])).toBe(false);
    expect(asksOtherAction(['change'], [])).toBe(false);
    expect(asksOtherAction([], ['track'])).toBe(false);
  });

  const hits = [
    { ticket: ticket('track', 'track order 00123842'), score: 0.6 },
    { ticket: ticket('change', 'modify order 00004587345'), score: 0.5 },
    { ticket: ticket('none', 'order 00123842'), score: 0.45 },
  ];

  it('puts tickets asking for another action behind by the penalty, keeping those that name none or the same', () => {
    const ranked = rerankByAction('help me edit order 00123842', hits, 0.25);
    expect(ranked.map((h) => h.ticket.id)).toEqual(['change', 'none', 'track']);
    expect(ranked.map((h) => h.actionConflict)).toEqual([false, false, true]);
    expect(ranked[2]?.score).toBeCloseTo(0.45);
    // A question that asks for nothing in particular leaves the order as it was.
    expect(rerankByAction('order 00123842', hits, 0.25).map((h) => h.ticket.id)).toEqual(['track', 'change', 'none']);
  });

  it('reranks nothing with a penalty of 0 (knowledge whose answers do not follow the action)', () => {
    const ranked = rerankByAction('help me edit order 00123842', hits, 0);
    expect(ranked.map((h) => h.ticket.id)).toEqual(['track', 'change', 'none']);
    expect(ranked.map((h) => h.score)).toEqual([0.6, 0.5, 0.45]);
  });
});

describe('learnActionPenalty', () => {
  /** A held-out question whose closest candidate asks for another action, `gap` ahead of one asking for the same. */
  const question = (gap: number, conflictRelated: number, agreeRelated: number): ActionCandidate[] => [
    { score: 0.5 + gap, conflict: true, related: conflictRelated },
    { score: 0.5, conflict: false, related: agreeRelated },
  ];
  /** Questions whose candidates asking for the same action are first anyway. */
  const settled = (n: number): ActionCandidate[][] => Array.from({ length: n }, () => [{ score: 0.6, conflict: false, related: 1 }, { score: 0.4, conflict: true, related: 0 }]);

  it('learns the smallest penalty that puts the candidates with the held-out answer first, where actions tell answers apart', () => {
    // 30 questions where the other action's ticket is 0.05–0.1 ahead with another answer: a penalty of 0.2 is enough.
    const questions = [...Array.from({ length: 30 }, (_, i) => question(0.05 + (i % 2) * 0.05, 0, 1)), ...settled(50)];
    expect(learnActionPenalty(questions)).toBe(0.2);
  });

  it('learns a larger penalty when the other action\'s tickets are further ahead', () => {
    const questions = [...Array.from({ length: 30 }, () => question(0.3, 0, 1)), ...settled(50)];
    expect(learnActionPenalty(questions)).toBe(0.4);
  });

  it('learns none where the candidates asking for another action give the held-out answer as often (answers do not follow the action)', () => {
    const questions = Array.from({ length: 60 }, (_, i) => question(0.05, i % 2 === 0 ? 1 : 0, i % 2 === 0 ? 0 : 1));
    expect(learnActionPenalty(questions)).toBe(0);
  });

  it('learns none from too few questions whose first answer would change', () => {
    const questions = [...Array.from({ length: 5 }, () => question(0.05, 0, 1)), ...settled(100)];
    expect(learnActionPenalty(questions)).toBe(0);
  });

  it('learns none where reranking puts worse answers first', () => {
    const questions = [...Array.from({ length: 30 }, () => question(0.05, 1, 0.2)), ...settled(20)];
    expect(learnActionPenalty(questions)).toBe(0);
  });
});
