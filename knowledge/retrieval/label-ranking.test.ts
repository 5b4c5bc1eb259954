import type { TicketRecord } from '../../bot/core/index.js';
import { LABEL_WEIGHT, labelsInScope, scoreByLabels } from './label-ranking.js';

const ticket = (id: string, label?: string): TicketRecord => ({ id, question: id, answer: id, source: 'test', metadata: label ? { intent: label } : {} });

describe('label ranking', () => {
  it('renormalizes the probabilities of the labels in scope and drops the others', () => {
    const kept = labelsInScope([{ label: 'a', p: 0.6 }, { label: 'b', p: 0.3 }, { label: 'c', p: 0.1 }], (label) => label !== 'a');
    expect(kept.map((k) => k.label)).toEqual(['b', 'c']);
    expect(kept[0]!.p).toBeCloseTo(0.75);
    expect(kept[1]!.p).toBeCloseTo(0.25);
    expect(labelsInScope([{ label: 'a', p: 1 }], () => false)).toEqual([]);
  });

  it('blends a known label\'s probability with similarity, and scores an unknown label on similarity alone', () => {
    const similarity = new Map([['x', 0.2], ['y', 0.9], ['z', 0.5]]);
    const tickets = [ticket('x', 'refund'), ticket('y', 'new-label'), ticket('z')];
    const known = (t: TicketRecord) => (t.metadata.intent === 'refund' ? 'refund' : undefined);
    const { scored, nearest } = scoreByLabels(tickets, new Map([['refund', 1]]), known, (t) => similarity.get(t.id) ?? 0);
    expect(nearest).toBe(0.9);
    expect(scored.map((s) => s.ticket.id)).toEqual(['y', 'x', 'z']);
    expect(scored[1]!.score).toBeCloseTo(LABEL_WEIGHT + (1 - LABEL_WEIGHT) * 0.2);
    expect(scored[0]!.score).toBe(0.9);
  });
});
