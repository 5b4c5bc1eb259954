import { asksYesOrNo, withoutPolarOpener } from './polar-opener.js';

describe('a past answer\'s yes or no', () => {
  it('tells yes/no questions from statements and question-word questions', () => {
    for (const q of ['do u take paypal', 'Can I return a sale item?', 'u take paypal?', 'I was wondering if you ship to Canada.', 'Is it possible to change my address?', 'hi. do you ship to Germany']) expect(asksYesOrNo(q)).toBe(true);
    for (const q of ["my discount code doesn't work", 'How do I cancel my order?', 'I was charged twice', "what's your return policy?", 'where is my order NW12345?']) expect(asksYesOrNo(q)).toBe(false);
  });

  it('drops it when this customer asked no yes/no question, and keeps it when they did', () => {
    const answer = 'Yes — if you contact us within 14 days of placing the order and the code was valid at that time, we\'ll refund the discount.';
    expect(withoutPolarOpener(answer, "my discount code doesn't work")).toBe("If you contact us within 14 days of placing the order and the code was valid at that time, we'll refund the discount.");
    expect(withoutPolarOpener(answer, 'Can I still get the discount?')).toBe(answer);
    expect(withoutPolarOpener("No, we don't ship to Canada yet.", 'How long does shipping to Canada take?')).toBe("We don't ship to Canada yet.");
    expect(withoutPolarOpener('Yes, we do! Choose PayPal at checkout.', 'u take paypal?')).toBe('Yes, we do! Choose PayPal at checkout.');
  });

  it('leaves courtesies that start with "no" and a bare yes alone', () => {
    expect(withoutPolarOpener('No problem! Click "Forgot password?".', 'I forgot my password')).toBe('No problem! Click "Forgot password?".');
    expect(withoutPolarOpener('No worries, it happens.', 'I forgot my password')).toBe('No worries, it happens.');
    expect(withoutPolarOpener('Yes.', 'my code failed')).toBe('Yes.');
  });
});
