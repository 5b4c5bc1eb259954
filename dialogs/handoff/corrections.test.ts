import type { CorrectionRecord, TicketRecord } from '../../bot/core/index.js';
import type { Retrieval } from '../../knowledge/index.js';
import { correctionTicket, preferCorrections } from './corrections.js';

const ticket = (id: string, question: string, source = 'sample', metadata: Record<string, unknown> = {}): TicketRecord => ({ id, question, answer: `answer of ${id}`, source, metadata });
const retrieval = (...tickets: TicketRecord[]): Retrieval => ({ hits: tickets.map((t, i) => ({ ticket: t, score: 0.9 - i * 0.1 })), confidence: 0.8, outOfScope: false });

describe('corrections', () => {
  const refunds = ticket('NWT-1', 'How long do refunds take?', 'sample', { category: 'returns', image: { url: '/x.png' } });
  const record: CorrectionRecord = {
    id: 'corr_1',
    conversationId: 'conv_1',
    messageId: 'act_1',
    question: 'how long do refunds take?',
    original: 'answer of NWT-1',
    corrected: 'Three business days.',
    correctsTicketId: 'NWT-1',
    agent: 'U1',
    agentName: 'Alex',
    createdAt: '2026-03-03T10:00:00.000Z',
    revertedAt: null,
    revertedBy: null,
  };

  it('becomes a ticket of source "corrections" naming the ticket it corrects, with its labels but not its images', () => {
    expect(correctionTicket(record, refunds)).toEqual({
      id: 'corr_1',
      question: 'how long do refunds take?',
      answer: 'Three business days.',
      source: 'corrections',
      metadata: { category: 'returns', corrects: 'NWT-1', correctionId: 'corr_1', agent: 'Alex', correctedAt: '2026-03-03T10:00:00.000Z' },
    });
  });

  it('answers this very question (or a rewording) with the correction, confidently, wherever retrieval landed', () => {
    const correction = correctionTicket(record, refunds);
    const unsure: Retrieval = { ...retrieval(ticket('NWT-9', 'Gift cards')), confidence: 0.25, outOfScope: true };
    const preferred = preferCorrections(unsure, 'How long do refunds take', [correction]);
    expect(preferred).toMatchObject({ confidence: 0.9, outOfScope: false });
    expect(preferred.hits.map((h) => [h.ticket.id, h.score])).toEqual([['corr_1', 0.9], ['NWT-9', 0.9]]);
    expect(preferCorrections({ hits: [], confidence: 0, outOfScope: false }, 'how long do refunds take?', [correction]).hits[0]?.ticket.id).toBe('corr_1');
  });

  it('takes the place of the ticket it corrects for another wording when it is among the hits', () => {
    const correction = correctionTicket(record, refunds);
    const other = ticket('NWT-2', 'Where is my parcel?');
    const both = preferCorrections(retrieval(refunds, other, correction), 'refund timing for card payments', [correction]);
    expect(both.hits.map((h) => [h.ticket.id, h.score])).toEqual([['corr_1', 0.9], ['NWT-1', 0.9], ['NWT-2', 0.8]]);
    expect(both.confidence).toBe(0.8);
  });

  it('leaves other questions, other tickets and retrievals without corrections alone', () => {
    const correction = correctionTicket(record, refunds);
    const plain = retrieval(refunds);
    expect(preferCorrections(plain, 'can I return a gift without the receipt?', [correction])).toBe(plain);
    const parcel = retrieval(ticket('NWT-2', 'Where is my parcel?'));
    expect(preferCorrections(parcel, 'where is my parcel?', [correction])).toBe(parcel);
    expect(preferCorrections(plain, 'how long do refunds take?', [])).toBe(plain);
    const empty: Retrieval = { hits: [], confidence: 0, outOfScope: false };
    // A reverted correction still in an index is dropped.
    expect(preferCorrections(retrieval(correction, refunds), 'how long do refunds take?', []).hits.map((h) => h.ticket.id)).toEqual(['NWT-1']);
    expect(preferCorrections(empty, 'x', [correction])).toBe(empty);
  });
});
