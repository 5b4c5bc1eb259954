import { charFeatures, stem, wordFeatures, words } from './text.js';

describe('words', () => {
  it('lower-cases, strips accents and splits on anything but letters and digits', () => {
    expect(words('Café DÉJÀ-vu, Straße!')).toEqual(['cafe', 'deja', 'vu', 'straße']);
    expect(words('Order #A12-345 arrived on 3/4')).toEqual(['order', 'a12', '345', 'arrived', 'on', '3', '4']);
    expect(words('  ...  ')).toEqual([]);
    expect(words('')).toEqual([]);
  });

  it('keeps letters of other scripts', () => {
    expect(words('Заказ 42 не пришёл')).toEqual(['заказ', '42', 'не', 'пришел']);
  });
});

describe('stem', () => {
  it('maps inflections of a verb to one stem', () => {
    expect(stem('returns')).toBe('return');
    expect(stem('returned')).toBe('return');
    expect(stem('returning')).toBe('return');
    expect(stem('return')).toBe('return');
  });

  it('turns -ies into -y', () => {
    expect(stem('deliveries')).toBe('delivery');
    expect(stem('delivery')).toBe('delivery');
  });

  it('leaves -ss, -us, -is words, short words and words with digits alone', () => {
    expect(stem('dress')).toBe('dress');
    expect(stem('status')).toBe('status');
    expect(stem('analysis')).toBe('analysis');
    expect(stem('was')).toBe('was');
    expect(stem('bus')).toBe('bus');
    expect(stem('100s')).toBe('100s');
    expect(stem('a4s')).toBe('a4s');
  });

  it('does not strip a suffix when fewer than three letters would remain', () => {
    expect(stem('sing')).toBe('sing');
    expect(stem('bed')).toBe('bed');
    expect(stem('feed')).toBe('feed');
  });

  it('strips plural -s and -es', () => {
    expect(stem('orders')).toBe('order');
    expect(stem('boxes')).toBe('box');
  });
});

describe('wordFeatures', () => {
  it('drops stopwords from unigrams but keeps them in bigrams, all stemmed', () => {
    const features = wordFeatures('How long is my Order taking?');
    expect(features.filter((f) => f.startsWith('w:'))).toEqual(['w:how', 'w:long', 'w:order', 'w:tak']);
    expect(features.filter((f) => f.startsWith('b:'))).toEqual(['b:how_long', 'b:long_is', 'b:is_my', 'b:my_order', 'b:order_tak']);
    expect(features).not.toContain('w:is');
    expect(features).not.toContain('w:my');
  });

  it('stems before building features', () => {
    expect(wordFeatures('returned parcels')).toEqual(['w:return', 'w:parcel', 'b:return_parcel']);
  });

  it('returns nothing for an empty text and only a unigram for one word', () => {
    expect(wordFeatures('')).toEqual([]);
    expect(wordFeatures('refund')).toEqual(['w:refund']);
    expect(wordFeatures('the')).toEqual([]);
  });
});

describe('charFeatures', () => {
  it('builds 3–5-grams of each word padded with spaces', () => {
    expect(charFeatures('ab')).toEqual(['c: ab', 'c:ab ', 'c: ab ']);
    expect(charFeatures('Cat')).toEqual(['c: ca', 'c:cat', 'c:at ', 'c: cat', 'c:cat ', 'c: cat ']);
  });

  it('never crosses word boundaries', () => {
    const features = charFeatures('ab cd');
    expect(features).toEqual([...charFeatures('ab'), ...charFeatures('cd')]);
    expect(features.some((f) => f.includes('b c'))).toBe(false);
  });

  it('produces the expected count per word and honours min/max', () => {
    // A word of length L padded to L + 2 gives L + 3 - n grams of size n.
    const word = 'delivery';
    const expected = [3, 4, 5].reduce((sum, n) => sum + (word.length + 3 - n), 0);
    expect(charFeatures(word)).toHaveLength(expected);
    const trigrams = charFeatures(word, 3, 3);
    expect(trigrams).toHaveLength(word.length);
    expect(trigrams.every((f) => f.length === 'c:'.length + 3)).toBe(true);
  });

  it('normalizes accents and case like words()', () => {
    expect(charFeatures('Été')).toEqual(charFeatures('ete'));
  });
});
