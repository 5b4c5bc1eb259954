import { concatSparse, pack, sparseDot, Vocabulary } from './vocabulary.js';

const norm = (values: readonly number[]) => Math.sqrt(values.reduce((s, v) => s + v * v, 0));

describe('Vocabulary', () => {
  const corpus = [
    ['w:parcel', 'w:late', 'b:parcel_late'],
    ['w:parcel', 'w:lost'],
    ['w:parcel', 'w:refund', 'b:parcel_late'],
    ['w:refund', 'w:card'],
  ];

  it('learns every feature by default and counts documents', () => {
    const vocabulary = Vocabulary.fit(corpus);
    expect(vocabulary.size).toBe(6);
    expect(vocabulary.documents).toBe(4);
  });

  it('vectorizes to unit length with ascending indices', () => {
    const vocabulary = Vocabulary.fit(corpus);
    const vector = vocabulary.vectorize(['w:refund', 'w:parcel', 'w:late', 'w:parcel', 'b:parcel_late']);
    expect(vector.indices).toHaveLength(4);
    expect(vector.values).toHaveLength(4);
    expect(norm(vector.values)).toBeCloseTo(1, 6);
    for (let i = 1; i < vector.indices.length; i++) expect(vector.indices[i]).toBeGreaterThan(vector.indices[i - 1] as number);
    expect(vector.values.every((v) => v > 0)).toBe(true);
  });

  it('ignores unknown features and gives an empty vector when nothing is known', () => {
    const vocabulary = Vocabulary.fit(corpus);
    expect(vocabulary.vectorize(['w:parcel', 'w:unknown', 'c:xyz'])).toEqual(vocabulary.vectorize(['w:parcel']));
    const single = vocabulary.vectorize(['w:parcel', 'w:nothing']);
    expect(single.values).toHaveLength(1);
    expect(single.values[0]).toBeCloseTo(1, 6);
    expect(vocabulary.vectorize(['w:nope'])).toEqual({ indices: [], values: [] });
    expect(vocabulary.vectorize([])).toEqual({ indices: [], values: [] });
  });

  it('weighs a rarer feature more (smoothed idf) and uses sublinear term frequency', () => {
    const vocabulary = Vocabulary.fit(corpus);
    const idf = (df: number) => Math.log((1 + 4) / (1 + df)) + 1;
    const idOf = (feature: string) => vocabulary.vectorize([feature]).indices[0] as number;
    // parcel is in 3 of 4 documents, lost in 1.
    const parcel = idOf('w:parcel');
    const lost = idOf('w:lost');
    expect(vocabulary.idfOf(parcel)).toBeCloseTo(idf(3), 5);
    expect(vocabulary.idfOf(lost)).toBeCloseTo(idf(1), 5);
    expect(vocabulary.idfOf(999)).toBe(0);

    const weight = (vector: { indices: number[]; values: number[] }, id: number) => vector.values[vector.indices.indexOf(id)] as number;
    const vector = vocabulary.vectorize(['w:parcel', 'w:lost']);
    expect(weight(vector, lost)).toBeGreaterThan(weight(vector, parcel));
    expect(weight(vector, lost) / weight(vector, parcel)).toBeCloseTo(idf(1) / idf(3), 5);
    // Repeating a feature raises its weight by 1 + ln(tf), not tf.
    const repeated = vocabulary.vectorize(['w:parcel', 'w:parcel', 'w:parcel', 'w:lost']);
    expect(weight(repeated, parcel) / weight(repeated, lost)).toBeCloseTo(((1 + Math.log(3)) * idf(3)) / idf(1), 5);
  });

  it('prunes features below minDf, and bigrams below minBigramDf', () => {
    const pruned = Vocabulary.fit(corpus, { minDf: 2 });
    // parcel (3), refund (2), parcel_late (2) survive.
    expect(pruned.size).toBe(3);
    expect(pruned.vectorize(['w:late', 'w:lost', 'w:card']).indices).toHaveLength(0);
    expect(pruned.vectorize(['b:parcel_late']).indices).toHaveLength(1);

    const bigramsOnly = Vocabulary.fit(corpus, { minBigramDf: 3 });
    // All 5 unigrams stay; the bigram (df 2) goes.
    expect(bigramsOnly.size).toBe(5);
    expect(bigramsOnly.vectorize(['b:parcel_late']).indices).toHaveLength(0);
    expect(bigramsOnly.vectorize(['w:lost']).indices).toHaveLength(1);

    const looseBigrams = Vocabulary.fit(corpus, { minDf: 3, minBigramDf: 1 });
    // Only parcel among unigrams, but the bigram is kept.
    expect(looseBigrams.size).toBe(2);
    expect(looseBigrams.vectorize(['b:parcel_late', 'w:refund']).indices).toHaveLength(1);
  });

  it('makes the dot product of two vectors their cosine similarity', () => {
    const vocabulary = Vocabulary.fit(corpus);
    const a = vocabulary.vectorize(['w:parcel', 'w:late']);
    expect(sparseDot(a, a)).toBeCloseTo(1, 6);
    expect(sparseDot(a, vocabulary.vectorize(['w:card']))).toBe(0);
    const b = vocabulary.vectorize(['w:parcel', 'w:lost']);
    const cosine = sparseDot(a, b);
    expect(cosine).toBeGreaterThan(0);
    expect(cosine).toBeLessThan(1);
  });
});

