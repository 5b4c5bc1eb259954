import { outOfScopeThreshold, OUT_OF_SCOPE_RECALL } from './out-of-scope.js';
import { wilsonLowerBound } from './threshold-selection.js';

/** `n` out-of-scope held-out predictions: `labelled` of them labelled out of scope, the others answered at rising confidence. */
function outOfScope(n: number, labelled: number): { confidence: number; correct: boolean; outOfScope: boolean }[] {
  return Array.from({ length: n }, (_, i) => ({ confidence: i < labelled ? 0.9 : 0.1 + (0.8 * (i - labelled)) / n, correct: i < labelled, outOfScope: true }));
}

const inScope = Array.from({ length: 500 }, (_, i) => ({ confidence: 0.3 + (0.7 * i) / 500, correct: i % 10 !== 0, outOfScope: false }));

describe('outOfScopeThreshold', () => {
  it('hands off just enough held-out out-of-scope questions for the recall with 95 % confidence', () => {
    const heldOut = [...inScope, ...outOfScope(100, 50)];
    const threshold = outOfScopeThreshold(heldOut) as number;
    expect(threshold).toBeDefined();
    const found = (t: number) => heldOut.filter((r) => r.outOfScope && (r.correct || r.confidence < t)).length;
    expect(wilsonLowerBound(found(threshold), 100, 1.645)).toBeGreaterThanOrEqual(OUT_OF_SCOPE_RECALL);
    // The lowest such threshold: a hair lower misses one more, and the bound falls short.
    expect(wilsonLowerBound(found(threshold - 1e-6), 100, 1.645)).toBeLessThan(OUT_OF_SCOPE_RECALL);
    // More than the plain recall asks for: the margin for the few examples.
    expect(found(threshold) / 100).toBeGreaterThan(OUT_OF_SCOPE_RECALL + 0.05);
  });

  it('needs no threshold when the label already hands them off, and none can be shown with too few examples', () => {
    expect(outOfScopeThreshold([...inScope, ...outOfScope(100, 95)])).toBeUndefined();
    expect(outOfScopeThreshold([...inScope, ...outOfScope(4, 0)])).toBeUndefined();
    expect(outOfScopeThreshold(inScope)).toBeUndefined();
  });

  it('follows the recall asked for', () => {
    const heldOut = [...inScope, ...outOfScope(200, 20)];
    expect(outOfScopeThreshold(heldOut, 0.9) as number).toBeGreaterThan(outOfScopeThreshold(heldOut, 0.6) as number);
  });
});
