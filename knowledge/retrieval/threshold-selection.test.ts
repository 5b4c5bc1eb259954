import { seededRandom } from '../embeddings/linalg.js';
import { coverageAtPrecision, NEVER_ANSWER, riskCoverageCurve, selectAnswerThreshold, wilsonLowerBound, type ScoredOutcome } from './threshold-selection.js';

const outcome = (confidence: number, correct: boolean): ScoredOutcome => ({ confidence, correct });

/** Predictions right with probability equal to their confidence (a calibrated model). */
function calibrated(n: number, seed: number): ScoredOutcome[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const confidence = random();
    return outcome(confidence, random() < confidence);
  });
}

describe('riskCoverageCurve', () => {
  it('walks from the most confident prediction to all of them, ties answered together', () => {
    const curve = riskCoverageCurve([outcome(0.9, true), outcome(0.5, false), outcome(0.7, true), outcome(0.7, false)]);
    expect(curve).toEqual([
      { threshold: 0.9, coverage: 0.25, precision: 1, answered: 1 },
      { threshold: 0.7, coverage: 0.75, precision: 2 / 3, answered: 3 },
      { threshold: 0.5, coverage: 1, precision: 0.5, answered: 4 },
    ]);
  });

  it('is empty without predictions', () => {
    expect(riskCoverageCurve([])).toEqual([]);
  });
});

describe('coverageAtPrecision', () => {
  it('is the widest coverage whose precision reaches the target', () => {
    const outcomes = [outcome(0.9, true), outcome(0.8, true), outcome(0.7, false), outcome(0.6, true), outcome(0.5, false)];
    expect(coverageAtPrecision(outcomes, 1)).toBe(0.4);
    expect(coverageAtPrecision(outcomes, 0.75)).toBe(0.8);
    expect(coverageAtPrecision(outcomes, 0.6)).toBe(1);
    expect(coverageAtPrecision([outcome(0.9, false)], 0.5)).toBe(0);
  });
});

describe('wilsonLowerBound', () => {
  it('lies below the observed rate, closer to it with more trials', () => {
    expect(wilsonLowerBound(9, 10, 1)).toBeLessThan(0.9);
    expect(wilsonLowerBound(90, 100, 1)).toBeGreaterThan(wilsonLowerBound(9, 10, 1));
    expect(wilsonLowerBound(90, 100, 1)).toBeLessThan(0.9);
    expect(wilsonLowerBound(9, 10, 0)).toBe(0.9);
    expect(wilsonLowerBound(0, 0, 1)).toBe(0);
  });
});

describe('selectAnswerThreshold', () => {
  it('keeps the precision of new predictions at the target on a calibrated model', () => {
    const choice = selectAnswerThreshold(calibrated(2000, 1), 0.9);
    expect(choice.threshold).toBeGreaterThan(0.7);
    expect(choice.threshold).toBeLessThan(0.95);
    expect(choice.precision).toBeGreaterThanOrEqual(0.9);
    const fresh = calibrated(4000, 2).filter((o) => o.confidence >= choice.threshold);
    expect(fresh.filter((o) => o.correct).length / fresh.length).toBeGreaterThan(0.88);
  });

  it('answers more when the target is lower', () => {
    const outcomes = calibrated(2000, 3);
    expect(selectAnswerThreshold(outcomes, 0.8).coverage).toBeGreaterThan(selectAnswerThreshold(outcomes, 0.95).coverage);
  });

  it('never answers when no threshold reaches the target', () => {
    const wrong = Array.from({ length: 50 }, (_, i) => outcome(i / 50, i % 2 === 0));
    expect(selectAnswerThreshold(wrong, 0.9)).toMatchObject({ threshold: NEVER_ANSWER, coverage: 0, support: 50 });
    expect(selectAnswerThreshold([], 0.9).threshold).toBe(NEVER_ANSWER);
  });

  it('does not rest on a few lucky predictions', () => {
    const outcomes = [...Array.from({ length: 5 }, (_, i) => outcome(0.99 - i / 100, true)), ...Array.from({ length: 95 }, (_, i) => outcome(0.5 - i / 200, i % 3 === 1))];
    expect(selectAnswerThreshold(outcomes, 0.9).threshold).toBe(NEVER_ANSWER);
    expect(selectAnswerThreshold(outcomes, 0.9, { z: 0, minAnswered: 1 }).threshold).toBeCloseTo(0.95);
  });
});