describe('sparseDot', () => {
  it('multiplies matching indices only', () => {
    const a = { indices: [1, 3, 5, 9], values: [1, 2, 3, 4] };
    const b = { indices: [0, 3, 4, 9, 12], values: [7, 10, 100, 0.5, 8] };
    expect(sparseDot(a, b)).toBe(2 * 10 + 4 * 0.5);
    expect(sparseDot(b, a)).toBe(22);
    expect(sparseDot(a, { indices: [], values: [] })).toBe(0);
    expect(sparseDot({ indices: [0, 2], values: [1, 1] }, { indices: [1, 3], values: [1, 1] })).toBe(0);
  });

  it('accepts packed vectors', () => {
    const a = { indices: [2, 4], values: [0.5, 0.25] };
    expect(sparseDot(pack(a), a)).toBeCloseTo(0.3125, 6);
    expect(sparseDot(pack(a), pack(a))).toBeCloseTo(0.3125, 6);
  });
});

describe('concatSparse', () => {
  it('shifts each part by its offset and scales it by its weight', () => {
    const joined = concatSparse([
      { vector: { indices: [0, 5], values: [1, 2] }, weight: 0.5, offset: 0 },
      { vector: pack({ indices: [1, 2], values: [4, 8] }), weight: 2, offset: 100 },
      { vector: { indices: [], values: [] }, weight: 3, offset: 200 },
    ]);
    expect(joined).toEqual({ indices: [0, 5, 101, 102], values: [0.5, 1, 8, 16] });
  });

  it('keeps the weighted dot product of parts when both sides use the same offsets', () => {
    const q1 = { indices: [1, 2], values: [0.6, 0.8] };
    const q2 = { indices: [3], values: [1] };
    const t1 = { indices: [2], values: [1] };
    const t2 = { indices: [3], values: [1] };
    const parts = (a: typeof q1, b: typeof q2) => [
      { vector: a, weight: Math.sqrt(0.3), offset: 0 },
      { vector: b, weight: Math.sqrt(0.7), offset: 1 << 24 },
    ];
    const dot = sparseDot(concatSparse(parts(q1, q2)), concatSparse(parts(t1, t2)));
    expect(dot).toBeCloseTo(0.3 * 0.8 + 0.7 * 1, 6);
  });
});

describe('pack', () => {
  it('copies into typed arrays', () => {
    const vector = { indices: [3, 7], values: [0.25, 0.75] };
    const packed = pack(vector);
    expect(packed.indices).toBeInstanceOf(Uint32Array);
    expect(packed.values).toBeInstanceOf(Float32Array);
    expect(Array.from(packed.indices)).toEqual([3, 7]);
    expect(Array.from(packed.values)).toEqual([0.25, 0.75]);
    vector.indices[0] = 99;
    expect(packed.indices[0]).toBe(3);
  });
});
