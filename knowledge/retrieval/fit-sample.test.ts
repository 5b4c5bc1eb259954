import { fitSample } from './ticket-encoder.js';

describe('fitSample', () => {
  it('keeps every item of a corpus up to the sample size, and spreads the sample evenly over a larger one', () => {
    const small = Array.from({ length: 10 }, (_, i) => i);
    expect(fitSample(small, 10)).toBe(small);
    const large = Array.from({ length: 1_000 }, (_, i) => i);
    const sample = fitSample(large, 100);
    expect(sample).toHaveLength(100);
    expect(new Set(sample).size).toBe(100);
    expect(sample[0]).toBe(0);
    expect(sample.at(-1)).toBe(990);
    // Even: one item in every ten, from the start to the end of the corpus.
    expect(sample.every((value, i) => value === i * 10)).toBe(true);
  });
});
