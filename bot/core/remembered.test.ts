import { rememberedByText } from './remembered.js';

describe('rememberedByText', () => {
  it('computes a text once while it is among the most recently used, forgetting the least recently used first', () => {
    const seen: string[] = [];
    const length = rememberedByText(2, (text) => {
      seen.push(text);
      return text.length;
    });
    expect([length('a'), length('bb'), length('a'), length('ccc'), length('a'), length('bb')]).toEqual([1, 2, 1, 3, 1, 2]);
    // 'a' was used again before 'ccc' came, so 'bb' was the one forgotten.
    expect(seen).toEqual(['a', 'bb', 'ccc', 'bb']);
  });
});
