import type { TicketRecord } from '../../bot/core/index.js';
import { agreementFactor, compareEntities, entityAgreement, findEntities, rerankByEntities, ticketEntities } from './entity-agreement.js';

const ticket = (id: string, question: string, answer: string): TicketRecord => ({ id, question, answer, source: 'test', metadata: {} });

describe('findEntities', () => {
  it('finds countries, with "US" and "UK" only in capitals', () => {
    expect(findEntities('How long does shipping to Canada take?')).toEqual({ country: ['canada'] });
    expect(findEntities('Standard US delivery takes 3–5 days; the UK and EU take 7–12.').country).toEqual(['us', 'uk', 'eu']);
    expect(findEntities('can you help us with this?').country).toBeUndefined();
    expect(findEntities('I live in Spain').country).toEqual(['spain']);
  });

  it('finds payment methods, platforms, products, sizes and order states', () => {
    expect(findEntities('Can I pay with Klarna or PayPal?').payment).toEqual(['paypal', 'klarna']);
    expect(findEntities('the app crashes on my iPhone').platform).toEqual(['ios']);
    expect(findEntities('I want an eSIM for my new phone').product).toEqual(['esim']);
    expect(findEntities('my virtual card was declined').product).toEqual(['virtual card']);
    expect(findEntities('do you have petite jeans').size).toEqual(['petite']);
    expect(findEntities("my order hasn't shipped yet").orderState).toEqual(['not shipped']);
    expect(findEntities('my parcel was delivered but a belt is missing').orderState).toEqual(['delivered']);
  });

  it('does not read everyday words as products or countries', () => {
    expect(findEntities('how do I top up my account? on top of that, is it in the US?')).toEqual({ country: ['us'] });
    expect(findEntities('the scarf is missing from my parcel')).toEqual({});
    expect(findEntities('I need 5 GB of data and a visa application form').payment).toBeUndefined();
  });
});

describe('compareEntities', () => {
  it('flags a ticket about other countries as a contradiction', () => {
    const result = entityAgreement('How long does shipping to Canada take?', 'Standard US delivery takes 3–5 days; the UK and EU take 7–12.');
    expect(result.score).toBe(-1);
    expect(result.comparisons).toEqual([{ kind: 'country', outcome: 'conflict', question: ['canada'], other: ['us', 'uk', 'eu'] }]);
  });

  it('counts a country within a named region as agreement', () => {
    expect(entityAgreement('I live in Spain, can I pay in euros?', 'EU orders are charged in euros.').score).toBe(1);
    expect(entityAgreement('Do you ship to the EU?', 'Yes, we ship to Germany and France.').score).toBe(1);
  });

  it('is neutral when the other text names no entity of that kind, and between values of one family', () => {
    expect(entityAgreement('Do you ship to Canada?', 'Shipping takes 3–5 business days.').score).toBe(0);
    expect(entityAgreement('Can I pay with my Visa?', 'We take Mastercard and other credit cards.')).toEqual({
      score: 0,
      comparisons: [{ kind: 'payment', outcome: 'related', question: ['visa'], other: ['mastercard', 'credit card'] }],
    });
  });

  it('weighs a country more than a product line', () => {
    const mixed = compareEntities({ country: ['canada'], product: ['esim'] }, { country: ['canada'], product: ['broadband'] });
    expect(mixed.score).toBeCloseTo((1 - 0.5) / 1.5, 4);
    expect(compareEntities({ product: ['esim'] }, { product: ['broadband'] }).score).toBe(-0.5);
    expect(compareEntities({ country: ['canada'] }, { country: ['uk'] }).score).toBe(-1);
  });

  it('reads products and order states of a ticket from its question only', () => {
    const plans = ticket('s', 'how do I change my plan?', 'In the app. Broadband customers call us. Once your order has shipped…');
    expect(ticketEntities(plans)).toEqual({});
    expect(ticketEntities(ticket('t', 'Can I use an eSIM in Canada?', 'No, only in the US.'))).toEqual({ country: ['us', 'canada'], product: ['esim'] });
  });

  it('sees contradictions of platform, payment method and order state', () => {
    expect(entityAgreement('the app crashes on Android', 'Update the app from the App Store on your iPhone.').score).toBe(-1);
    expect(entityAgreement('Can I pay with Klarna?', 'Yes, we accept PayPal at checkout.').score).toBe(-0.8);
    expect(entityAgreement('my order has not shipped yet, can I change the address?', 'Since it has already shipped, contact the carrier.').score).toBe(-0.5);
  });
});

describe('rerankByEntities', () => {
  it('puts the ticket that names the asked country before one that contradicts it', () => {
    const times = ticket('times', 'How long does delivery take?', 'Standard US delivery takes 3–5 business days; the UK and EU take 7–12.');
    const countries = ticket('countries', 'Do you ship to Canada or Australia?', 'Not at the moment: we ship to the US, the UK and the EU.');
    const ranked = rerankByEntities('How long does shipping to Canada take?', [
      { ticket: times, score: 0.8 },
      { ticket: countries, score: 0.5 },
    ]);
    expect(ranked.map((hit) => [hit.ticket.id, hit.entityAgreement])).toEqual([
      ['countries', 1],
      ['times', -1],
    ]);
    expect(ranked[1]?.score).toBeCloseTo(0.8 * agreementFactor(-1), 6);
  });

  it('keeps the order and scores when the question names no entity', () => {
    const hits = [{ ticket: ticket('a', 'Do you ship to Canada?', 'No.'), score: 0.6 }, { ticket: ticket('b', 'How long?', '3 days.'), score: 0.5 }];
    expect(rerankByEntities('how long does it take', hits)).toEqual(hits.map((hit) => ({ ...hit, entityAgreement: 0 })));
  });

  it('leaves the score of an agreeing ticket as it is', () => {
    const [hit] = rerankByEntities('ship to Canada?', [{ ticket: ticket('a', 'Do you ship to Canada?', 'No.'), score: 0.99 }]);
    expect(hit).toMatchObject({ score: 0.99, entityAgreement: 1 });
  });

  it('treats the names of one value as the same', () => {
    expect(entityAgreement('delivery to Holland?', 'We ship to the Netherlands.').score).toBe(1);
    expect(entityAgreement('top up with gpay', 'Google Pay top-ups are instant.').score).toBe(0.8);
  });
});
