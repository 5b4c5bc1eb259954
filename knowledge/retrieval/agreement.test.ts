import { seededRandom } from '../embeddings/linalg.js';
import { agreementOf, SignalCalibration, type SignalRecord } from './agreement.js';

describe('agreementOf', () => {
  it('is the share of the top candidates’ score that agrees with the first', () => {
    expect(agreementOf([0.5, 0.3, 0.2], [true, true, false])).toBeCloseTo(0.8);
    expect(agreementOf([0.5, 0.5], [true, false])).toBeCloseTo(0.5);
    expect(agreementOf([0.4], [true])).toBe(1);
    expect(agreementOf([], [])).toBe(0);
  });

  it('looks at the top five candidates only', () => {
    expect(agreementOf([0.2, 0.2, 0.2, 0.2, 0.2, 5], [true, true, true, true, true, false])).toBe(1);
  });
});

describe('SignalCalibration', () => {
  /** Right answers come with agreeing neighbours; similarity says little. */
  function records(n: number, seed: number): SignalRecord[] {
    const random = seededRandom(seed);
    return Array.from({ length: n }, () => {
      const agreement = random();
      return { similarity: random(), agreement, correct: random() < agreement * agreement };
    });
  }

  it('learns that agreement carries correctness, and stays a probability', () => {
    const calibration = SignalCalibration.fit(records(1500, 1));
    expect(calibration).toBeDefined();
    const high = calibration!.apply({ similarity: 0.5, agreement: 0.95 });
    const low = calibration!.apply({ similarity: 0.5, agreement: 0.1 });
    expect(high).toBeGreaterThan(0.7);
    expect(low).toBeLessThan(0.15);
    expect(Math.abs(calibration!.apply({ similarity: 0.9, agreement: 0.5 }) - calibration!.apply({ similarity: 0.1, agreement: 0.5 }))).toBeLessThan(0.15);
  });

  it('round-trips its weights and needs both right and wrong records', () => {
    const calibration = SignalCalibration.fit(records(300, 2))!;
    expect(SignalCalibration.fromWeights(calibration.weights)?.apply({ similarity: 0.3, agreement: 0.6 })).toBe(calibration.apply({ similarity: 0.3, agreement: 0.6 }));
    expect(SignalCalibration.fromWeights([1, 2])).toBeUndefined();
    expect(SignalCalibration.fit([{ similarity: 1, agreement: 1, correct: true }])).toBeUndefined();
  });
});
