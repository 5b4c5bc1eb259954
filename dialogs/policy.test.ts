import type { Hit, Retrieval } from '../knowledge/index.js';
import { decide } from './policy.js';

const hit = (id: string, answer: string, score: number): Hit => ({ ticket: { id, question: `q ${id}`, answer, source: 's', metadata: {} }, score });
const retrieval = (confidence: number, answerThreshold?: number): Retrieval => ({
  hits: [hit('a', 'Answer A', 0.6), hit('b', 'Answer B', 0.5)],
  confidence,
  outOfScope: false,
  ...(answerThreshold === undefined ? {} : { answerThreshold }),
});

describe('decide', () => {
  const thresholds = { answer: 0.3, clarify: 0.2 };

  it('answers at the threshold the knowledge selected for the precision target', () => {
    expect(decide(retrieval(0.5, 0.7), thresholds).action).toBe('clarify');
    expect(decide(retrieval(0.75, 0.7), thresholds).action).toBe('answer');
    expect(decide(retrieval(0.15, 0.7), thresholds).action).toBe('handoff');
  });

  it('ends the clarify band at a selected threshold below the configured clarify threshold', () => {
    expect(decide(retrieval(0.12, 0.1), thresholds).action).toBe('answer');
    expect(decide(retrieval(0.08, 0.1), thresholds)).toMatchObject({ action: 'handoff', reason: 'low_confidence' });
  });

  it('uses the configured thresholds without a selection, or when they are fixed', () => {
    expect(decide(retrieval(0.35), thresholds).action).toBe('answer');
    expect(decide(retrieval(0.35, 0.7), { ...thresholds, fixed: true }).action).toBe('answer');
    expect(decide(retrieval(0.25, 0.7), { ...thresholds, fixed: true }).action).toBe('clarify');
  });

  it('never answers when no threshold reaches the target', () => {
    expect(decide(retrieval(1, 1.01), thresholds).action).toBe('clarify');
  });
});
