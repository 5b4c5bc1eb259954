import { answerRelatedness, linksOf, sameAnswer } from './answer-agreement.js';

describe('linksOf', () => {
  it('normalizes scheme, www, query, trailing slash, punctuation and archive snapshots', () => {
    expect(linksOf('See https://www.Help.example/a/b/?utm=x. Or http://web.archive.org/web/20200401224734/https://help.example/a/b')).toEqual(['help.example/a/b']);
    expect(linksOf('no link here')).toEqual([]);
  });
});

describe('sameAnswer', () => {
  it('compares links when either answer has one, else the answer text', () => {
    expect(sameAnswer('@ann try https://help.example/42 *SR', '@bob this helps: https://help.example/42/', 0.1)).toBe(true);
    expect(sameAnswer('https://help.example/42', 'https://help.example/43', 0.99)).toBe(false);
    expect(sameAnswer('https://help.example/42', 'Restart the app.', 0.99)).toBe(false);
    expect(sameAnswer('Restart the app.', 'Please restart the app.', 0.8)).toBe(true);
    expect(sameAnswer('Restart the app.', 'Refunds take a week.', 0.1)).toBe(false);
  });
});

describe('answerRelatedness', () => {
  it('is 1 for the same link, 0 for other links or a link against none, else the text cosine', () => {
    expect(answerRelatedness('See https://help.example/refunds?x=1', 'Read http://www.help.example/refunds/', 0.1)).toBe(1);
    expect(answerRelatedness('See https://help.example/refunds', 'See https://help.example/shipping', 0.9)).toBe(0);
    expect(answerRelatedness('See https://help.example/refunds', 'Refunds take 7 days.', 0.9)).toBe(0);
    expect(answerRelatedness('Refunds take 7 days.', 'Your refund takes 7 days.', 0.42)).toBe(0.42);
  });
});
