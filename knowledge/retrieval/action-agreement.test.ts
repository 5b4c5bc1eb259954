import type { TicketRecord } from '../../bot/core/index.js';
import { actionsOf, rerankByAction } from './action-agreement.js';

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

  it('puts tickets asking for another action behind, keeping those that name none or the same', () => {
    const hits = [
      { ticket: ticket('track', 'track order 00123842'), score: 0.6 },
      { ticket: ticket('change', 'modify order 00004587345'), score: 0.5 },
      { ticket: ticket('none', 'order 00123842'), score: 0.45 },
    ];
    const ranked = rerankByAction('help me edit order 00123842', hits);
    expect(ranked.map((h) => h.ticket.id)).toEqual(['change', 'none', 'track']);
    expect(ranked.map((h) => h.actionConflict)).toEqual([false, false, true]);
    expect(ranked[2]?.score).toBeCloseTo(0.45);
    // A question that asks for nothing in particular leaves the order as it was.
    expect(rerankByAction('order 00123842', hits).map((h) => h.ticket.id)).toEqual(['track', 'change', 'none']);
  });
});
