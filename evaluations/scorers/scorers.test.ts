import type { TicketRecord } from '../../bot/core/index.js';
import { scoreConversationOffline } from './score.js';
import { TranscriptBuilder } from './transcript-builder.js';

const REFUNDS: TicketRecord = {
  id: 'T-1',
  question: 'How long does a refund take after I send a return back?',
  answer: 'Once the return reaches our warehouse we inspect it within 2 business days, then the refund takes 5–7 business days to show on your card.',
  source: 'sample',
  metadata: { category: 'returns' },
};
const source = (ticket: TicketRecord, score = 0.8) => ({ id: ticket.id, score, metadata: { question: ticket.question } });

describe('offline scorers on hand-written conversations', () => {
  it('scores a grounded, relevant answer that resolved the question without a person', () => {
    const input = new TranscriptBuilder()
      .customer('how long do refunds take?')
      .bot({ text: REFUNDS.answer, sources: [source(REFUNDS)], confidence: 0.82 }, 1)
      .customer('thanks!')
      .bot("You're welcome! Is there anything else I can help with?")
      .build([REFUNDS], { csat: 5 });
    const result = scoreConversationOffline(input);
    expect(result.answers).toHaveLength(1);
    expect(result.answers[0]).toMatchObject({ groundedness: 1, sources: ['T-1'] });
    expect(result.answers[0]?.relevance).toBeGreaterThan(0.3);
    expect(result.metrics).toMatchObject({ resolvedWithoutHuman: true, handedOff: false, handoffAppropriate: true, firstResponseMs: 1000, handlingMs: 5000, csat: 5, corrections: 0 });
    expect(result.flags).toEqual([]);
    expect(result.score).toBeGreaterThan(0.8);
  });

  it('does not count citation markers ([1]) as claims', () => {
    const input = new TranscriptBuilder()
      .customer('how long do refunds take?')
      .bot({ text: `${REFUNDS.answer} [1]`, sources: [source(REFUNDS)] })
      .build([REFUNDS]);
    expect(scoreConversationOffline(input).answers[0]?.groundedness).toBe(1);
  });

  it('flags an invented answer: nothing in the cited ticket supports its figures', () => {
    const input = new TranscriptBuilder()
      .customer('how long do refunds take?')
      .bot({ text: 'Refunds are instant and we add a 20% bonus voucher for 30 days to every returned parcel.', sources: [source(REFUNDS)], confidence: 0.5 })
      .build([REFUNDS]);
    const result = scoreConversationOffline(input);
    expect(result.answers[0]?.groundedness).toBeLessThan(0.4);
    expect(result.flags).toContain('ungrounded answer');
    expect(result.metrics.groundedness).toBe(result.answers[0]?.groundedness);
  });

  it('gives a factual answer that cites nothing groundedness 0, and ignores chit-chat', () => {
    const input = new TranscriptBuilder()
      .customer('hello')
      .bot({ text: 'Hi! How can I help?', action: 'clarify' })
      .customer('do you ship to Canada?')
      .bot('Yes, we ship to Canada in 3 days with free express delivery on every order.')
      .build();
    const result = scoreConversationOffline(input);
    expect(result.answers.map((a) => a.groundedness)).toEqual([0]);
    expect(result.flags).toContain('ungrounded answer');
  });

  it('flags a handoff that came too late: the customer asked for a person two messages earlier', () => {
    const input = new TranscriptBuilder()
      .customer('I want to talk to a real person about my order')
      .bot({ text: REFUNDS.answer, sources: [source(REFUNDS)], confidence: 0.35 })
      .customer('that is not what I asked, where is my order')
      .bot({ text: 'Could you tell me a bit more?', action: 'clarify' })
      .customer('agent please')
      .bot({ text: "Of course — I'm connecting you with a person from our team.", handoff: 'customer_request' })
      .agent('Hi, Sam here — let me check your order.')
      .build([REFUNDS]);
    const result = scoreConversationOffline(input);
    expect(result.handoff).toMatchObject({ handedOff: true, neededAt: 0, handedOffAt: 2, need: 'asked for a person', late: true, appropriate: false });
    expect(result.flags).toContain('late handoff');
    expect(result.metrics).toMatchObject({ resolvedWithoutHuman: false, handoffAppropriate: false });
  });

  it('accepts a handoff at the first request for a person', () => {
    const input = new TranscriptBuilder()
      .customer('can I speak to a human')
      .bot({ text: "Of course — I'm connecting you with a person from our team.", handoff: 'customer_request' })
      .build();
    const result = scoreConversationOffline(input);
    expect(result.handoff).toMatchObject({ late: false, unnecessary: false, missed: false, appropriate: true });
    expect(result.flags).toEqual([]);
  });

  it('flags a handoff nobody answered within 15 minutes and scores it lower; an agent who wrote in time clears it', () => {
    const asked = () =>
      new TranscriptBuilder().customer('I want to talk to a human please').bot({ text: 'I have passed your request to our team.', action: 'handoff', handoff: 'customer_request' });
    // Still waiting when scored 16 minutes later (an open conversation is scored with the time it is scored at).
    const waiting = { ...asked().build(), now: '2026-03-02T10:20:00.000Z' };
    const unanswered = scoreConversationOffline(waiting);
    expect(unanswered.handoff.unanswered).toBe(true);
    expect(unanswered.flags).toContain('handoff unanswered');
    // Scored 2 minutes in: not yet.
    expect(scoreConversationOffline({ ...waiting, now: '2026-03-02T10:02:00.000Z' }).flags).not.toContain('handoff unanswered');
    const answered = scoreConversationOffline({ ...asked().agent('Hi, Sam here — how can I help?', 240).build(), now: '2026-03-02T10:20:00.000Z' });
    expect(answered.handoff.unanswered).toBe(false);
    expect(answered.flags).not.toContain('handoff unanswered');
    expect(unanswered.score).toBeLessThan(answered.score);
    // An agent who first wrote after 20 minutes came too late: the customer waited in vain that long.
    expect(scoreConversationOffline(asked().agent('Sorry for the wait!', 1_200).build()).flags).toContain('handoff unanswered');
  });

  it('flags an unnecessary handoff (low confidence reason, confident answer at hand) and a missed one', () => {
    const unnecessary = new TranscriptBuilder()
      .customer('how long do refunds take?')
      .bot({ text: "I'm not sure I have the right answer to that, so I'm passing you to a person.", handoff: 'low_confidence', confidence: 0.71 })
      .build();
    expect(scoreConversationOffline(unnecessary).flags).toContain('unnecessary handoff');

    const missed = new TranscriptBuilder()
      .customer('This is ridiculous, the worst service ever, I am furious!!')
      .bot({ text: REFUNDS.answer, sources: [source(REFUNDS)], confidence: 0.4 })
      .build([REFUNDS]);
    const result = scoreConversationOffline(missed);
    expect(result.flags).toEqual(expect.arrayContaining(['missed handoff', 'frustrated customer']));
    expect(result.metrics.resolvedWithoutHuman).toBe(false);
  });

  it('flags a repeated question, low CSAT, agent corrections and a slow first response', () => {
    const correction = { id: 'corr-1' };
    const input = new TranscriptBuilder()
      .customer('how do I track my parcel order?')
      .bot({ text: REFUNDS.answer, sources: [source(REFUNDS)], confidence: 0.31 }, 600)
      .customer('how do I track my order parcel??')
      .bot({ text: REFUNDS.answer, sources: [source(REFUNDS)], confidence: 0.31 })
      .build([REFUNDS], { csat: 1, corrections: [correction] });
    const result = scoreConversationOffline(input);
    expect(result.metrics).toMatchObject({ repeatedQuestions: 1, csat: 1, corrections: 1, firstResponseMs: 600_000 });
    expect(result.flags).toEqual(expect.arrayContaining(['repeated question', 'low csat', 'corrected by agent', 'slow first response', 'missed handoff']));
    expect(result.score).toBeLessThan(0.5);
  });

  it('judges sensitive topics as the handoff policy is configured', () => {
    const input = new TranscriptBuilder().customer('I want a refund of $150 for my coat').bot({ text: REFUNDS.answer, sources: [source(REFUNDS)] }).build([REFUNDS]);
    expect(scoreConversationOffline(input).flags).not.toContain('missed handoff');
    expect(scoreConversationOffline(input, { sensitive: { topics: ['refund'], refundLimit: 100 } }).handoff).toMatchObject({ missed: true, need: 'sensitive topic' });
  });

  it('scores a try-on turn on its image, not on ticket sources (no "ungrounded answer")', () => {
    const photo = { contentType: 'image/jpeg', name: 'me.jpg', url: '/api/conversations/conv_test/uploads/upl_1' };
    const tryOn = { url: 'https://shop.example/media/tryon/tro_AAAAAAAAAAAAAAAAAAAAAAAA', alt: 'You wearing the Navy Tee (virtual try-on)' };
    const input = new TranscriptBuilder()
      .customer('can I try on the navy tee?')
      .bot({ text: 'Send me a photo of yourself, facing the camera, and I will show you the Navy Tee.', action: 'clarify' })
      .customer('', 2, [photo])
      .bot({ text: "Here's the Navy Tee on you ($24.00, a preview: fit and drape are approximate). This picture is deleted within 24 hours.", images: [tryOn] })
      .build();
    const result = scoreConversationOffline(input);
    expect(result.answers).toEqual([]);
    expect(result.vision).toEqual([expect.objectContaining({ id: 'm4', kind: 'vision', images: 1, delivered: true, fromPhoto: true })]);
    expect(result.metrics).toMatchObject({ groundedness: null, visionTurns: 1, visionDelivered: 1, visionFailed: 0, resolvedWithoutHuman: true });
    expect(result.flags).toEqual([]);
    expect(result.score).toBeGreaterThan(0.8);
  });

  it('flags a photo answered without an image, and keeps scoring ticket answers in the same conversation', () => {
    const photo = { contentType: 'image/png', url: '/api/conversations/conv_test/uploads/upl_2' };
    const input = new TranscriptBuilder()
      .customer('how long do refunds take?')
      .bot({ text: REFUNDS.answer, sources: [source(REFUNDS)] })
      .customer('', 2, [photo])
      .bot("Sorry, I couldn't make the try-on picture just now. Please try again in a little while.")
      .build([REFUNDS]);
    const result = scoreConversationOffline(input);
    expect(result.answers.map((a) => a.id)).toEqual(['m2']);
    expect(result.vision).toEqual([expect.objectContaining({ id: 'm4', delivered: false, fromPhoto: true })]);
    expect(result.metrics).toMatchObject({ groundedness: 1, visionTurns: 1, visionDelivered: 0, visionFailed: 1 });
    expect(result.flags).toEqual(['image not delivered']);
    expect(result.flags).not.toContain('ungrounded answer');
  });

  it('scores generated product photos as a photo turn, and a product answer citing a ticket as an answer', () => {
    const input = new TranscriptBuilder()
      .customer('can I see more photos of the navy tee?')
      .bot({ text: 'Here are 2 more photos of the Navy Tee (generated from its product photo).', images: [{ url: '/media/tryon/tro_BBBBBBBBBBBBBBBBBBBBBBBB', alt: 'Navy Tee, beach setting (generated)' }, { url: '/media/tryon/tro_CCCCCCCCCCCCCCCCCCCCCCCC', alt: 'Navy Tee, studio setting (generated)' }] })
      .customer('how long do refunds take?')
      .bot({ text: REFUNDS.answer, sources: [source(REFUNDS)], images: [{ url: 'https://cdn.example/returns.png', alt: 'returns label' }] })
      .build([REFUNDS]);
    const result = scoreConversationOffline(input);
    expect(result.vision).toEqual([expect.objectContaining({ id: 'm2', images: 2, delivered: true, fromPhoto: false })]);
    expect(result.answers.map((a) => a.id)).toEqual(['m4']);
    expect(result.flags).toEqual([]);
  });

  it('is deterministic', () => {
    const build = () => new TranscriptBuilder().customer('how long do refunds take?').bot({ text: REFUNDS.answer, sources: [source(REFUNDS)] }).build([REFUNDS]);
    expect(scoreConversationOffline(build())).toEqual(scoreConversationOffline(build()));
  });
});
