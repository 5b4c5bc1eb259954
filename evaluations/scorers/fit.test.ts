import type { TicketRecord } from '../../bot/core/index.js';
import { answerFit } from './fit.js';
import { auroc, measureAnswerFit, type LabelledAnswer } from './fit-set.js';
import { scoreConversationOffline } from './score.js';
import { TranscriptBuilder } from './transcript-builder.js';

const TIMES: TicketRecord = {
  id: 'NWT-1017',
  question: 'How long does delivery take?',
  answer: 'Standard US delivery takes 3–5 business days, express takes 1–2 business days, and delivery to the UK and EU takes 7–12 business days.',
  source: 'sample',
  metadata: {},
};
const COUNTRIES: TicketRecord = {
  id: 'NWT-1065',
  question: 'Do you ship to Canada or Australia?',
  answer: 'Not at the moment, sorry — we currently ship to the US, the UK and all EU countries.',
  source: 'sample',
  metadata: {},
};
const source = (ticket: TicketRecord) => ({ id: ticket.id, score: 0.8, metadata: { question: ticket.question } });
const conversationAbout = (ticket: TicketRecord) =>
  new TranscriptBuilder()
    .customer('How long does shipping to Canada take?')
    .bot({ text: ticket.answer, sources: [source(ticket)], confidence: 0.37 }, 1)
    .build([TIMES, COUNTRIES]);

describe('answerFit', () => {
  it('lowers the fit of an answer about other countries than the one asked about, and says why', () => {
    const wrong = answerFit('How long does shipping to Canada take?', TIMES.answer, [TIMES]);
    const right = answerFit('How long does shipping to Canada take?', COUNTRIES.answer, [COUNTRIES]);
    expect(wrong.entityAgreement).toBe(-1);
    expect(wrong.contradictions).toEqual([{ kind: 'country', outcome: 'conflict', question: ['canada'], other: ['us', 'uk', 'eu'] }]);
    expect(right.entityAgreement).toBe(1);
    expect(right.fit).toBeGreaterThan(wrong.fit);
  });

  it('lowers the fit of an answer its source does not support', () => {
    const honest = answerFit('how long do refunds take?', 'Refunds take 5–7 business days.', [{ question: 'refund time?', answer: 'Refunds take 5–7 business days.' }]);
    const invented = answerFit('how long do refunds take?', 'Refunds take 24 hours and come with a voucher.', [{ question: 'refund time?', answer: 'Refunds take 5–7 business days.' }]);
    expect(invented.support).toBeLessThan(honest.support);
    expect(invented.fit).toBeLessThan(honest.fit);
  });
});

describe('the conversation scorers on the Canada question', () => {
  it('flags the US/UK/EU delivery times as contradicting the question and scores them below the right answer', () => {
    const wrong = scoreConversationOffline(conversationAbout(TIMES));
    const right = scoreConversationOffline(conversationAbout(COUNTRIES));
    expect(wrong.flags).toContain('contradicts question');
    expect(wrong.answers[0]?.contradictions).toEqual(['country: canada ≠ us, uk, eu']);
    expect(wrong.metrics.resolvedWithoutHuman).toBe(false);
    expect(right.flags).not.toContain('contradicts question');
    expect(right.score).toBeGreaterThan(wrong.score);
    expect(wrong.score).toBeLessThan(0.75);
  });
});

describe('auroc and the labelled-set measure', () => {
  it('computes the area under the ROC curve with ties as half', () => {
    expect(auroc([0.9, 0.8, 0.2, 0.1], [true, true, false, false])).toBe(1);
    expect(auroc([0.1, 0.9], [true, false])).toBe(0);
    expect(auroc([0.5, 0.5], [true, false])).toBe(0.5);
    expect(auroc([0.5], [true])).toBeNull();
  });

  it('separates a right answer from an entity contradiction and an off-topic source', () => {
    const row = (id: string, question: string, ticket: TicketRecord, label: 'right' | 'wrong', kind: string): LabelledAnswer => ({
      id, question, answer: ticket.answer, source: { question: ticket.question, answer: ticket.answer }, label, kind,
    });
    const refunds: TicketRecord = { id: 'r', question: 'how long do refunds take', answer: 'Refunds take 5–7 business days after we receive the return.', source: 's', metadata: {} };
    const result = measureAnswerFit([
      row('1', 'Do you ship to Canada?', COUNTRIES, 'right', 'right'),
      row('2', 'how long until I get my refund', refunds, 'right', 'right'),
      row('3', 'How long does shipping to Canada take?', TIMES, 'wrong', 'entity'),
      row('4', 'how long until I get my refund', COUNTRIES, 'wrong', 'off-topic'),
    ]);
    expect(result).toMatchObject({ n: 4, right: 2, wrong: 2, auroc: 1, byKind: { entity: 1, 'off-topic': 1 } });
  });
});
