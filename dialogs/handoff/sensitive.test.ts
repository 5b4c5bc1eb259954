import { moneyAmounts, refundIntent, sensitiveTopic } from './sensitive.js';

describe('moneyAmounts', () => {
  it.each([
    ['I want my $450 back', 450, 'USD'],
    ['refund of £1,200 please', 1200, 'GBP'],
    ['it cost 99,99 €', 99.99, 'EUR'],
    ['€1.234,56 was taken', 1234.56, 'EUR'],
    ['charged 300 EUR twice', 300, 'EUR'],
    ['USD 75.50 is missing', 75.5, 'USD'],
    ['I paid 2k USD', 2000, 'USD'],
    ['that was 50 bucks', 50, 'USD'],
    ['about 250 pounds', 250, 'GBP'],
    ['a 3 grand order', 3000, 'XXX'],
    ['A$89 for a shirt', 89, 'AUD'],
    ['¥12000 charge', 12000, 'JPY'],
  ])('reads %p', (text, amount, currency) => expect(moneyAmounts(text)).toEqual([expect.objectContaining({ amount, currency })]));

  it('finds no money in plain numbers, sizes or codes in lower case', () => {
    expect(moneyAmounts('order 450 arrived in size 12')).toEqual([]);
    expect(moneyAmounts('I tried 20 times')).toEqual([]);
    expect(moneyAmounts('try 5 more')).toEqual([]);
    expect(moneyAmounts('a 30% discount')).toEqual([]);
    expect(moneyAmounts('$20 and $450').map((m) => m.amount)).toEqual([20, 450]);
  });
});

describe('refundIntent', () => {
  it.each(['I want my $450 back', 'please refund me', 'I need a refund for £300', 'I will file a chargeback', 'give me my money back', 'I want to dispute the charge', 'reimburse me for the 500 EUR', 'I want the $250 returned'])(
    'recognizes %p',
    (text) => expect(refundIntent(text)).toBe(true),
  );
  it.each(['I want to send the $450 coat back', 'I paid $450 for this', 'my card was charged $300', 'how do I get my order back on track'])('does not see a refund in %p', (text) =>
    expect(refundIntent(text)).toBe(false),
  );
});

describe('sensitiveTopic', () => {
  it.each([
    'I am going to sue you',
    "I'll be talking to my lawyer about this",
    "If this isn't sorted I'm taking legal action",
    'see you in court',
    "I'll take you to small claims",
    'I am filing a GDPR complaint',
    "I'm reporting you to the ombudsman",
    'You are in breach of data protection law',
    'my solicitor will be in touch',
    'what you are doing is illegal',
  ])('finds legal in %p', (text) => expect(sensitiveTopic(text)).toMatchObject({ topic: 'legal' }));

  it.each([
    'The heater caught fire in my living room',
    'my son choked on a button from the cardigan',
    'I had an allergic reaction to the dye',
    'the iron burned my hand',
    'my daughter got hurt by the zip',
    'the hood drawstring is a choking hazard',
    'this product is unsafe',
    'I got a rash from the wool jumper',
    'my toddler swallowed a bead from the dress',
    'we ended up in hospital',
    'the charger was on fire when I unplugged it',
    'my TV is on fire!',
  ])('finds safety in %p', (text) => expect(sensitiveTopic(text)).toMatchObject({ topic: 'safety' }));

  it.each([
    'Do you sell court shoes?',
    'my friend Sue ordered the same dress',
    'Is this jacket suitable for a tennis court?',
    'Do you have this in burnt orange?',
    'the ATM swallowed my card',
    'Is it safe to store my card details?',
    'I want my $20 back',
    'I want a refund of $200',
    'is the legal age to open an account 18?',
    'how long do refunds take?',
    'can I pay in pounds?',
    'I can not recall my PIN',
    'my hulu wont let me play anything on fire tv.',
    'the app crashes on Fire Stick since the update',
  ])('finds nothing sensitive in %p', (text) => expect(sensitiveTopic(text)).toBeUndefined());

  it('hands off refunds over the limit with the amount, and honours the configured topics and limit', () => {
    expect(sensitiveTopic('I want my $450 back')).toMatchObject({ topic: 'refund', amount: { amount: 450, currency: 'USD', text: '$450' } });
    expect(sensitiveTopic('I want a refund of my £250 transfer')).toMatchObject({ topic: 'refund' });
    expect(sensitiveTopic('I want my $450 back', { topics: ['legal', 'safety'], refundLimit: 200 })).toBeUndefined();
    expect(sensitiveTopic('I want my $450 back', { topics: ['refund'], refundLimit: 500 })).toBeUndefined();
    expect(sensitiveTopic('I will sue you', { topics: ['refund'], refundLimit: 200 })).toBeUndefined();
    // Safety comes first when a message touches several topics.
    expect(sensitiveTopic('the jacket caught fire, refund my $900 or I sue')).toMatchObject({ topic: 'safety' });
  });
});
