import { DEFAULT_FRUSTRATION_THRESHOLD, frustrationScore, isFrustrated } from './sentiment.js';

/** Customer messages labelled by hand: true when a person should step in because the customer is upset. */
const FRUSTRATED = [
  "This is ridiculous, I've been waiting three weeks for my order",
  'Worst customer service I have ever experienced',
  "I'm so fed up with this company",
  'This is a joke. Where is my refund?',
  "Cancel my account, I've had enough",
  'WHY HAS NOBODY REPLIED TO MY EMAIL',
  'WHERE IS MY PARCEL!!! I paid for express delivery!!!',
  'You people are completely useless',
  "I am absolutely furious about the way I've been treated",
  'what the hell is going on with my order',
  'How many times do I have to explain this',
  'Seriously?! This is unacceptable',
  "I'm sick and tired of waiting for a reply",
  'Your website is a total shambles',
  'what a waste of my time',
  'I am really disappointed, the jacket fell apart after one wash',
  'This is bullshit, I want my money back',
  "f*** this, I'm done",
  'Terrible service, never ordering from you again',
  "Are you kidding me? It's been a month",
  "I'm losing my patience with you",
  'I HATE this app',
  'absolutely pathetic, three weeks and no refund',
  "Thanks for nothing, you've been no help at all",
  "Honestly the worst shopping experience I've had 😡",
  "I'm not happy at all with how this has been handled",
  'Ugh this is so frustrating',
  'Your so-called support is a complete rip off',
  'I have been lied to twice now, this is outrageous',
  "This is the third time I've asked and I'm getting really annoyed",
];

const CALM = [
  'How long do refunds take?',
  'Can I return a jumper I bought last month?',
  'My card was declined at the shop, why?',
  'I lost my card yesterday, can you block it?',
  'Thanks, that was really helpful!',
  'Great, thank you so much!!',
  'The jacket is not bad at all, but do you have it in navy?',
  'I want to cancel my order',
  'How do I close my account?',
  'I was charged twice for the same order',
  "Where is my order? It hasn't arrived yet",
  'Is there a fee for transferring money abroad?',
  'The delivery is late, when will it arrive?',
  "I'm a bit disappointed with the colour, can I exchange it?",
  'Hello! Can you help me with a return?',
  'My parcel was damaged in transit',
  "What's the worst case delivery time for Canada?",
  "Please help, I can't log in to my account",
  'The app keeps crashing when I try to pay',
  'I need to update my address before the order ships',
  'Do you sell tennis shoes?',
  'The sweater is lovely but a bit too big',
  "My card still hasn't arrived, I ordered it two weeks ago",
  "I'd like to dispute a transaction I don't recognise",
  'Why was my transfer rejected?',
  'Is it bad to wash wool in hot water?',
  'Can I change my PIN at an ATM?',
  "No worries, I'll wait for the email",
  'I ordered the wrong size, what do I do?',
  'I want to cancel my account',
  'I need the PDF for my VAT return',
  'Is the USB cable included?',
];

const LABELLED = [...FRUSTRATED.map((text) => ({ text, frustrated: true })), ...CALM.map((text) => ({ text, frustrated: false }))];

function accuracy(threshold: number): number {
  return LABELLED.filter(({ text, frustrated }) => (frustrationScore(text) <= threshold) === frustrated).length / LABELLED.length;
}

describe('frustrationScore', () => {
  it('stays within [-1, 1]', () => {
    for (const { text } of LABELLED) {
      const score = frustrationScore(text);
      expect(score).toBeGreaterThanOrEqual(-1);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(frustrationScore('FUCKING USELESS SHAMBLES, WORST EVER!!!! 🤬🤬')).toBeLessThan(-0.9);
    expect(frustrationScore('thank you so much, that was brilliant and really helpful!!')).toBeGreaterThan(0.8);
    expect(frustrationScore('')).toBe(0);
  });

  it.each(FRUSTRATED)('hands off %p at the default threshold', (text) => expect(isFrustrated(text)).toBe(true));
  it.each(CALM)('does not hand off %p', (text) => expect(isFrustrated(text)).toBe(false));

  it('uses a default threshold with the best accuracy on the labelled list', () => {
    expect(LABELLED.length).toBeGreaterThanOrEqual(40);
    const sweep = Array.from({ length: 101 }, (_, i) => -1 + i / 50);
    const best = Math.max(...sweep.map(accuracy));
    expect(accuracy(DEFAULT_FRUSTRATION_THRESHOLD)).toBe(best);
    expect(best).toBeGreaterThanOrEqual(0.95);
  });

  it('reads negation, intensifiers, dampeners, capitals, repeated punctuation and "but"', () => {
    expect(frustrationScore('this is not good')).toBeLessThan(0);
    expect(frustrationScore('not bad')).toBeGreaterThan(0);
    expect(frustrationScore('this is so annoying')).toBeLessThan(frustrationScore('this is annoying'));
    expect(frustrationScore('a bit annoying')).toBeGreaterThan(frustrationScore('annoying'));
    expect(frustrationScore('this is USELESS')).toBeLessThan(frustrationScore('this is useless'));
    expect(frustrationScore('this is useless!!!')).toBeLessThan(frustrationScore('this is useless'));
    expect(frustrationScore('where is my order!!!')).toBeLessThan(0);
    expect(frustrationScore('thanks, but this is useless')).toBeLessThan(0);
    expect(frustrationScore("I can't believe how bad this is")).toBeLessThan(frustrationScore('this is bad'));
  });
});
