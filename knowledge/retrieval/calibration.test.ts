import { seededRandom } from '../embeddings/linalg.js';
import { Calibrator, expectedCalibrationError, type CalibrationRecord } from './calibration.js';

/** Records where the chance of being right is top² (raw scores overconfident), margin and similarity uninformative. */
function records(n: number, seed = 1): CalibrationRecord[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const top = 0.2 + 0.8 * random();
    return { top, margin: random() * top, similarity: random(), correct: random() < top * top, outOfScope: false };
  });
}

describe('Calibrator', () => {
  const data = records(1000);
  const calibrator = Calibrator.fit(data);

  it('is monotone in the top probability and stays in (0, 1)', () => {
    let previous = -Infinity;
    for (let top = 0.2; top <= 1.0001; top += 0.05) {
      const p = calibrator.apply(top, 0.3, 0.5);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
      expect(p).toBeGreaterThan(previous);
      previous = p;
    }
  });

  it('matches the empirical rate of being right in the middle of the range', () => {
    const middle = data.filter((r) => r.top >= 0.5 && r.top < 0.7);
    const empirical = middle.filter((r) => r.correct).length / middle.length;
    const predicted = middle.reduce((s, r) => s + calibrator.apply(r.top, r.margin, r.similarity), 0) / middle.length;
    expect(Math.abs(predicted - empirical)).toBeLessThan(0.1);
    // And the raw score, which it corrects, is off by more.
    const raw = middle.reduce((s, r) => s + r.top, 0) / middle.length;
    expect(Math.abs(raw - empirical)).toBeGreaterThan(Math.abs(predicted - empirical));
    expect(Math.abs(calibrator.apply(0.6, 0.3, 0.5) - 0.36)).toBeLessThan(0.1);
  });

  it('lowers the calibration error of the raw scores', () => {
    const test = records(1000, 2);
    const raw = expectedCalibrationError(test.map((r) => ({ confidence: r.top, correct: r.correct })));
    const calibrated = expectedCalibrationError(test.map((r) => ({ confidence: calibrator.apply(r.top, r.margin, r.similarity), correct: r.correct })));
    expect(calibrated).toBeLessThan(0.06);
    expect(calibrated).toBeLessThan(raw);
  });

  it('is the identity when all records agree, or without records', () => {
    const allRight = data.map((r) => ({ ...r, correct: true }));
    const allWrong = data.map((r) => ({ ...r, correct: false }));
    for (const c of [Calibrator.fit(allRight), Calibrator.fit(allWrong), Calibrator.fit([]), Calibrator.identity()]) {
      for (const top of [0, 0.13, 0.5, 0.99, 1]) expect(c.apply(top, 0.2, 0.7)).toBe(top);
    }
  });

  it('learns from the nearest-ticket similarity when that is what predicts correctness', () => {
    const random = seededRandom(9);
    const bySimilarity = Array.from({ length: 600 }, () => {
      const similarity = random();
      return { top: 0.7, margin: 0.4, similarity, correct: random() < similarity, outOfScope: false };
    });
    const fitted = Calibrator.fit(bySimilarity);
    expect(fitted.apply(0.7, 0.4, 0.9)).toBeGreaterThan(fitted.apply(0.7, 0.4, 0.1) + 0.3);
  });

  it('learns from the out-of-scope label\'s probability, and reads weights written without it', () => {
    const random = seededRandom(11);
    const byOutOfScope = Array.from({ length: 600 }, () => {
      const outOfScopeProbability = 0.5 * random();
      return { top: 0.6, margin: 0.3, similarity: 0.5, outOfScopeProbability, correct: random() > 2 * outOfScopeProbability, outOfScope: false };
    });
    const fitted = Calibrator.fit(byOutOfScope);
    expect(fitted.apply(0.6, 0.3, 0.5, 0.05)).toBeGreaterThan(fitted.apply(0.6, 0.3, 0.5, 0.45) + 0.3);
    // Weights of a model written before the fifth feature: it counts 0.
    const old = Calibrator.fromWeights([0.1, 1, 0.5, 0.2]);
    expect(old.apply(0.6, 0.3, 0.5, 0.4)).toBeCloseTo(old.apply(0.6, 0.3, 0.5), 12);
    expect(old.weights).toEqual([0.1, 1, 0.5, 0.2, 0]);
  });
});

describe('expectedCalibrationError', () => {
  it('is about 0 for a perfectly calibrated set', () => {
    // In each bin, the share of right answers equals the confidence.
    const pairs = Array.from({ length: 10 }, (_, b) => {
      const confidence = (b + 0.5) / 10;
      return Array.from({ length: 100 }, (_, i) => ({ confidence, correct: i < confidence * 100 }));
    }).flat();
    expect(expectedCalibrationError(pairs)).toBeLessThan(0.05);
    const random = seededRandom(4);
    const sampled = Array.from({ length: 3000 }, () => {
      const confidence = random();
      return { confidence, correct: random() < confidence };
    });
    expect(expectedCalibrationError(sampled)).toBeLessThan(0.05);
  });

  it('is large for an overconfident set', () => {
    const random = seededRandom(8);
    const pairs = Array.from({ length: 1000 }, () => {
      const confidence = 0.9 + 0.1 * random();
      return { confidence, correct: random() < 0.55 };
    });
    const ece = expectedCalibrationError(pairs);
    expect(ece).toBeGreaterThan(0.2);
    expect(ece).toBeCloseTo(0.95 - 0.55, 1);
  });

  it('weights bins by size and handles edge cases', () => {
    expect(expectedCalibrationError([])).toBe(0);
    // Confidence 1 falls in the last bin.
    expect(expectedCalibrationError([{ confidence: 1, correct: true }])).toBe(0);
    expect(expectedCalibrationError([{ confidence: 1, correct: false }])).toBe(1);
    // Two bins: 0.25 → right (error 0.75), 0.75 → right ×3 (error 0.25 each): (0.75 + 3 × 0.25) / 4.
    const pairs = [{ confidence: 0.25, correct: true }, ...Array.from({ length: 3 }, () => ({ confidence: 0.75, correct: true }))];
    expect(expectedCalibrationError(pairs, 2)).toBeCloseTo((0.75 + 0.75) / 4, 10);
  });
});
