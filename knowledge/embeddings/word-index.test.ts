import { WordIndex } from './word-index.js';

describe('WordIndex', () => {
  const words = ['the', 'café', 'naïve', "n't", '2nd', 'cafe', 'a', 'straße'];

  it('gives each word its position and nothing for other words, also after a round trip through its parts', () => {
    const index = WordIndex.build(words);
    const copy = WordIndex.fromParts(Object.fromEntries(Object.entries(index.parts).map(([k, a]) => [k, a.slice()])) as WordIndex['parts']);
    for (const read of [index, copy]) {
      expect(read.size).toBe(words.length);
      words.forEach((word, i) => expect(read.idOf(word)).toBe(i));
      for (const other of ['', 'th', 'thee', 'Café', 'strasse', 'caf', 'b']) expect(read.idOf(other)).toBeUndefined();
    }
  });

  it('keeps a repeated word at its first id, and finds every one of many words (collisions probed)', () => {
    expect(WordIndex.build(['x', 'y', 'x']).idOf('x')).toBe(0);
    const many = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
    const index = WordIndex.build(many);
    expect(many.every((word, i) => index.idOf(word) === i)).toBe(true);
    expect(index.idOf('w-none')).toBeUndefined();
    expect(index.parts.slots.length).toBe(65_536);
  });
});
