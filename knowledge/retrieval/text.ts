/** Common English function words; they carry little signal for matching support questions. */
const STOPWORDS = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being am do does did doing have has had ' +
    'i me my we our you your he she it its they them their this that these those there here so than too very can could would ' +
    'should will shall may might must just about into over under again then once hi hello hey please thanks thank'
  ).split(' '),
);

/** True for the function words `wordFeatures` leaves out of unigrams (checked on stems). */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Lower-cases, strips accents and splits into word tokens (letters and digits). */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** A light suffix-stripping stemmer: enough to match "returns"/"returned"/"returning" without a dictionary. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  for (const suffix of ['ings', 'ing', 'edly', 'ed', 'es', 's', 'ly']) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) continue;
    if (suffix === 's' && /(ss|us|is)$/.test(word)) return word;
    return word.slice(0, -suffix.length);
  }
  return word;
}

/** Word features: stemmed unigrams without stopwords, plus bigrams over all words (keeps "how long", "track my"). */
export function wordFeatures(text: string): string[] {
  const all = words(text).map(stem);
  const features = all.filter((w) => !STOPWORDS.has(w)).map((w) => `w:${w}`);
  for (let i = 0; i + 1 < all.length; i++) features.push(`b:${all[i]}_${all[i + 1]}`);
  return features;
}

/** Character n-grams (3–5) inside word boundaries: robust to typos and inflections. */
export function charFeatures(text: string, min = 3, max = 5): string[] {
  const features: string[] = [];
  for (const word of words(text)) {
    const padded = ` ${word} `;
    for (let n = min; n <= max; n++) {
      for (let i = 0; i + n <= padded.length; i++) features.push(`c:${padded.slice(i, i + n)}`);
    }
  }
  return features;
}
