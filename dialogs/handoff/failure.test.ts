import { answerComplaint, complaintOnly, isRephrase, saysAnswerFailed } from './failure.js';

describe('saysAnswerFailed', () => {
  it.each([
    "that doesn't answer my question",
    "That's not what I asked",
    'still not working',
    'you already said that',
    "that didn't help",
    'This does not help at all',
    'not helpful',
    "no, that's wrong",
    "you're not understanding me",
    "you don't understand",
    'I already tried that',
    'same answer again?!',
    'you keep saying the same thing',
    'it still doesnt work',
    "that wasn't my question",
    "that's not it",
    "it didn't solve my problem",
    'you misunderstood',
    'please read my question again',
    'that makes no sense',
    "I didn't ask about returns",
    "Your answer doesn't address my problem",
    "that's irrelevant",
    'Not what I was looking for',
    'still broken',
  ])('recognizes %p', (text) => expect(saysAnswerFailed(text)).toBe(true));

  it.each([
    'that answered my question, thanks',
    'does it help if I send a photo?',
    "what if it doesn't fit?",
    'how do I know which size is right?',
    'you already charged me twice',
    'I already returned the dress, where is my refund?',
    'my order still has not shipped',
    'does this answer form need my order number?',
    'is the same jacket available in navy?',
    'what did you say the return window was?',
    'I still want to exchange it',
    'that works, thank you',
    'not sure which size to take',
    'the wrong item arrived',
    'the zip is not working properly on my new coat',
  ])('does not mistake %p for a complaint', (text) => expect(saysAnswerFailed(text)).toBe(false));

  it('tells a bare complaint from one that asks again', () => {
    expect(complaintOnly(answerComplaint("that's not what I asked") ?? { match: '', rest: '' })).toBe(true);
    expect(complaintOnly(answerComplaint('that didnt help!!') ?? { match: '', rest: '' })).toBe(true);
    const again = answerComplaint("that's not what I asked, I want to know when the refund reaches my card");
    expect(again?.rest).toMatch(/refund reaches my card/);
    expect(complaintOnly(again ?? { match: '', rest: '' })).toBe(false);
  });
});

describe('isRephrase', () => {
  it.each([
    ['how long do refunds take?', 'how long do refunds take?'],
    ['how long do refunds take?', 'How long does a refund take??'],
    ['how long do refunds take?', 'refunds, how long do they take again'],
    ['Can I return a sale item?', 'can sale items be returned'],
    ['do you ship to Canada', 'do you deliver to Canada? do you ship there'],
    ['my parcel tracking link is broken', 'the tracking link for my parcel is broken'],
  ])('%p → %p is the same question', (previous, current) => expect(isRephrase(previous, current)).toBe(true));

  it.each([
    ['how long do refunds take?', 'how long does shipping take?'],
    ['Can I return a sale item?', 'can I exchange a gift?'],
    ['do you ship to Canada', 'what sizes do you have'],
    ['how long do refunds take?', 'thanks'],
    ['my parcel tracking link is broken', 'how do I return a parcel'],
    ['', 'anything'],
  ])('%p → %p is a new question', (previous, current) => expect(isRephrase(previous, current)).toBe(false));
});
